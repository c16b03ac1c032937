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
import secrets
import shutil
import socket
import tempfile
import time
from collections.abc import Sequence
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from translate import __version__
from translate.errors import TarjamaError
from translate.serve import engine, page
from translate.serve.batcher import Batcher, Closed, QueueFull
from translate.serve.config import ServeConfig
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

_DOWNLOAD_NAME = re.compile(r"[0-9a-f]{32}\.[A-Za-z0-9][A-Za-z0-9._-]{0,150}")
_KEEP_DOWNLOADS_S = 3600
_MAX_DOWNLOADS = 2000


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
        self.started = time.time()

    def _setup(self):
        self.loaded = engine.open_translator(self.config)
        self.info = self.loaded.info
        return self.loaded.translate

    def start(self) -> None:
        self.batcher.start()

    def close(self) -> None:
        self.batcher.close()
        shutil.rmtree(self.downloads, ignore_errors=True)

    # -- queueing -----------------------------------------------------------------------

    def _submit(self, sentences: Sequence[str]) -> Future:
        try:
            return self.batcher.submit(sentences)
        except QueueFull:
            raise ApiError(429, "Slowdown: the translation queue is full; retry shortly", {"Retry-After": "1"}) from None
        except Closed:
            raise ApiError(503, "the server is stopping") from None

    async def translate(self, sentences: Sequence[str]) -> list[Any]:
        future = self._submit(sentences)
        try:
            return await asyncio.wait_for(asyncio.wrap_future(future), self.config.limits.timeout_s)
        except asyncio.TimeoutError:
            future.cancel()
            raise ApiError(500, f"Cannot translate text: timed out after {self.config.limits.timeout_s:g} s") from None

    def translate_blocking(self, sentences: Sequence[str]) -> list[Any]:
        """For the document pipeline, which runs in a worker thread of the pool."""
        future = self._submit(sentences)
        try:
            return future.result(self.config.limits.timeout_s)
        except FutureTimeout:
            future.cancel()
            raise ApiError(500, f"Cannot translate text: timed out after {self.config.limits.timeout_s:g} s") from None

    async def n_best(self, sentences: Sequence[str], count: int) -> list[list[str]]:
        loaded = self.loaded
        assert loaded is not None
        try:
            future = self.batcher.call(lambda: [loaded.n_best(s, count + 1) for s in sentences])
        except QueueFull:
            raise ApiError(429, "Slowdown: the translation queue is full; retry shortly", {"Retry-After": "1"}) from None
        return await asyncio.wait_for(asyncio.wrap_future(future), self.config.limits.timeout_s)

    # -- documents ----------------------------------------------------------------------

    def translate_upload(self, source: engine.SourceDocument) -> engine.Result:
        limit = self.config.limits.file_segments
        if source.segments > limit:
            raise ApiError(413, f"Invalid request: the document has {source.segments} sentences; the limit is {limit}")
        if source.segments == 0:
            raise ApiError(400, "Invalid request: the document has no text to translate")
        assert self.info is not None
        return engine.translate_document(source, self.info, self.translate_blocking, self.glossary)

    def download_stem(self, name: str) -> str:
        self._prune()
        return f"{secrets.token_hex(16)}.{name}"

    def _prune(self) -> None:
        """Old downloads go: the folder never grows without bound."""
        try:
            entries = sorted(self.downloads.iterdir(), key=lambda p: p.stat().st_mtime)
        except OSError:
            return
        cutoff = time.time() - _KEEP_DOWNLOADS_S
        for index, path in enumerate(entries):
            try:
                if path.stat().st_mtime < cutoff or len(entries) - index > _MAX_DOWNLOADS:
                    path.unlink()
            except OSError:
                pass


# -- request reading ----------------------------------------------------------------------


async def read_body(request: Request, limit: int, timeout_s: float) -> bytes:
    """The body, or 413 past ``limit`` bytes (before reading it when Content-Length says so), or 408 when too slow."""
    declared = request.headers.get("content-length")
    if declared is not None:
        try:
            size = int(declared)
        except ValueError:
            raise ApiError(400, "Invalid request: bad Content-Length") from None
        if size > limit:
            raise ApiError(413, f"Invalid request: the body ({size} bytes) exceeds the limit ({limit} bytes)")

    async def collect() -> bytes:
        chunks, total = [], 0
        async for chunk in request.stream():
            total += len(chunk)
            if total > limit:
                raise ApiError(413, f"Invalid request: the body exceeds the limit ({limit} bytes)")
            chunks.append(chunk)
        return b"".join(chunks)

    try:
        body = await asyncio.wait_for(collect(), timeout_s)
    except asyncio.TimeoutError:
        raise ApiError(408, f"Invalid request: the body was not received within {timeout_s:g} s") from None
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
            parsed = await request.form(max_files=1, max_fields=32, max_part_size=limits.body_bytes)
        except (HTTPException, UnicodeDecodeError, ValueError, AssertionError):
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
    make = plan_html if checked.format == "html" else plan_text
    plans = [make(text, engine.split_sentences) for text in checked.texts]
    sentences = [s for plan in plans for s in plan.sentences]
    results = await service.translate(sentences)
    texts = [r.text for r in results]
    translations, confidences, start = [], [], 0
    for plan in plans:
        translations.append(plan.render(texts[start : start + len(plan.sentences)]))
        confidences.append(text_confidence(results[start : start + len(plan.sentences)]))
        start += len(plan.sentences)
    alternatives = None
    if checked.alternatives and checked.format == "text":
        n_best = await service.n_best(sentences, checked.alternatives)
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
    result, stem = await _translate_upload(service, upload)
    path = await run_in_threadpool(engine.render_translated_file, result, service.downloads, stem, suffix)
    return JSONResponse({"translatedFileUrl": str(request.url_for("download_file", filename=path.name))})


async def _translate_upload(service: Service, upload: UploadFile) -> tuple[engine.Result, str]:
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
        source = await run_in_threadpool(engine.read_document, path, name)
        result = await run_in_threadpool(service.translate_upload, source)
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
    if not _DOWNLOAD_NAME.fullmatch(filename):
        raise ApiError(400, "Invalid filename")
    path = service.downloads / filename
    if not path.is_file():
        raise ApiError(404, "File not found (downloads are kept for an hour)")
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
            result, stem = await _translate_upload(service, upload)
        elif isinstance(text, str) and text.strip():
            if len(text) > service.config.limits.file_bytes:
                raise ApiError(413, f"The text exceeds the limit ({service.config.limits.file_bytes} characters)")
            source = engine.text_document(text, "pasted")
            result = await run_in_threadpool(service.translate_upload, source)
            stem = service.download_stem("pasted")
        else:
            raise ApiError(400, "Paste an Arabic text or choose a file first")
    except ApiError as exc:
        kept = text if isinstance(text, str) and exc.status != 413 else ""
        return HTMLResponse(page.form(api_key=needs_key, error=exc.message, text=kept, limits=service.config.limits), status_code=exc.status, headers=exc.headers)
    except TarjamaError as exc:
        return HTMLResponse(page.form(api_key=needs_key, error=" ".join(str(exc).split()), limits=service.config.limits), status_code=400)
    files = await run_in_threadpool(engine.write_files, result, service.downloads, stem)
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
        exception_handlers={ApiError: _api_error, TarjamaError: _user_error, HTTPException: _http_error, Exception: _internal_error},
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


def serve(config: ServeConfig) -> int:
    """Bind, load the model (on the batcher's thread), then serve until interrupted."""
    import uvicorn

    sock = listen(config.host, config.port)
    service = Service(config)
    try:
        service.start()
    except BaseException:
        service.close()
        sock.close()
        raise
    assert service.info is not None
    log.info("tarjama %s serving %s (%s) on http://%s:%d/", __version__, service.info.model_id, service.info.decoding, config.host, config.port)
    log.info("%s", config)
    app = build_app(service)
    server = uvicorn.Server(
        uvicorn.Config(
            app,
            host=config.host,
            port=config.port,
            log_level="warning" if config.quiet else "info",
            access_log=False,
            limit_concurrency=config.limits.connections,
            timeout_keep_alive=5,
            server_header=False,
            lifespan="off",
        )
    )
    try:
        server.run(sockets=[sock])
    finally:
        service.close()
        sock.close()
    return 0
