"""The HTTP side of ``tarjama serve``: Starlette routes on uvicorn.

Starlette rather than FastAPI: the API is LibreTranslate's, fixed field for
field (JSON, form and query string alike, which FastAPI's typed parameters do
not model), so FastAPI's models and generated schema would add nothing but
pydantic and start-up time on top of the same Starlette (Starlette, uvicorn and
python-multipart import in 0.7 s on the shared 2-core machine).

Every route answers JSON ``{"error": …}`` on failure, with no stack trace and
no server path in it; the traceback goes to the server's log.  Bodies are
read with a size cap and a deadline, so an oversized or slow request costs a
bounded amount of memory and time and the server keeps serving the others.
"""

from __future__ import annotations

import asyncio
import logging
import re
import shutil
import socket
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import ClientDisconnect, Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from translate import __version__
from translate.errors import TarjamaError
from translate.inputs import TextLimitExceeded
from translate.serve import engine, page
from translate.serve.batcher import Batcher, Closed, QueueFull
from translate.serve.config import ServeConfig
from translate.serve.config import size as size_text
from translate.serve.downloads import DownloadStore
from translate.serve.forms import NotText, StrictMultiPartParser
from translate.serve.libretranslate import (
    LANGUAGES,
    ApiError,
    check_api_key,
    combine,
    is_json,
    missing,
    parse_json,
    parse_query,
    text_confidence,
    translate_request,
    translate_response,
)
from translate.serve.markup import plan_html, plan_text

log = logging.getLogger("translate.serve")

_POLL_S = 0.5
"""How often a waiting request looks whether its client is still there."""
_N_BEST_CHUNK = 4
"""Sentences of an n-best request per turn of the model (each is decoded alone, with a wide beam)."""


def _stopping() -> ApiError:
    """What a request gets when the queue it waits in was closed (the server was told to stop); a new one each time."""
    return ApiError(503, "the server is stopping")


class _ClientGone(Exception):
    """The client closed its connection while its work waited: the work is dropped, nobody gets an answer."""


async def _while_connected(request: Request, gone: threading.Event, work: Callable[..., Any], *args: Any) -> Any:
    """``work(*args)`` in a worker thread; if the client leaves meanwhile, ``gone`` tells the work to drop what it queued."""
    task = asyncio.ensure_future(run_in_threadpool(work, *args))
    while True:
        done, _ = await asyncio.wait({task}, timeout=_POLL_S)
        if done:
            return task.result()
        if await request.is_disconnected():
            gone.set()
            raise _ClientGone()


class Service:
    """The translator behind the batcher, and the waiting, timeouts and refusals around it."""

    def __init__(self, config: ServeConfig) -> None:
        self.config = config
        self.info: engine.EngineInfo | None = None
        self.loaded: engine.LoadedTranslator | None = None
        self.glossary = engine.load_glossary(config.glossary)
        self.batcher: Batcher = Batcher(
            self._setup,
            capacity=config.limits.queue_segments,
            max_segments=config.max_batch,
            wait_s=config.batch_wait_ms / 1000,
            merge=config.cross_batching,
        )
        self.downloads = Path(tempfile.mkdtemp(prefix="tarjama-serve-"))
        limits = config.limits
        self.store = DownloadStore(self.downloads, max_bytes=limits.downloads_bytes, max_age_s=limits.downloads_age_s, max_files=limits.downloads_files)
        self.started = time.time()

    def _setup(self):
        self.loaded = engine.open_translator(self.config, self.glossary)
        self.info = self.loaded.info
        return self.loaded.translate

    def start(self) -> None:
        self.batcher.start()

    def close(self) -> None:
        self.batcher.close()
        shutil.rmtree(self.downloads, ignore_errors=True)

    # -- queueing -----------------------------------------------------------------------

    def _submit(self, sentences: Sequence[str], work: Any = None, chunk: int | None = None) -> Future:
        capacity = self.batcher.capacity
        if len(sentences) > capacity:
            # Never "retry shortly": a request larger than the whole queue cannot succeed on any server state.
            raise ApiError(413, f"Invalid request: the request has {len(sentences):,} sentences; the limit is {capacity:,} (the queue's size)")
        try:
            return self.batcher.submit(sentences, work, chunk)
        except QueueFull:
            raise ApiError(429, "Slowdown: the translation queue is full; retry shortly", {"Retry-After": "1"}) from None
        except Closed:
            raise _stopping() from None

    def _timed_out(self) -> ApiError:
        timeout = self.config.limits.timeout_s
        return ApiError(504, f"Cannot translate text: not finished within {timeout:g} s (the server's --timeout); the rest of its work was dropped")

    async def _wait(self, future: Future, request: Request | None) -> Any:
        """The future's result within the timeout, while the client is still there; else its work is dropped from the queue."""
        waiting = asyncio.wrap_future(future)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.config.limits.timeout_s
        try:
            while True:
                left = deadline - loop.time()
                if left <= 0:
                    raise self._timed_out()
                done, _ = await asyncio.wait({waiting}, timeout=min(left, _POLL_S))
                if done:
                    return waiting.result()
                if request is not None and await request.is_disconnected():
                    raise _ClientGone()
        except Closed:
            raise _stopping() from None
        finally:
            if not waiting.done():
                waiting.cancel()  # and with it the batcher's future: the job leaves the queue

    async def translate(self, sentences: Sequence[str], request: Request | None = None) -> list[Any]:
        return await self._wait(self._submit(sentences), request)

    def translate_blocking(self, sentences: Sequence[str], gone: threading.Event | None = None) -> list[Any]:
        """For the document pipeline, which runs in a worker thread of the pool; ``gone`` is set when its client leaves."""
        future = self._submit(sentences)
        deadline = time.monotonic() + self.config.limits.timeout_s
        try:
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise self._timed_out()
                if gone is not None and gone.is_set():
                    raise _ClientGone()
                try:
                    return future.result(min(left, _POLL_S))
                except FutureTimeout:
                    continue
        except Closed:
            raise _stopping() from None
        finally:
            future.cancel()  # no-op once done

    async def n_best(self, sentences: Sequence[str], count: int, request: Request | None = None) -> list[list[str]]:
        """Each sentence's n-best list, a few sentences per turn of the model, so other requests are served in between."""
        loaded = self.loaded
        assert loaded is not None
        future = self._submit(sentences, lambda chunk: [loaded.n_best(s, count + 1) for s in chunk], _N_BEST_CHUNK)
        return await self._wait(future, request)

    # -- documents ----------------------------------------------------------------------

    def translate_upload(self, source: engine.SourceDocument, label: str, gone: threading.Event | None = None) -> engine.Result:
        limit = self.config.limits.document_segments
        if source.segments > limit:
            raise ApiError(413, f"Invalid request: the document has {source.segments} sentences; the limit is {limit}")
        if source.segments == 0:
            raise ApiError(400, "Invalid request: the document has no text to translate")
        if self.config.language_check:
            problem = engine.language_problem(source, label)
            if problem is not None:
                raise ApiError(400, problem)
        assert self.info is not None
        return engine.translate_document(source, self.info, lambda sentences: self.translate_blocking(sentences, gone), self.glossary)

    def download_stem(self, name: str) -> str:
        return self.store.new_stem(name)


# -- request reading ----------------------------------------------------------------------


_CLOSE = {"Connection": "close"}
"""On an answer sent before the body was read whole: the server closes the connection instead of reading the rest."""


async def read_body(request: Request, limit: int, timeout_s: float) -> bytes:
    """The body, or 413 past ``limit`` bytes (before reading it when Content-Length says so), or 408 when too slow.

    Either refusal closes the connection: kept alive, uvicorn would read and discard the rest of
    the body (a chunked 200 MB body was read whole after its 413).
    """
    declared = request.headers.get("content-length")
    if declared is not None:
        try:
            size = int(declared)
        except ValueError:
            raise ApiError(400, "Invalid request: bad Content-Length") from None
        if size > limit:
            raise ApiError(413, f"Invalid request: the body ({size} bytes) exceeds the limit ({limit} bytes)", _CLOSE)

    async def collect() -> bytes:
        chunks, total = [], 0
        async for chunk in request.stream():
            total += len(chunk)
            if total > limit:
                raise ApiError(413, f"Invalid request: the body exceeds the limit ({limit} bytes)", _CLOSE)
            chunks.append(chunk)
        return b"".join(chunks)

    try:
        body = await asyncio.wait_for(collect(), timeout_s)
    except asyncio.TimeoutError:
        raise ApiError(408, f"Invalid request: the body was not received within {timeout_s:g} s", _CLOSE) from None
    request._body = body
    return body


async def read_fields(request: Request, service: Service, *, files: bool = False) -> tuple[dict[str, Any], bool, UploadFile | None]:
    """The request's fields from JSON, a form (urlencoded or multipart) or the query string, as LibreTranslate reads them."""
    limits = service.config.limits
    limit = limits.file_bytes + 64 * 1024 if files else limits.body_bytes
    body = await read_body(request, limit, limits.body_timeout_s)
    query = parse_query(request.scope.get("query_string", b""))
    content_type = request.headers.get("content-type", "")
    if is_json(content_type):
        data = parse_json(body)
        return data, True, None
    upload = None
    form: dict[str, str] = {}
    if content_type.lower().startswith("multipart/form-data"):
        try:
            parser = StrictMultiPartParser(request.headers, request.stream(), max_files=1, max_fields=32, max_part_size=limit)
            parsed = request._form = await parser.parse()
        except NotText as exc:
            raise ApiError(400, f"Invalid request: {exc.message}") from None
        except (MultiPartException, KeyError, UnicodeDecodeError, ValueError, AssertionError):
            raise ApiError(400, "Invalid request: malformed multipart form") from None
        for key, value in parsed.multi_items():
            if isinstance(value, UploadFile):
                if key == "file" and upload is None:
                    upload = value
            elif key not in form:
                form[key] = value
    elif body:
        form = parse_query(body)
    return combine(query, form), False, upload


# -- routes -------------------------------------------------------------------------------


def _service(request: Request) -> Service:
    return request.app.state.service


def _error(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status, headers=headers)


async def translate(request: Request) -> Response:
    service = _service(request)
    fields, from_json, _ = await read_fields(request, service)
    check_api_key(service.config.api_keys, fields.get("api_key"))
    checked = translate_request(fields, from_json, service.config.limits)
    # Cutting 128 texts into sentences takes seconds of CPU: off the event loop, so other clients are served meanwhile.
    plans = await run_in_threadpool(_plans, checked.texts, checked.format)
    sentences = [s for plan in plans for s in plan.sentences]
    results = await service.translate(sentences, request)
    texts = [r.text for r in results]
    translations, confidences, start = [], [], 0
    for plan in plans:
        translations.append(plan.render(texts[start : start + len(plan.sentences)]))
        confidences.append(text_confidence(results[start : start + len(plan.sentences)]))
        start += len(plan.sentences)
    alternatives = None
    if checked.alternatives and checked.format == "text":
        n_best = await service.n_best(sentences, checked.alternatives, request)
        alternatives, start = [], 0
        for plan, best in zip(plans, translations):
            mine = n_best[start : start + len(plan.sentences)]
            start += len(plan.sentences)
            alternatives.append(_alternatives(plan, mine, best, checked.alternatives))
    detections = [engine.detect_language(t) for t in checked.texts] if checked.source == "auto" else None
    if detections is not None:
        for language, _ in detections:
            if language != "ar":
                raise ApiError(400, f"{language} is not supported")
    return JSONResponse(translate_response(checked, translations, alternatives, detections, confidences))


def _plans(texts: Sequence[str], format: str) -> list[Any]:
    make = plan_html if format == "html" else plan_text
    return [make(text, engine.split_sentences) for text in texts]


def _alternatives(plan: Any, n_best: list[list[str]], best: str, count: int) -> list[str]:
    """The k-th alternative of a text: each sentence's k-th hypothesis (its last where it has fewer); none equal to the answer."""
    found: list[str] = []
    depth = max((len(h) for h in n_best), default=0)
    for k in range(depth):
        text = plan.render([h[min(k, len(h) - 1)] if h else "" for h in n_best])
        if text != best and text not in found:
            found.append(text)
    return found[:count]


async def detect(request: Request) -> Response:
    service = _service(request)
    fields, _, _ = await read_fields(request, service)
    check_api_key(service.config.api_keys, fields.get("api_key"))
    q = fields.get("q")
    if not q:
        raise missing("q")
    if not isinstance(q, str):
        raise ApiError(400, "Invalid request: q must be a string")
    if len(q) > service.config.limits.chars:
        raise ApiError(400, f"Invalid request: request ({len(q)}) exceeds text limit ({service.config.limits.chars} characters)")
    language, confidence = engine.detect_language(q)
    return JSONResponse([{"confidence": confidence, "language": language}])


async def languages(request: Request) -> Response:
    return JSONResponse(LANGUAGES)


async def health(request: Request) -> Response:
    """LibreTranslate's ``{"status": "ok"}``, plus what the batcher has merged (for operators and the tests)."""
    stats = _service(request).batcher.stats
    batching = {"engine_calls": stats.calls, "requests": stats.jobs, "sentences": stats.items, "largest_call": stats.largest}
    return JSONResponse({"status": "ok", "queued": _service(request).batcher.queued, "batching": batching})


async def translate_file(request: Request) -> Response:
    service = _service(request)
    fields, _, upload = await read_fields(request, service, files=True)
    check_api_key(service.config.api_keys, fields.get("api_key"))
    if upload is None:
        raise missing("file")
    if not fields.get("source"):
        raise missing("source")
    if not fields.get("target"):
        raise missing("target")
    if not upload.filename:
        raise ApiError(400, "Invalid request: empty file")
    suffix = Path(upload.filename).suffix.lower()
    if suffix not in engine.UPLOAD_SUFFIXES:
        raise ApiError(400, "Invalid request: file format not supported")
    if fields["source"] not in ("ar", "auto"):
        raise ApiError(400, f"{fields['source']} is not supported")
    if fields["target"] != "en":
        raise ApiError(400, f"{fields['target']} is not supported")
    result, stem = await _translate_upload(request, service, upload)
    path = await run_in_threadpool(engine.render_translated_file, result, service.downloads, stem, suffix)
    service.store.added(stem)
    return JSONResponse({"translatedFileUrl": str(request.url_for("download_file", filename=path.name))})


async def _translate_upload(request: Request, service: Service, upload: UploadFile) -> tuple[engine.Result, str]:
    """Save the upload to a private folder, read it through translate.inputs, translate it; the folder goes."""
    name = _safe_name(upload.filename or "document")
    suffix = Path(upload.filename or "").suffix.lower()
    work = Path(tempfile.mkdtemp(prefix="upload-", dir=service.downloads.parent))
    try:
        path = work / f"{name}{suffix}"
        data = await upload.read()
        if len(data) > service.config.limits.file_bytes:
            raise ApiError(413, f"Invalid request: the file exceeds the limit ({service.config.limits.file_bytes} bytes)")
        path.write_bytes(data)
        try:
            source = await run_in_threadpool(engine.read_document, path, name, service.config.limits)
        except TextLimitExceeded as exc:
            raise ApiError(413, f"Invalid request: {exc}") from None
        gone = threading.Event()
        result = await _while_connected(request, gone, service.translate_upload, source, f"{name}{suffix}", gone)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return result, service.download_stem(name)


def _safe_name(filename: str) -> str:
    stem = Path(filename.replace("\\", "/")).name.rsplit(".", 1)[0]
    cleaned = re.sub(r"[^A-Za-z0-9_-]+", "-", stem).strip("-.")[:80]
    return cleaned or "document"


async def download_file(request: Request) -> Response:
    service = _service(request)
    filename = request.path_params["filename"]
    try:
        path = service.store.find(filename)
    except ValueError:
        raise ApiError(400, "Invalid filename") from None
    if path is None:
        raise ApiError(404, f"File not found (downloads are kept for {service.config.limits.downloads_age_s:g} s)")
    return FileResponse(path, filename=filename.split(".", 1)[1])


# -- the page -----------------------------------------------------------------------------


async def index(request: Request) -> Response:
    return HTMLResponse(page.form(api_key=bool(_service(request).config.api_keys), limits=_service(request).config.limits))


async def review(request: Request) -> Response:
    service = _service(request)
    needs_key = bool(service.config.api_keys)
    text: object = ""
    try:
        fields, _, upload = await read_fields(request, service, files=True)
        text = fields.get("text") or ""
        check_api_key(service.config.api_keys, fields.get("api_key"))
        if upload is not None and upload.filename:
            if Path(upload.filename).suffix.lower() not in engine.UPLOAD_SUFFIXES:
                raise ApiError(400, "This file type is not supported: drop a .txt, .docx or .html file")
            result, stem = await _translate_upload(request, service, upload)
        elif isinstance(text, str) and text.strip():
            size = len(text.encode("utf-8"))
            if size > service.config.limits.file_bytes:
                raise ApiError(413, f"The text ({size_text(size)}) exceeds the limit ({size_text(service.config.limits.file_bytes)}, as for a file)")
            source = await run_in_threadpool(engine.text_document, text, "pasted")
            gone = threading.Event()
            result = await _while_connected(request, gone, service.translate_upload, source, "the pasted text", gone)
            stem = service.download_stem("pasted")
        else:
            raise ApiError(400, "Paste an Arabic text or choose a file first")
    except ApiError as exc:
        kept = text if isinstance(text, str) and exc.status != 413 else ""
        return HTMLResponse(page.form(api_key=needs_key, error=exc.message, text=kept, limits=service.config.limits), status_code=exc.status, headers=exc.headers)
    except TarjamaError as exc:
        return HTMLResponse(page.form(api_key=needs_key, error=" ".join(str(exc).split()), limits=service.config.limits), status_code=400)
    files = await run_in_threadpool(engine.write_files, result, service.downloads, stem)
    service.store.added(stem)
    review_html = await run_in_threadpool(engine.render_review, result)
    links = [(kind, request.url_for("download_file", filename=path.name).path) for kind, path in files.items()]
    return HTMLResponse(page.result(review_html, links, result.segments, result.flagged))


# -- the application ----------------------------------------------------------------------


async def _api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return _error(exc.status, exc.message, exc.headers)


async def _user_error(request: Request, exc: Exception) -> Response:
    return _error(400, " ".join(str(exc).split()))


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    return _error(exc.status_code, str(exc.detail))


async def _client_left_mid_body(request: Request, exc: Exception) -> Response:
    """A client that leaves before sending its whole request is no error of the server's: one line, no traceback."""
    log.info("%s %s: the client disconnected before sending its whole request", request.method, request.url.path)
    return _error(400, "Invalid request: the client disconnected", _CLOSE)



async def _client_gone(request: Request, exc: Exception) -> Response:
    """A client that went away while its work waited: the work was dropped; one line, no traceback."""
    log.info("%s %s: the client went away; its queued work was dropped", request.method, request.url.path)
    return _error(408, "the client went away")


async def _internal_error(request: Request, exc: Exception) -> Response:
    log.error("internal error on %s %s", request.method, request.url.path, exc_info=exc)
    return _error(500, "Cannot translate text: internal error (see the server's log)")


def build_app(service: Service) -> Starlette:
    config = service.config
    middleware = []
    if config.cors:
        middleware.append(
            Middleware(CORSMiddleware, allow_origins=list(config.cors), allow_methods=["GET", "POST"], allow_headers=["Content-Type", "Authorization"])
        )
    routes = [
        Route("/", index, methods=["GET"]),
        Route("/", review, methods=["POST"]),
        Route("/translate", translate, methods=["POST"]),
        Route("/detect", detect, methods=["POST"]),
        Route("/languages", languages, methods=["GET", "POST"]),
        Route("/health", health, methods=["GET"]),
        Route("/translate_file", translate_file, methods=["POST"]),
        Route("/download_file/{filename}", download_file, methods=["GET"], name="download_file"),
    ]
    app = Starlette(
        routes=routes,
        middleware=middleware,
        exception_handlers={
            ApiError: _api_error,
            TarjamaError: _user_error,
            HTTPException: _http_error,
            ClientDisconnect: _client_left_mid_body,
            _ClientGone: _client_gone,
            Exception: _internal_error,
        },
    )
    app.state.service = service
    return app


def listen(host: str, port: int) -> socket.socket:
    """Bind before the model loads, so a port in use is one error line in a second, not after a minute of loading."""
    try:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(128)
    except OSError as exc:
        raise TarjamaError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    return sock


_GRACE_S = 5
"""After SIGTERM or Ctrl-C, how long requests in flight get to answer before they are cancelled."""


def _uvicorn_server() -> type:
    import uvicorn

    class Server(uvicorn.Server):
        """uvicorn's server, which on SIGTERM or Ctrl-C also stops the batcher at once: queued work fails with 503
        instead of being translated to the end before the process may exit."""

        def __init__(self, service: Service, config: uvicorn.Config) -> None:
            super().__init__(config)
            self.service = service

        def handle_exit(self, sig: int, frame: Any) -> None:
            self.service.batcher.stop()
            super().handle_exit(sig, frame)

    return Server


def serve(config: ServeConfig) -> int:
    """Bind, load the model (on the batcher's thread), then serve until interrupted."""
    import uvicorn

    from translate.serve.protocol import HEADER_BYTES, protocol_class

    sock = listen(config.host, config.port)
    service = Service(config)
    try:
        service.start()
    except BaseException:
        service.close()
        sock.close()
        raise
    assert service.info is not None
    log.info("tarjama %s %s", __version__, config.summary(config.model or service.info.model_id, service.info.decoding))
    app = build_app(service)
    server = _uvicorn_server()(
        service,
        uvicorn.Config(
            app,
            host=config.host,
            port=config.port,
            log_level="warning" if config.quiet else "info",
            access_log=False,
            limit_concurrency=config.limits.connections,
            http=protocol_class(config.limits.body_timeout_s, config.limits.connections),
            h11_max_incomplete_event_size=HEADER_BYTES,
            timeout_keep_alive=5,
            server_header=False,
            lifespan="off",
            timeout_graceful_shutdown=_GRACE_S,
        ),
    )
    try:
        server.run(sockets=[sock])
    finally:
        service.close()
        sock.close()
    return 0
