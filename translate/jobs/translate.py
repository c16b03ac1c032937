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
from dataclasses import dataclass, replace
from pathlib import Path
from queue import SimpleQueue
from typing import TYPE_CHECKING

from translate.errors import EmptyInput, TarjamaError, shown
from translate.inputs import InputFile, ReadLimits, collect_inputs, load_document
from translate.model import Alignment, Document, Origin
from translate.settings import ExportOptions, QaSettings
from translate.textio import STDIN
from translate.wording import counted

if TYPE_CHECKING:
    from translate.formatted import Filter, SegmentedUnits, TaggedText
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
    formatted: bool = False
    """Also write each Word document or web page back in its own format, translated in place (:func:`write_formatted`)."""


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
    """An input as a segmented document, named after its output stem.

    A format with a filter (a Word document, a web page) is read through it,
    so what is translated (and shown on the review page, stored in the
    memory, checked by QA) is exactly what its formatted output holds:
    tables, headers, footers, notes and text boxes included.
    """
    formatted = read_formatted(item, lang)
    if formatted is not None:
        return formatted.units.document
    return load_document(item.path, lang, name=Path(item.stem).name)


@dataclass(frozen=True, slots=True)
class FormattedInput:
    """A Word document or web page as its filter reads it: the original bytes (the skeleton) and its units, segmented."""

    filter: Filter
    data: bytes
    units: SegmentedUnits


def input_filter(path: str) -> Filter | None:
    """The filter of an input's format; None for text (and stdin)."""
    from translate.formatted import filter_for

    return None if path == STDIN else filter_for(path)


def read_formatted(item: InputFile, lang: str = "ar", limits: ReadLimits | None = None) -> FormattedInput | None:
    """The input through its filter (None for text): every unit extracted, within ``limits``, and split into sentences."""
    from translate.formatted import segment_units
    from translate.inputs import read_document_bytes

    found = input_filter(item.path)
    if found is None:
        return None
    data = read_document_bytes(item.path)
    units = found.extract(data, item.path, limits)
    return FormattedInput(found, data, segment_units(units, lang, Path(item.stem).name))


def formatted_path(output_dir: Path, stem: str, found: Filter, target_lang: str = "en") -> Path:
    """``NAME.en.docx`` for a Word input, ``NAME.en.html`` for a web page: beside the draft, never the review page's ``NAME.html``."""
    return Path(output_dir) / f"{stem}.{target_lang.split('-')[0].lower()}{found.suffixes[0]}"


_FORMATTED_CAT = ("xliff", "xliff2")
"""For a Word document or web page these are written from its units (inline codes, the original as skeleton, so
``tarjama merge`` rebuilds it), not from the flattened sentences a text file's XLIFF holds."""


def write_formatted(item: InputFile, alignment: Alignment, job: TranslationJob) -> tuple[Path, ...]:
    """The original with each paragraph's translation in place and its codes on the English words, and its XLIFF
    with inline codes when asked; nothing for a text input.

    The input is read again (:func:`translated_units`), once for every file
    written from it: documents are not kept in memory between reading and writing.
    """
    from translate.textio import write_atomic

    wanted = input_filter(item.path)
    if wanted is None:
        return ()
    document = wants_formatted(wanted, job.export.formats, job.formatted)
    cat = [name for name in _FORMATTED_CAT if name in job.export.formats]
    if not document and not cat:
        return ()
    found = translated_units(item, alignment)
    if found is None:
        return ()
    formatted, sentences = found
    lang = job.export.target_lang or alignment.target.lang or "en"
    written: list[Path] = []
    if document:
        merged = formatted.filter.merge(formatted.data, formatted.units.targets(sentences), item.path, lang)
        written.append(formatted_path(job.output_dir, item.stem, formatted.filter, lang))
        write_atomic(written[-1], merged, job.export.overwrite)
    for name in cat:
        written.append(_write_formatted_xliff(name, item, alignment, formatted, sentences, job))
    return tuple(written)


def _write_formatted_xliff(
    name: str, item: InputFile, alignment: Alignment, formatted: FormattedInput, sentences: dict[int, TaggedText], job: TranslationJob
) -> Path:
    """``NAME.xlf`` / ``NAME.xliff2.xlf`` (the names a text input's XLIFF has) with inline codes and the skeleton."""
    from translate.export import get_exporter
    from translate.formatted.xliff import formatted_xliff, formatted_xliff2
    from translate.textio import write_atomic

    origins = {sid: bead.origin for bead in alignment.beads for sid in bead.source}
    confidences = {sid: bead.confidence for bead in alignment.beads for sid in bead.source if bead.confidence is not None}
    writer = formatted_xliff if name == "xliff" else formatted_xliff2
    text = writer(
        formatted.units, sentences, formatted.data, formatted.filter.name, alignment.provenance,
        original_name=Path(item.path).name, source_lang=job.export.source_lang,
        target_lang=job.export.target_lang or alignment.target.lang or "en", origins=origins, confidences=confidences,
    )
    path = Path(job.output_dir) / (item.stem + get_exporter(name).suffix(alignment))
    write_atomic(path, text, job.export.overwrite)
    return path


def translated_units(item: InputFile, alignment: Alignment) -> tuple[FormattedInput, dict[int, TaggedText]] | None:
    """The input read again through its filter, and each translated sentence with its codes on the English words
    (segment id -> target): what the formatted document, and an XLIFF with inline codes, are written from; None for text.

    The input must give the very sentences that were translated: a file
    changed meanwhile is refused, not merged wrongly.
    """
    from translate.formatted.placement import placed_targets

    formatted = read_formatted(item, alignment.source.lang)
    if formatted is None:
        return None
    if formatted.units.document.text != alignment.source.text:
        raise TarjamaError(f"{shown(item.path)}: changed while it was translated; run again")
    return formatted, placed_targets(formatted.units, alignment)


def wants_formatted(found: Filter, formats: Sequence[str], formatted: bool) -> bool:
    """Whether an input of ``found``'s format is written back formatted: asked for (``formatted``), or a Word input
    with ``docx`` among the formats (one NAME.en.docx: the document itself, never a flattened copy of it)."""
    return formatted or (found.name == "docx" and "docx" in formats)


def export_for(item: InputFile, job: TranslationJob) -> ExportOptions:
    """The formats written from the flattened alignment: for a Word input ``docx`` is the formatted document, and for
    a Word document or web page the XLIFF is written from its units (:func:`write_formatted`), not the sentences."""
    found = input_filter(item.path)
    if found is None:
        return job.export
    taken = {*_FORMATTED_CAT, "docx"} if found.name == "docx" else set(_FORMATTED_CAT)
    return replace(job.export, formats=tuple(f for f in job.export.formats if f not in taken))


def plan(
    arguments: Sequence[str],
    output_dir: Path,
    export: ExportOptions,
    *,
    glossary: Glossary | None = None,
    protected: Sequence[str] = (),
    language_check: bool = True,
    qa: QaSettings = QaSettings(),
    formatted: bool = False,
) -> TranslationJob:
    """Collect the inputs (folders expanded), read and check each one, and check every output, before any model is loaded.

    ``formatted``: also write each Word document or web page in its own format (see :func:`write_formatted`).
    """
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
    lang = export.target_lang or "en"
    filters = [(i, f) for i in inputs if (f := input_filter(i.path)) is not None and wants_formatted(f, export.formats, formatted)]
    if filters:
        from translate.textio import check_output_names, refuse_overwriting_inputs, refuse_replacing_others

        outputs = [formatted_path(Path(output_dir), i.stem, f, lang) for i, f in filters]
        refuse_overwriting_inputs(outputs, sources)
        refuse_replacing_others(outputs, export.overwrite)
        check_output_names(outputs)
    return TranslationJob(tuple(inputs), segments, Path(output_dir), export, glossary, tuple(protected), stdin, qa, formatted)


def translate_files(
    job: TranslationJob, translator: Translator, progress: Progress | None = None
) -> Iterator[DocumentReport]:
    """Translate each input and write its files as soon as it is done; yields one report per document, in input order.

    Once the model is loaded, the rest go through :func:`_overlapped`: a short
    article is one small batch, so one document at a time would decode a
    folder in batches of three sentences on one of CTranslate2's two replicas.
    A run with a termbase stays one document at a time (see the comment below).
    """
    inputs = iter(job.inputs)
    for item in inputs:
        yield translate_file(item, _document(job, item), translator, job, progress)
        if translator.loaded and translator.glossary is None:
            # With a termbase, each segment's memory key holds the terms it has (cached.termed), which only the
            # translator's own road knows: the groups below key every segment plainly, so they would store
            # enforced translations as free ones and serve free ones to segments with terms.
            yield from _overlapped(job, translator, inputs, progress)
            return


def _document(job: TranslationJob, item: InputFile) -> Document:
    return job.stdin if item.path == STDIN and job.stdin is not None else read_input(item)


#: Documents decoded together at most: a folder whose segments all come from the memory still moves on.
GROUP_DOCUMENTS = 64


@dataclass(slots=True, eq=False)
class _Open:
    """A document read and opened in the memory's jobs: what it still needs decoded."""

    index: int
    item: InputFile
    document: Document
    started: float
    occurrences: Counter[str]
    todo: frozenset[str]


@dataclass(slots=True, eq=False)
class _Group:
    """Documents whose unknown segments are one engine call on a worker thread; finished chunks wait in ``chunks``."""

    documents: list[_Open]
    chunks: SimpleQueue[Done | None]
    future: Future[None] | None


def _overlapped(
    job: TranslationJob, translator: Translator, inputs: Iterator[InputFile], progress: Progress | None
) -> Iterator[DocumentReport]:
    """The documents of ``inputs`` decoded in groups, on worker threads, and written one by one in input order.

    A short article alone is one small batch: decoded one at a time, a folder
    of them runs batches of three or four sentences on one replica.  Here
    consecutive documents are gathered until their unknown segments fill one
    engine chunk (``translator.chunk_size``, what one file's segments are
    decoded by), and each group is one engine call, batched by length as one
    file's segments are: the merging the server does for concurrent requests.
    The engine's outputs do not depend on what else is in a batch (proven in
    float32; int8 kernels are not batch-invariant, as for the server).  Up to
    ``translator.concurrency`` groups decode while this thread writes the
    previous one.  The memory's rules are every front end's
    (:class:`MemoryJobs`, as the Ray runner uses them): the memory is read and
    written on this thread only, and a segment an earlier document sent is
    awaited, as a one-at-a-time run would find it in the memory, so the
    per-document counts are the same.  Memory stays bounded: at most
    ``concurrency + 1`` groups of at most :data:`GROUP_DOCUMENTS` documents are held.
    """
    from translate.translation.cached import MemoryJobs
    from translate.translation.memory import normalise

    jobs: MemoryJobs[int] = MemoryJobs(lambda: translator.memory_key, translator.memory)
    memory_path = translator.memory.path if translator.memory is not None else None
    window = translator.concurrency
    pending: deque[_Group] = deque()
    pool = ThreadPoolExecutor(window, thread_name_prefix="tarjama-documents")

    def admit(index: int, item: InputFile) -> _Open:
        document = _document(job, item)
        started = time.monotonic()
        sentences = [s.text for s in document.segments]
        todo = frozenset(jobs.open(index, sentences))
        occurrences = Counter(normalise(s) for s in sentences)
        if progress is not None:
            progress(sum(n for k, n in occurrences.items() if k not in todo))
        return _Open(index, item, document, started, occurrences, todo)

    def launch(documents: list[_Open]) -> _Group:
        todo = list(dict.fromkeys(k for d in documents for k in sorted(d.todo)))
        chunks: SimpleQueue[Done | None] = SimpleQueue()
        future = pool.submit(_decode, translator, todo, memory_path, chunks) if todo else None
        return _Group(documents, chunks, future)

    def finish(group: _Group) -> Iterator[DocumentReport]:
        if group.future is not None:
            while (chunk := group.chunks.get()) is not None:
                for doc in group.documents:  # each document is handed what it sent (with a memory, others await it)
                    mine = [(k, t) for k, t in chunk if k in doc.todo]
                    if mine:
                        jobs.done(doc.index, mine)
                        if progress is not None:
                            progress(sum(doc.occurrences[k] for k, _ in mine))
            group.future.result()  # a worker's exception is raised here, after the documents before it are written
        for doc in group.documents:
            yield _written(doc.item, doc.document, jobs.close(doc.index), translator, job, doc.started)

    gathered: list[_Open] = []
    size = 0
    try:
        for index, item in enumerate(inputs):
            gathered.append(admit(index, item))
            size += len(gathered[-1].todo)
            if size >= translator.chunk_size or len(gathered) >= GROUP_DOCUMENTS:
                pending.append(launch(gathered))
                gathered, size = [], 0
                if len(pending) > window:
                    yield from finish(pending.popleft())
        if gathered:
            pending.append(launch(gathered))
        while pending:
            yield from finish(pending.popleft())
    finally:
        pool.shutdown(wait=True, cancel_futures=True)  # a failed or stopped run starts no more groups


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
    written = write_alignment(alignment, job.output_dir, item.stem, export_for(item, job), (item.path, *job.protected))
    written = (*written, *write_formatted(item, alignment, job))
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
