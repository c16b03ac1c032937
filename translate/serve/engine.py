"""The adapter: the only module of the server that knows tarjama's engine, pipeline and exporters.

Everything else in :mod:`translate.serve` (HTTP, LibreTranslate fields,
limits, the batcher, the page) talks to the engine through the functions and
small values here, so that when the engine's API changes (typed decoding
settings, a batch API) only this file follows it.

What it offers:

* :func:`open_translator` (on the batcher's worker thread): the model, the
  translation memory and the n-best path, behind :class:`LoadedTranslator`;
* :func:`split_sentences`: a line of ``q`` segmented as an article's paragraph;
* :func:`read_document`, :func:`translate_document`, :func:`write_files`,
  :func:`render_review`, :func:`render_translated_file`: uploads through
  ``translate.inputs`` (so they get its limits on what a .docx may unpack
  to) and results through the exporters the CLI uses;
* :func:`detect_language`: Arabic or not, from the letters.
"""

from __future__ import annotations

import ctypes
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

from translate.errors import TarjamaError
from translate.serve.config import Limits, ServeConfig
from translate.settings import ExportOptions, Overwrite

log = logging.getLogger(__name__)

#: The formats the page offers for download, and what /translate_file answers each upload with.
DOWNLOADS = ("txt", "tmx", "xliff", "docx", "html")
UPLOAD_SUFFIXES = (".txt", ".docx", ".html", ".htm")


@dataclass(frozen=True, slots=True)
class EngineInfo:
    """What produced a translation: written into every file the server hands out, and shown by /health."""

    model_id: str
    revision: str | None
    decoding: str
    model_note: str | None = None


#: The least time between two hand-backs of freed heap memory (:func:`release_freed_memory`).
RELEASE_EVERY_S = 1.0


class LoadedTranslator:
    """The engine's translator, used by one thread only (the batcher's worker).

    Its ``translate_segments`` is the one memory-aware translator
    (:class:`translate.translation.cached.CachedTranslator`) around the local
    decoder, run on each merged batch: the memory stays on the worker thread
    that owns its SQLite connection, and a sentence several queued requests
    share is looked up or decoded once.  After a call the heap pages it freed
    go back to the system, at most once a second (:func:`release_freed_memory`):
    that is what keeps a long-running server's memory flat.
    """

    def __init__(self, translator: Any) -> None:
        self._translator = translator
        name = public_model_name(translator.model_id, translator.source.identity)
        self.info = EngineInfo(name, translator.revision, translator.decoding, translator.model_note)
        self._released = time.monotonic()
        self.releases = 0

    def translate(self, sentences: list[str]) -> list[Any]:
        """One engine call for the sentences of several requests; each result has ``.text``, ``.origin``, ``.flags``."""
        try:
            return self._translator.translate_segments(sentences)
        finally:
            now = time.monotonic()
            if now - self._released >= RELEASE_EVERY_S:
                self._released = now
                self.releases += release_freed_memory()

    def n_best(self, sentence: str, count: int) -> list[str]:
        """The decoder's ``count`` best hypotheses for one sentence, best first (LibreTranslate's ``alternatives``)."""
        return list(self._translator.alternatives(sentence, count))


def release_freed_memory() -> int:
    """Hand the heap pages that decoding freed back to the system (glibc's ``malloc_trim``); 1 if done, 0 where unavailable.

    Why the server needs it: CTranslate2's replicas decode on threads of their
    own, and glibc gives each thread its own arena; once a large freed buffer
    has raised glibc's dynamic mmap threshold, later batch buffers (larger
    with cross-request batching: up to 64 sentences merged) come from those
    arenas, and their pages stay in the process after ``free`` unless they sit
    at an arena's top.  Seen: two thread arenas of 64 MB each fully resident,
    and the server's RSS creeping from 611 to 660 MB over 3,800 requests.
    ``malloc_trim(0)`` returns every free page of every arena (glibc ≥ 2.8),
    so what stays is what is in use.  Elsewhere (musl, macOS) it is a no-op.
    """
    trim = _malloc_trim()
    if trim is None:
        return 0
    trim(0)
    return 1


_TRIM: list[Any] = []


def _malloc_trim() -> Any:
    if not _TRIM:
        try:  # the C library is already loaded: look the symbol up in the process itself
            function = ctypes.CDLL(None).malloc_trim
        except (OSError, AttributeError):
            function = None
        if function is not None:
            function.argtypes = [ctypes.c_size_t]
            function.restype = ctypes.c_int
        _TRIM.append(function)
    return _TRIM[0]


def public_model_name(model_id: str, identity: str) -> str:
    """The model as the server's answers and files name it: a hub id as it is, a local directory by its name only.

    The directory's path says where the server keeps its files, which no answer may tell a client
    (the model-revision beside it, the content hash, still identifies the weights exactly).
    """
    if identity.startswith("local:"):
        return f"local:{Path(model_id).name or 'model'}"
    return model_id


def open_translator(config: ServeConfig, glossary: Any = None) -> LoadedTranslator:
    """Load the model and open the translation memory, on the calling thread (which then owns them); ``glossary`` is enforced."""
    from translate.cache import default_tm_path
    from translate.translation import load_translator
    from translate.translation.memory import TranslationMemory

    memory = None if config.no_tm else TranslationMemory(config.tm or default_tm_path())
    return LoadedTranslator(load_translator(config.model, config.decoding, memory=memory, glossary=glossary))


def load_glossary(path: str | None) -> Any:
    if path is None:
        return None
    from translate.qa import load_glossary as load

    return load(path)


# -- text --------------------------------------------------------------------------------------


def split_sentences(line: str) -> list[str]:
    """The sentences of one line of text, as ``tarjama translate`` segments a paragraph of an article."""
    from translate.segmentation import segment_document

    return [s.text for s in segment_document(line, "ar").segments]


def detect_language(text: str) -> tuple[str, float]:
    """``("ar", confidence)`` when most letters are Arabic, else ``("en", …)``: the only languages this server knows.

    The confidence (0–100, as LibreTranslate reports it) is the share of
    letters in the detected script, counted as ``tarjama translate``'s
    language check counts them.
    """
    from translate.script import count_scripts

    counts = count_scripts(text)
    if not counts.letters:
        return "en", 0.0
    share = counts.arabic / counts.letters
    return ("ar", round(100 * share, 1)) if share >= 0.5 else ("en", round(100 * (1 - share), 1))


# -- documents ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SourceDocument:
    """An uploaded (or pasted) article, segmented; ``segments`` counts its sentences for the limits."""

    document: Any
    segments: int
    formatted: Any = None
    """A Word document or web page read through its filter (``translate.jobs.translate.FormattedInput``): what
    /translate_file writes back in its own format, formatted; None for text."""


@dataclass(frozen=True, slots=True)
class Result:
    """A translated article and its alignment with the source, ready for every export."""

    alignment: Any
    flagged: int
    segments: int
    formatted: Any = None


def read_document(path: Path, name: str, limits: Limits) -> SourceDocument:
    """Read a saved upload through ``translate.inputs`` (the CLI's reader, with its checks and bounds).

    The upload's limits go to the reader, which stops when one is reached
    (a Word document is counted as it is read), and every paragraph with text
    holds a sentence: so a document over ``file_segments`` costs the reading
    of that many paragraphs, not of the whole document.  Error messages name
    the upload, never the server's temporary path.
    """
    from translate.inputs import InputFile, ReadLimits, load_document
    from translate.jobs.translate import read_formatted

    label = f"{name}{path.suffix}"
    read_limits = ReadLimits(chars=limits.file_bytes, paragraphs=limits.file_segments)
    try:
        # a Word document or web page through its filter, as the CLI reads it: what is translated is what comes back formatted
        formatted = read_formatted(InputFile(str(path), name), "ar", read_limits)
        if formatted is not None:
            return SourceDocument(formatted.units.document, len(formatted.units.document.segments), formatted)
        document = load_document(str(path), "ar", name=name, limits=read_limits)
    except TarjamaError as exc:
        raise type(exc)(str(exc).replace(str(path), label).replace(str(path.parent), "")) from None
    except Exception as exc:  # noqa: BLE001 - a parser failing on a hostile upload is the upload's fault, not a 500
        log.warning("%s: unreadable upload (%s: %s)", label, type(exc).__name__, str(exc)[:200])
        raise TarjamaError(f"{label}: not a readable {path.suffix} file") from None
    return SourceDocument(document, len(document.segments))


def language_problem(source: SourceDocument, label: str) -> str | None:
    """Why ``source`` is refused when it is clearly not Arabic: the check ``tarjama translate`` makes, worded for a client."""
    from translate.script import mismatch

    problem = mismatch(source.document.text, "ar")
    return None if problem is None else f"{label}: {problem}; this server translates Arabic into English"


def text_document(text: str, name: str) -> SourceDocument:
    from translate.segmentation import segment_document

    document = segment_document(text, "ar", name=name)
    return SourceDocument(document, len(document.segments))


class _QueuedTranslator:
    """What ``pipeline.translate_document`` needs of a translator, with the decoding done by the batcher."""

    def __init__(self, info: EngineInfo, translate: Callable[[Sequence[str]], list[Any]]) -> None:
        self.model_id = info.model_id
        self.revision = info.revision
        self.decoding = info.decoding
        self.model_note = info.model_note
        self._translate = translate

    def translate_segments(self, sentences: Sequence[str], progress: Callable[[int], None] | None = None) -> list[Any]:
        return self._translate(sentences)


def translate_document(
    source: SourceDocument, info: EngineInfo, translate: Callable[[Sequence[str]], list[Any]], glossary: Any = None
) -> Result:
    """The pipeline of ``tarjama translate`` (memory, QA flags, alignment), its sentences decoded by ``translate``."""
    from translate.pipeline import translate_document as run

    alignment = run(source.document, _QueuedTranslator(info, translate), glossary=glossary)
    return Result(alignment, sum(1 for b in alignment.beads if b.flags), len(alignment.beads), source.formatted)


def write_files(result: Result, outdir: Path, stem: str, formats: Sequence[str] = DOWNLOADS) -> dict[str, Path]:
    """The files ``tarjama translate --to …`` writes, by format; for a Word upload, ``docx`` is the document translated in place."""
    from translate.export import write_outputs

    formatted = result.formatted is not None and result.formatted.filter.name == "docx" and "docx" in formats
    flat = [f for f in formats if not (formatted and f == "docx")]
    # The downloads folder is the server's own, every name new: no ledger there (nor a way to download one).
    paths = dict(zip(flat, write_outputs(result.alignment, outdir, stem, ExportOptions(formats=tuple(flat), overwrite=Overwrite.PRIVATE))))
    if formatted:
        paths["docx"] = render_translated_file(result, outdir, stem, ".docx")
    return {f: paths[f] for f in formats}


def render_review(result: Result) -> str:
    """The review page of ``tarjama translate --to html`` (RTL Arabic, flags, legend, provenance)."""
    from translate.export import get_exporter

    return str(get_exporter("html").render(result.alignment))


def render_translated_file(result: Result, outdir: Path, stem: str, suffix: str) -> Path:
    """/translate_file's answer, in the upload's own format: a Word document or web page translated in place, with its
    formatting (as LibreTranslate answers), else the English draft (.txt, or a plain .html page where no filter reads pages)."""
    from translate.textio import write_atomic

    if result.formatted is not None:
        from translate.formatted.placement import placed_targets

        units = result.formatted.units
        merged = result.formatted.filter.merge(result.formatted.data, units.targets(placed_targets(units, result.alignment)), f"{stem}{suffix}")
        path = outdir / f"{stem}.en{suffix}"
        write_atomic(path, merged)
        return path
    if suffix == ".docx":
        return write_files(result, outdir, stem, ["docx"])["docx"]
    if suffix in (".html", ".htm"):
        path = outdir / f"{stem}.en.html"
        write_atomic(path, _draft_html(result))
        return path
    return write_files(result, outdir, stem, ["txt"])["txt"]


def _draft_html(result: Result) -> str:
    """The translated article as a plain web page: its headings and paragraphs, nothing else (no script, no link)."""
    from translate.export.base import xml_safe
    from translate.model import ParagraphKind

    target = result.alignment.target
    lines = ["<!DOCTYPE html>", '<html lang="en">', '<head><meta charset="utf-8">', f"<title>{escape(xml_safe(target.name)[0])}</title></head>", "<body>"]
    for paragraph in target.paragraphs:
        if not paragraph.segments:
            continue
        text = escape(xml_safe(" ".join(s.text for s in paragraph.segments))[0], quote=False)
        tag = "h2" if paragraph.kind is ParagraphKind.HEADING else "p"
        lines.append(f"<{tag}>{text}</{tag}>")
    lines += ["</body>", "</html>", ""]
    return "\n".join(lines)
