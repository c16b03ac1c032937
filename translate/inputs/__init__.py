"""Reading what translators are sent: text files, web pages, Word documents, whole folders.

Each format has a module that extracts paragraphs and knows which are
headings; ``load_document`` turns them into a segmented Document.  Nothing
here imports torch, so every input is checked before a model is loaded.
"""

from __future__ import annotations

import logging
import os
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from translate.errors import EmptyInput, TarjamaError, shown
from translate.inputs.structure import ReadLimits, TextLimitExceeded, document_from_paragraphs
from translate.model import Document
from translate.segmentation import segment_document
from translate.textio import STDIN, read_bytes, read_text
from translate.wording import counted

__all__ = ["DOCUMENT_SUFFIXES", "SUFFIXES", "InputFile", "ReadLimits", "TextLimitExceeded", "collect_inputs", "folder_files", "load_document", "read_document_bytes", "read_lines", "warn_other_formats"]

log = logging.getLogger(__name__)

SUFFIXES = (".txt", ".html", ".htm", ".docx")
DOCUMENT_SUFFIXES = (".html", ".htm", ".docx")  # formats whose text is not their bytes: read through an extractor


@dataclass(frozen=True, slots=True)
class InputFile:
    """An input and the output stem it writes under -o (``sub/NAME`` for a file found in a folder)."""

    path: str
    stem: str
    in_folder: bool = False
    """Found in a folder the user gave, not named by the user: when empty, it is skipped with a warning
    instead of stopping the batch (a file the user named and that is empty is an error)."""


def load_document(path: str, lang: str = "ar", name: str = "", limits: ReadLimits | None = None) -> Document:
    """The document, segmented; a web page or Word document holding more text than ``limits`` is refused."""
    limits = limits or ReadLimits()
    suffix = Path(path).suffix.lower() if path != STDIN else ""
    if suffix in (".html", ".htm"):
        from translate.inputs import html

        data = _read_bytes(path, html.MAX_HTML_BYTES, "a web page")
        paragraphs = html.html_paragraphs(data, path)
        limits.check(paragraphs, path)
        return document_from_paragraphs(paragraphs, lang, name)
    if suffix == ".docx":
        from translate.inputs import docx

        data = _read_bytes(path, docx.MAX_DOCX_BYTES, "a Word document")
        return document_from_paragraphs(docx.docx_paragraphs(data, path, limits.chars, limits.paragraphs), lang, name)
    return segment_document(read_text(path), lang, name)


def read_lines(path: str, what: str) -> list[str]:
    """The lines of a line-aligned text file; a web page or Word document is refused, never read as markup.

    Line-based inputs (``check``, ``evaluate``, ``align --presegmented``) pair
    lines (or the paragraphs between blank lines); a page's paragraphs have no
    such lines, and reading its bytes as text would compare markup.
    """
    suffix = Path(path).suffix.lower() if path != STDIN else ""
    if suffix in DOCUMENT_SUFFIXES:
        kind = "a Word document" if suffix == ".docx" else "a web page"
        raise TarjamaError(f"{shown(path)} is {kind}, but {what} needs plain text with one segment per line (save it as .txt, or run 'tarjama segment {shown(path)}')")
    return read_text(path).splitlines()


def read_document_bytes(path: str) -> bytes:
    """A web page's or Word document's bytes, refused over its format's size limit (what its filter reads)."""
    if Path(path).suffix.lower() == ".docx":
        from translate.inputs import docx

        return _read_bytes(path, docx.MAX_DOCX_BYTES, "a Word document")
    from translate.inputs import html

    return _read_bytes(path, html.MAX_HTML_BYTES, "a web page")


def _read_bytes(path: str, limit: int, what: str) -> bytes:
    """The file's bytes, refused by size before they are read (and again if it grew meanwhile)."""
    too_big = f"{shown(path)}: larger than {limit // 2**20} MiB, the limit for {what}"
    try:
        size = os.stat(path).st_size
    except OSError:
        size = 0  # read_bytes names what is wrong
    if size > limit:
        raise TarjamaError(too_big)
    data = read_bytes(path, "a web page or Word document")
    if len(data) > limit:
        raise TarjamaError(too_big)
    if not data.strip():
        raise EmptyInput(f"{shown(path)}: the file is empty (no text to work on)")
    return data


def collect_inputs(arguments: list[str]) -> list[InputFile]:
    """Expand folders, name every output uniquely, and never let a name leave the output folder.

    A file in a folder that tarjama cannot read (a .pdf, an image) is named in a
    warning and left out, so that the user knows what was not translated.
    """
    found: list[tuple[str, Path, bool]] = []  # (path, stem as a relative path, found in a folder)
    for argument in arguments:
        if argument == STDIN:
            found.append((STDIN, Path("stdin"), False))
        elif Path(argument).is_dir():
            root = Path(argument)
            files, others = folder_files(root)
            if not files:
                also = f" ({counted(len(others), 'file')} of other formats, e.g. {others[0].name})" if others else ""
                raise TarjamaError(f"{shown(argument)}: no input files ({', '.join(SUFFIXES)}) in this folder{also}")
            warn_other_formats(others)
            found.extend((str(p), p.relative_to(root).with_suffix(""), True) for p in files)
        else:
            found.append((argument, Path(_stem(Path(argument).name)), False))
    if sum(1 for path, _, _ in found if path == STDIN) > 1:
        raise TarjamaError("stdin (-) can be read only once")
    stems = _unique([stem for _, stem, _ in found], [path for path, _, _ in found])
    return [InputFile(path, stem, in_folder) for (path, _, in_folder), stem in zip(found, stems)]


MAX_NAMED = 10
"""Files of other formats named one by one; past this, one line counts the rest (a folder of photos is not a wall of warnings)."""


def warn_other_formats(paths: list[Path], done: str = "translated") -> None:
    """Files of formats tarjama cannot read are named (the first few), never passed over in silence."""
    for path in paths[:MAX_NAMED]:
        kind = f"{path.suffix} files" if path.suffix else "files without a suffix"
        log.warning("%s: not %s: tarjama reads %s files in a folder, not %s", shown(path), done, ", ".join(SUFFIXES), kind)
    if len(paths) > MAX_NAMED:
        log.warning("… and %s of other formats in the same folder, not %s", counted(len(paths) - MAX_NAMED, "more file"), done)


def _stem(name: str) -> str:
    stem, _, _ = name.rpartition(".")
    return stem or name


def folder_files(root: Path) -> tuple[list[Path], list[Path]]:
    """The input files under ``root``, and the files of other formats, hidden ones left out of both; a
    subfolder that cannot be read stops the run by name, as an unreadable file does, instead of leaving
    its files silently out of the batch."""

    def refuse(exc: OSError) -> None:
        raise TarjamaError(
            f"{shown(exc.filename or root)}: cannot read this folder ({exc.strerror or exc}); "
            "make it readable or move it out of the input folder"
        ) from exc

    files: list[Path] = []
    others: list[Path] = []
    for folder, subfolders, names in os.walk(root, onerror=refuse):
        subfolders[:] = [name for name in subfolders if not name.startswith(".")]
        for name in names:
            path = Path(folder) / name
            if name.startswith(".") or not path.is_file():
                continue
            (files if path.suffix.lower() in SUFFIXES else others).append(path)
    return sorted(files), sorted(others)


def _unique(stems: list[Path], paths: list[str]) -> list[str]:
    """Two inputs called x.txt in different folders write a/x.* and b/x.*, not one over the other."""
    counts = Counter(s.as_posix() for s in stems)
    result = []
    for stem, path in zip(stems, paths):
        name = stem.as_posix()
        if counts[name] > 1 and path != STDIN:
            name = f"{Path(os.path.abspath(path)).parent.name}/{name}"
        result.append(name)
    if len(set(result)) != len(result):
        raise TarjamaError("several inputs would write the same outputs; give them different names or -o folders")
    for name in result:
        if Path(name).is_absolute() or ".." in Path(name).parts:
            raise TarjamaError(f"refusing output name {shown(name)}: it would leave the output folder")
    return result
