"""The driver of a Ray job: the memory, the inputs and the output folder stay here; only decoding goes out.

For each document, in a bounded window, every segment is looked up in the
translation memory before any work is sent (the memory's rules are
:class:`translate.translation.cached.MemoryJobs`', those of every front end); a document's segments that nobody
knows yet go to a worker as one call, at most two calls per worker at a time
(backpressure: a slow cluster stops the reading, it does not fill the
driver's memory).  A segment another document already sent is not sent
again: it is awaited, as locally the later document would find it in the
memory.  Each call that comes back is stored in the memory at once, so a
killed driver resumes from it like a local run, and a document whose segments
are all known is assembled by the library's own
:func:`translate.pipeline.translated_document` and written atomically by
:func:`translate.batch.write_alignment` there and then.

Why one call per document, not batches packed across documents: the worker's
engine then sees the very list a local run decodes for that document, and
chunks, sorts and batches it the same way.  A backend's arithmetic may depend
on what shares a batch (CTranslate2 int8 on CPU changed one token in 787
segments when batches mixed documents: padding changes float summation
order), so only the same batches guarantee the same files.

Why Ray Core actors and not Ray Data: the unit that completes is a document,
and the driver must see each call's result as it arrives, to store it and
finish documents; an actor pool with our own bounded submission gives exactly
that in a page of code, where Ray Data's streaming ``map_batches`` would put
its own batching and buffering in between.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections import Counter, deque
from collections.abc import Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from translate.cluster.connection import NAMESPACE, preflight, session
from translate.cluster.workers import AlignmentWorker, ModelInfo, TranslationWorker, WorkerInfo
from translate.errors import TarjamaError, first_line
from translate.model import Alignment, Document
from translate.textio import STDIN

if TYPE_CHECKING:
    from translate.alignment.corpus import CorpusPair
    from translate.batch import DocumentReport, TranslationJob
    from translate.inputs import InputFile
    from translate.settings import DecodingSettings
    from translate.translation.engine import Progress, Translation
    from translate.translation.memory import TranslationMemory

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 4
"""A batch whose worker dies is sent again, up to this many times in all (Ray restarts the worker meanwhile)."""
IN_FLIGHT_PER_WORKER = 2
"""Two batches queued per worker: one decoding, one waiting, so a worker never idles on the round trip."""


@dataclass(frozen=True, slots=True)
class ClusterOptions:
    """Where and how wide: the address (None: a local Ray of this job's own, never ``$RAY_ADDRESS``) and the number of workers."""

    address: str | None = None
    workers: int = 2
    gpus_per_worker: float | None = None
    """None: one GPU per worker where the cluster has GPUs (and the device is not cpu), else none."""
    window: int | None = None
    """Documents held on the driver at once; None: 16 per worker."""


# -- the worker pool --------------------------------------------------------------


class _Pool:
    """Named actors and a bounded submission queue that survives a worker being killed.

    Each actor may restart (Ray runs ``__init__`` again in a new process), and
    Ray retries a method whose actor died; should a call still fail with a dead
    actor, the driver sends the same payload again to another worker.  Payloads
    are idempotent (segments in, translations out), so a redone batch can
    neither lose nor duplicate anything.
    """

    def __init__(self, ray: Any, cls: type, args: tuple, count: int, role: str, gpus: float) -> None:
        self.ray = ray
        self.role = role
        remote = ray.remote(cls)
        job = uuid.uuid4().hex[:8]
        self.actors = [
            remote.options(
                name=f"{role}-{job}-{n}",
                namespace=NAMESPACE,
                num_cpus=1,
                num_gpus=gpus,
                max_restarts=MAX_ATTEMPTS,
                max_task_retries=MAX_ATTEMPTS,
            ).remote(*args)
            for n in range(count)
        ]
        self.load: Counter[int] = Counter()
        self.pending: dict[Any, tuple[int, str, tuple, int]] = {}  # ref -> (actor index, method, args, attempt)
        self._tags: dict[Any, object] = {}

    def describe(self, timeout: float) -> list[WorkerInfo]:
        refs = [actor.describe.remote() for actor in self.actors]
        _, waiting = self.ray.wait(refs, num_returns=len(refs), timeout=timeout)
        if waiting:
            raise TarjamaError(
                f"{len(waiting)} of {len(refs)} Ray workers did not start within {timeout:.0f} s "
                "(does the cluster have a free CPU per worker? see 'ray status')"
            )
        return [self.ray.get(ref) for ref in refs]

    @property
    def in_flight(self) -> int:
        return len(self.pending)

    def submit(self, method: str, args: tuple, tag: object, attempt: int = 1) -> None:
        index = min(range(len(self.actors)), key=lambda i: self.load[i])
        ref = getattr(self.actors[index], method).remote(*args)
        self.load[index] += 1
        self.pending[ref] = (index, method, args, attempt)
        self._tags[ref] = tag

    def next_done(self) -> tuple[object, Any]:
        """Wait for any call; a call whose worker died is resubmitted, transparently to the caller."""
        from ray.exceptions import RayActorError, RayTaskError

        while True:
            [ref], _ = self.ray.wait(list(self.pending), num_returns=1)
            index, method, args, attempt = self.pending.pop(ref)
            tag = self._tags.pop(ref)
            self.load[index] -= 1
            try:
                return tag, self.ray.get(ref)
            except RayActorError as exc:
                if attempt >= MAX_ATTEMPTS:
                    raise TarjamaError(f"a Ray {self.role} worker died {attempt} times on the same batch: {first_line(exc)}") from exc
                log.warning("a Ray %s worker died (%s); its batch is sent again", self.role, first_line(exc))
                self.submit(method, args, tag, attempt + 1)
            except RayTaskError as exc:
                cause = getattr(exc, "cause", None)
                if isinstance(cause, TarjamaError):
                    raise cause from exc
                raise TarjamaError(f"a Ray {self.role} worker failed: {first_line(cause or exc)}") from exc

    def close(self) -> None:
        for actor in self.actors:
            try:
                self.ray.kill(actor)
            except Exception:  # noqa: BLE001 - an actor already gone is what we want
                pass


def _new_pool(ray: Any, cls: type, args: tuple, options: ClusterOptions, role: str, device: str = "auto") -> _Pool:
    if options.workers < 1:
        raise TarjamaError("--workers must be at least 1")
    gpus = options.gpus_per_worker
    if gpus is None:
        gpus = 1.0 if device != "cpu" and ray.cluster_resources().get("GPU", 0) >= 1 else 0.0
    return _Pool(ray, cls, args, options.workers, role, gpus)


def _check_workers(infos: list[WorkerInfo], what: str) -> WorkerInfo:
    from translate import __version__

    for info in infos:
        if info.error:
            raise TarjamaError(f"a Ray worker on {info.host} cannot load the {what}: {first_line(info.error)}")
        if info.tool_version != __version__:
            raise TarjamaError(
                f"the Ray worker on {info.host} runs tarjama {info.tool_version}, this machine {__version__}; install the same version on every node"
            )
    first = infos[0]
    for info in infos[1:]:
        if (info.model, info.aligner) != (first.model, first.aligner):
            raise TarjamaError(
                f"the Ray workers on {first.host} and {info.host} would not give the same outputs "
                f"({first.decoding or first.aligner} vs {info.decoding or info.aligner}); give them the same hardware or set --device"
            )
    return first


# -- translation ------------------------------------------------------------------


class TranslationWorkers:
    """The job's Ray workers, each with the model loaded, and what they report about it (the outputs' provenance)."""

    def __init__(self, model: str, settings: DecodingSettings, options: ClusterOptions) -> None:
        preflight(options.address)
        self._session = ExitStack()
        ray = self._session.enter_context(session(options.address))  # a local Ray started here stops in close()
        started = time.monotonic()
        try:
            self.pool = _new_pool(ray, TranslationWorker, (model, settings), options, "translate", settings.device)
            try:
                self.info = _check_workers(self.pool.describe(timeout=600), f"model {model}")
            except BaseException:
                self.pool.close()
                raise
        except BaseException:
            self._session.close()
            raise
        self.startup_s = time.monotonic() - started
        log.info("%d Ray workers ready in %.1f s", len(self.pool.actors), self.startup_s)

    def close(self) -> None:
        try:
            self.pool.close()
        finally:
            self._session.close()

    def __enter__(self) -> TranslationWorkers:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@dataclass(slots=True, eq=False)
class _Pending:
    index: int
    item: InputFile
    document: Document
    todo: tuple[str, ...]


def _write(job: TranslationJob, info: ModelInfo, doc: _Pending, translations: list[Translation], clock: list[float]) -> DocumentReport:
    """Assemble a document whose translations are all known and write it, as a local run does, and report it.

    :func:`translate.pipeline.translated_document` under the workers' provenance, then
    :func:`translate.batch.write_alignment`: so its files are those a local run writes.
    """
    from translate.batch import report, write_alignment
    from translate.jobs.translate import export_for, write_formatted
    from translate.pipeline import translated_document, translation_provenance

    provenance = translation_provenance(doc.document, info)
    alignment = translated_document(doc.document, translations, provenance, job.export.target_lang or "en", job.glossary, job.qa)
    written = write_alignment(alignment, job.output_dir, doc.item.stem, export_for(doc.item, job), (doc.item.path, *job.protected))
    written = (*written, *write_formatted(doc.item, alignment, job))
    # Documents overlap on a cluster; a document's seconds are those since the previous one was
    # written, so that the summary's total is the job's wall time, as it is locally.
    now = time.monotonic()
    seconds, clock[0] = now - clock[0], now
    return report(doc.item.path, alignment, translations, written, seconds)


def _unenforced(job: TranslationJob) -> None:
    """A termbase is checked on the cluster, not enforced: its workers decode without it.

    Its segments keep the plain memory key there, so a later local run with the
    termbase is not served these translations and still enforces it.
    """
    if job.glossary is not None:
        log.warning("--ray: the termbase is checked, not enforced (the workers decode without it)")


def translate_corpus(
    job: TranslationJob,
    model: str,
    settings: DecodingSettings,
    options: ClusterOptions,
    *,
    memory: TranslationMemory | None = None,
    progress: Progress | None = None,
    workers: TranslationWorkers | None = None,
) -> Iterator[DocumentReport]:
    """Translate a planned job (:func:`translate.batch.plan`) on the cluster, yielding each document's report once written.

    Only the scheduling is here: the memory's rules are every front end's (:class:`translate.translation.cached.MemoryJobs`),
    documents are written as locally (:func:`_write`).  Reports come in the order documents complete.
    ``workers``, when given, are reused; else they are started and stopped here.
    """
    from translate.batch import read_input
    from translate.translation.cached import MemoryJobs

    _unenforced(job)
    owned = workers is None
    workers = workers or TranslationWorkers(model, settings, options)
    described = workers.info.model
    assert described is not None  # _check_workers refused a worker without a model
    info: ModelInfo = described
    pool = workers.pool
    try:
        jobs: MemoryJobs[int] = MemoryJobs(lambda: info.memory_key, memory)
        window = options.window or 16 * len(pool.actors)
        max_in_flight = IN_FLIGHT_PER_WORKER * len(pool.actors)
        queue: deque[_Pending] = deque()  # documents whose own unknown segments are still to be sent
        pending: dict[int, _Pending] = {}
        source = iter(enumerate(job.inputs))
        exhausted = False
        clock = [time.monotonic()]

        def admit(index: int, item: InputFile) -> _Pending:
            document = job.stdin if item.path == STDIN and job.stdin is not None else read_input(item)
            # The document's own unknown segments go out as one call, the list a local run decodes for it:
            # the worker's engine then chunks and batches them exactly as a local run does.
            doc = _Pending(index, item, document, jobs.open(index, [s.text for s in document.segments]))
            pending[index] = doc
            if doc.todo:
                queue.append(doc)
            return doc

        def finish(doc: _Pending) -> DocumentReport:
            del pending[doc.index]
            translations = jobs.close(doc.index)
            written = _write(job, info, doc, translations, clock)
            if progress is not None:
                progress(len(translations))
            return written

        while True:
            # Read while the window has room and few calls wait to be sent: that is the backpressure.
            while not exhausted and len(pending) < window and len(queue) < max_in_flight:
                nxt = next(source, None)
                if nxt is None:
                    exhausted = True
                    break
                doc = admit(*nxt)
                if jobs.complete(doc.index):
                    yield finish(doc)
            while queue and pool.in_flight < max_in_flight:
                doc = queue.popleft()
                pool.submit("translate", (doc.todo,), doc)
            if not pool.in_flight:
                if exhausted and not queue:
                    break
                continue
            sender, results = pool.next_done()
            assert isinstance(sender, _Pending)
            for index in sorted(jobs.done(sender.index, list(zip(sender.todo, results)))):
                yield finish(pending[index])
        if pending:
            raise RuntimeError(f"{len(pending)} documents left unfinished")  # cannot happen; a loud failure if it does
    finally:
        if owned:
            workers.close()


# -- corpus alignment -------------------------------------------------------------


def align_corpus(
    pairs: Sequence[CorpusPair], options: ClusterOptions, *, presegmented: bool = False, language_check: bool = True
) -> Iterator[tuple[int, CorpusPair, Alignment]]:
    """Align each pair (:class:`translate.alignment.corpus.CorpusPair`) on the cluster; yields (index, pair, alignment) as each finishes.

    The driver reads the files and the workers embed and run the DP; at most a
    few pairs per worker are in flight, so the driver holds a bounded number of
    documents whatever the size of the archive.  The pairs come checked from
    :func:`translate.alignment.corpus.plan_pairs`, as a local run's do.
    """
    preflight(options.address)
    with session(options.address) as ray:
        yield from _align_on(ray, pairs, options, presegmented, language_check)


def _align_on(
    ray: Any, pairs: Sequence[CorpusPair], options: ClusterOptions, presegmented: bool, language_check: bool
) -> Iterator[tuple[int, CorpusPair, Alignment]]:
    from translate.alignment.corpus import load_pair

    pool = _new_pool(ray, AlignmentWorker, (), options, "align", "cpu")
    try:
        _check_workers(pool.describe(timeout=600), "aligner")
        max_in_flight = IN_FLIGHT_PER_WORKER * options.workers
        source = iter(enumerate(pairs))
        exhausted = False
        while True:
            while not exhausted and pool.in_flight < max_in_flight:
                nxt = next(source, None)
                if nxt is None:
                    exhausted = True
                    break
                index, pair = nxt
                documents = load_pair(pair, presegmented, language_check)
                pool.submit("align", (*documents, presegmented), (index, pair))
            if not pool.in_flight:
                break
            (index, pair), alignment = pool.next_done()  # type: ignore[misc]
            yield index, pair, alignment
    finally:
        pool.close()


__all__ = ["ClusterOptions", "TranslationWorkers", "align_corpus", "translate_corpus"]
