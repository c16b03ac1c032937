"""The translate job: inputs → documents → translations → files, one document at a time.

The CLI and the cluster runner both translate batches of files; this module is
the one place that does it, so they cannot drift apart (``translate.batch``
re-exports it under its earlier name).
The work is split in two steps for two reasons:

* :func:`plan` reads and checks every input *before* a model is loaded, so a
  bad file (wrong encoding, English given as Arabic, a zip bomb) fails in a
  second, not after an hour of decoding;
* :func:`translate_files` reads each document again when its turn comes and
  forgets it once its files are written, so memory stays bounded however many
  files a folder holds, and a later failure loses nothing already written.

Per-document counts come from the translations themselves (origin and
``from_memory``), never from a counter kept on the translator.
"""

from __future__ import annotations

import logging
import time
from collections import Counter, deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from queue import SimpleQueue
from typing import TYPE_CHECKING

from translate.errors import EmptyInput, TarjamaError, shown
from translate.inputs import InputFile, collect_inputs, load_document
from translate.model import Alignment, Document, Origin
from translate.settings import ExportOptions, QaSettings
from translate.textio import STDIN
from translate.wording import counted

if TYPE_CHECKING:
    from translate.qa.glossary import Glossary
    from translate.translation.cached import Done, MemoryJobs
    from translate.translation.engine import Progress, Translation, Translator
    from translate.translation.memory import TranslationMemory

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class TranslationJob:
    """What to translate and where to write it: checked, but holding no document text."""

    inputs: tuple[InputFile, ...]
    segments: int
    """Over all inputs, for one progress bar over the whole batch."""
    output_dir: Path
    export: ExportOptions
    glossary: Glossary | None = None
    protected: tuple[str, ...] = ()
    """Files besides the inputs that no output may replace (the glossary, the memory)."""
    stdin: Document | None = None
    """Standard input, which cannot be read twice, kept as read by :func:`plan`."""
    qa: QaSettings = QaSettings()


@dataclass(frozen=True, slots=True)
class DocumentReport:
    """One document's outcome, for the per-file line and the end-of-batch table."""

    path: str
    written: tuple[Path, ...]
    segments: int
    human: int
    """Segments with a human translation from the memory (``tm import``)."""
    stored: int
    """Segments with an earlier machine translation from the memory."""
    new: int
    """Segments decoded in this run."""
    flagged: int
    seconds: float
    qa: str
    """The QA summary ("3 numbers, 1 length"), empty when no segment is flagged."""

    @property
    def from_memory(self) -> int:
        return self.human + self.stored


def read_input(item: InputFile, lang: str = "ar") -> Document:
    """An input as a segmented document, named after its output stem."""
    return load_document(item.path, lang, name=Path(item.stem).name)


def plan(
    arguments: Sequence[str],
    output_dir: Path,
    export: ExportOptions,
    *,
    glossary: Glossary | None = None,
    protected: Sequence[str] = (),
    language_check: bool = True,
    qa: QaSettings = QaSettings(),
) -> TranslationJob:
    """Collect the inputs (folders expanded), read and check each one, and check every output, before any model is loaded."""
    from translate.export import prepare_outputs
    from translate.script import check_script

    found = collect_inputs(list(arguments))
    inputs: list[InputFile] = []
    empty: list[EmptyInput] = []
    segments = 0
    stdin = None
    for item in found:
        try:
            document = read_input(item)
        except EmptyInput as exc:
            if not item.in_folder:  # a file the user named: they meant it, so it is an error
                raise
            empty.append(exc)  # one empty file of a folder does not stop the folder
            continue
        if item.path == STDIN:
            stdin = document
        if language_check:
            check_script(document.text, "ar", item.path, "the Arabic source")
        segments += len(document.segments)
        inputs.append(item)
    if not inputs:
        raise TarjamaError(f"nothing to translate: {empty[0]}" + (f" (and {counted(len(empty) - 1, 'more empty file')})" if len(empty) > 1 else ""))
    for skipped in empty:
        log.warning("%s; not translated", skipped)
    sources = [item.path for item in inputs] + list(protected)
    prepare_outputs(
        Path(output_dir), [item.stem for item in inputs], export.formats, export.target_lang or "en", sources, export.overwrite
    )
    return TranslationJob(tuple(inputs), segments, Path(output_dir), export, glossary, tuple(protected), stdin, qa)


def translate_files(
    job: TranslationJob, translator: Translator, progress: Progress | None = None
) -> Iterator[DocumentReport]:
    """Translate each input and write its files as soon as it is done; yields one report per document, in input order.

    Once the model is loaded and decodes several batches at once (CTranslate2's
    two replicas), the rest go through :func:`_overlapped`: a short article is
    one batch, so one document at a time would keep a single replica busy.
    """
    inputs = iter(job.inputs)
    for item in inputs:
        yield translate_file(item, _document(job, item), translator, job, progress)
        if translator.concurrency > 1:
            yield from _overlapped(job, translator, inputs, progress)
            return


def _document(job: TranslationJob, item: InputFile) -> Document:
    return job.stdin if item.path == STDIN and job.stdin is not None else read_input(item)


@dataclass(slots=True, eq=False)
class _InFlight:
    """A document whose segments are being decoded on a worker thread; its finished chunks wait in ``chunks``."""

    index: int
    item: InputFile
    document: Document
    started: float
    occurrences: Counter[str]
    chunks: SimpleQueue[Done | None]
    future: Future[None] | None


def _overlapped(
    job: TranslationJob, translator: Translator, inputs: Iterator[InputFile], progress: Progress | None
) -> Iterator[DocumentReport]:
    """The documents of ``inputs`` decoded ``translator.concurrency`` at a time, written one by one in input order.

    Every output is what the one-at-a-time path writes: each document's own
    unknown segments go to the engine as one call (:meth:`Translator.decode`),
    which chunks and batches them exactly as :meth:`Translator.translate_segments`
    does, so only *when* a batch runs changes, never what is in it.  The
    memory's rules are every front end's (:class:`MemoryJobs`, as the Ray
    runner uses them): the memory is read and written on this thread only; a
    segment an earlier document in flight sends is awaited, as a one-at-a-time
    run would find it in the memory.  A document's chunks are stored as they
    are consumed, in input order.  At most ``concurrency + 1`` documents are
    held (one being written while the others decode), so memory stays bounded.
    """
    from translate.translation.cached import MemoryJobs
    from translate.translation.memory import normalise

    jobs: MemoryJobs[int] = MemoryJobs(lambda: translator.memory_key, translator.memory)
    memory_path = translator.memory.path if translator.memory is not None else None
    window = translator.concurrency
    pending: deque[_InFlight] = deque()
    pool = ThreadPoolExecutor(window, thread_name_prefix="tarjama-document")

    def start(index: int, item: InputFile) -> _InFlight:
        document = _document(job, item)
        started = time.monotonic()
        sentences = [s.text for s in document.segments]
        todo = jobs.open(index, sentences)
        occurrences = Counter(normalise(s) for s in sentences)
        if progress is not None:
            waiting = set(todo)
            progress(sum(n for k, n in occurrences.items() if k not in waiting))
        chunks: SimpleQueue[Done | None] = SimpleQueue()
        future = pool.submit(_decode, translator, todo, memory_path, chunks) if todo else None
        return _InFlight(index, item, document, started, occurrences, chunks, future)

    def finish(doc: _InFlight) -> DocumentReport:
        if doc.future is not None:
            while (chunk := doc.chunks.get()) is not None:
                jobs.done(doc.index, chunk)
                if progress is not None:
                    progress(sum(doc.occurrences[k] for k, _ in chunk))
            doc.future.result()  # the worker's exception, if any, is raised here, in input order
        translations = jobs.close(doc.index)
        return _written(doc.item, doc.document, translations, translator, job, doc.started)

    try:
        for index, item in enumerate(inputs):
            pending.append(start(index, item))
            if len(pending) > window:
                yield finish(pending.popleft())
        while pending:
            yield finish(pending.popleft())
    finally:
        pool.shutdown(wait=True, cancel_futures=True)  # a failed or stopped run starts no more documents


def _decode(translator: Translator, todo: Sequence[str], memory_path: Path | None, chunks: SimpleQueue[Done | None]) -> None:
    """A document's unknown segments decoded on a worker thread, each chunk handed back as it is done."""
    pieces = _ThreadPieces(translator, memory_path)
    try:
        for chunk in translator.decode(todo, pieces):
            chunks.put(chunk)
    finally:
        chunks.put(None)
        pieces.close()


class _ThreadPieces:
    """The memory for the pieces of split segments, on the decoding thread: its own connection, opened only if needed.

    An SQLite connection belongs to the thread that opened it, so the worker
    cannot use the main thread's; pieces are rare (a segment longer than the
    model's input), so the connection is opened for them alone.
    """

    def __init__(self, translator: Translator, path: Path | None) -> None:
        self._translator = translator
        self._path = path
        self._memory: TranslationMemory | None = None

    def _jobs(self) -> MemoryJobs[int]:
        from translate.translation.cached import MemoryJobs
        from translate.translation.memory import TranslationMemory

        if self._memory is None and self._path is not None:
            self._memory = TranslationMemory(self._path)
        return MemoryJobs(lambda: self._translator.memory_key, self._memory)

    def recall_machine(self, texts: Sequence[str]) -> dict[str, Translation]:
        return self._jobs().recall_machine(texts) if self._path is not None and texts else {}

    def keep(self, done: Iterable[tuple[str, Translation]]) -> None:
        done = list(done)
        if self._path is not None and done:
            self._jobs().keep(done)

    def close(self) -> None:
        if self._memory is not None:
            self._memory.close()


def translate_file(
    item: InputFile, document: Document, translator: Translator, job: TranslationJob, progress: Progress | None = None
) -> DocumentReport:
    started = time.monotonic()
    translations = translator.translate_segments([s.text for s in document.segments], progress)
    return _written(item, document, translations, translator, job, started)


def _written(
    item: InputFile, document: Document, translations: Sequence[Translation], translator: Translator, job: TranslationJob, started: float
) -> DocumentReport:
    from translate.pipeline import translated_document, translation_provenance

    alignment = translated_document(document, translations, translation_provenance(document, translator), glossary=job.glossary, qa=job.qa)
    written = write_alignment(alignment, job.output_dir, item.stem, job.export, (item.path, *job.protected))
    return report(item.path, alignment, translations, written, time.monotonic() - started)




def write_alignment(
    alignment: Alignment, output_dir: Path, stem: str, export: ExportOptions, inputs: Sequence[str] = ()
) -> tuple[Path, ...]:
    from translate.export import write_outputs

    return tuple(write_outputs(alignment, output_dir, stem, export, inputs=inputs))


def report(
    path: str, alignment: Alignment, translations: Sequence[Translation], written: Iterable[Path], seconds: float
) -> DocumentReport:
    """Counts from the translations themselves: a human match (origin tm) always comes from the memory."""
    from translate.qa import summary

    human = sum(1 for t in translations if t.from_memory and t.origin is Origin.TM)
    reused = sum(1 for t in translations if t.from_memory)
    segments = len(alignment.source.segments)
    return DocumentReport(
        path=path,
        written=tuple(written),
        segments=segments,
        human=human,
        stored=reused - human,
        new=segments - reused,
        flagged=sum(1 for b in alignment.beads if b.flags),
        seconds=seconds,
        qa=summary(alignment.beads) or "",
    )


def document_line(report: DocumentReport) -> str:
    """The per-file line: what came from where, and which files were written."""
    reuse = (
        f" ({report.from_memory} from the translation memory: {report.human} human, {report.stored} machine)"
        if report.from_memory
        else ""
    )
    return f"{shown(report.path)}: {counted(report.segments, 'segment')}{reuse} → {', '.join(shown(w) for w in report.written)}"


def summary_table(reports: Sequence[DocumentReport]) -> str:
    """The end-of-batch table: human matches, stored and new machine translation, what to review."""
    header = ("file", "segments", "human TM", "stored MT", "new MT", "flagged", "seconds")
    rows = [(shown(r.path), r.segments, r.human, r.stored, r.new, r.flagged, r.seconds) for r in reports]
    total = ("total", *(sum(r[i] for r in rows) for i in range(1, 6)), sum(r[6] for r in rows))  # type: ignore[misc]
    cells = [header] + [(str(r[0]), *(str(v) for v in r[1:6]), f"{r[6]:.1f}") for r in [*rows, total]]
    widths = [max(len(c[i]) for c in cells) for i in range(len(header))]
    lines = [f"{c[0]:<{widths[0]}}  " + "  ".join(f"{v:>{w}}" for v, w in zip(c[1:], widths[1:])) for c in cells]
    lines.insert(1, "-" * len(lines[0]))
    lines.insert(len(lines) - 1, "-" * len(lines[0]))
    return "\n".join(lines)
