"""Word documents: paragraphs in order, with Title and Heading styles kept as headings.

A .docx is a zip archive, and python-docx inflates every part of it into
memory before it looks at any: a 2 MB file whose ``word/document.xml``
inflates to 2 GiB took 4 GB of memory before failing.  So the archive is
checked first, within fixed limits far above any real article: the sizes its
directory declares, and then what each part really inflates to, read in
chunks and counted (a directory can lie).

The document itself is then read as a stream, not through python-docx: a
220 KB file holding 60 MiB of XML (600,000 paragraphs) took over 10 minutes
and 1.44 GB there, because python-docx builds the whole tree and looks each
paragraph's style up again (1.2 ms a paragraph).  Here the styles are read
once, each paragraph is let go as soon as it is read, and the text is
counted as it comes, so a document over the limits is refused when the
limit is reached, not after everything was read.  What is read is what
python-docx's ``document.paragraphs`` gives (a test compares them): the
body's paragraphs, not those in tables or text boxes.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
import zlib
from collections.abc import Iterator
from typing import IO

from lxml import etree

from translate.errors import TarjamaError, shown
from translate.inputs.structure import MAX_TEXT_CHARS, TextLimitExceeded
from translate.model import ParagraphKind

MIB = 2**20
MAX_DOCX_BYTES = 256 * MIB
"""The largest .docx file read (256 MiB on disk)."""
MAX_PART_BYTES = 64 * MIB
"""The most one part (``word/document.xml``, an image) may inflate to: a 500-page book's text is about 10 MiB of XML."""
MAX_TOTAL_BYTES = 256 * MIB
"""The most all parts together may inflate to."""
_CHUNK = MIB

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_BODY, _P, _R, _T, _TBL, _HYPERLINK = (f"{_W}{name}" for name in ("body", "p", "r", "t", "tbl", "hyperlink"))
_PPR, _PSTYLE, _VAL = f"{_W}pPr", f"{_W}pStyle", f"{_W}val"
_RUN_TEXT = {f"{_W}tab": "\t", f"{_W}ptab": "\t", f"{_W}cr": "\n", f"{_W}noBreakHyphen": "-"}
_BR = f"{_W}br"
_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_TYPES = "{http://schemas.openxmlformats.org/package/2006/content-types}"
_MAIN_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
_BUILT_IN_HEADING = re.compile(r"heading [1-9]")
"""Word stores these style names in lower case and shows them capitalised (python-docx's ``BabelFish``)."""


def docx_paragraphs(
    data: bytes, label: str, max_chars: int = MAX_TEXT_CHARS, max_paragraphs: int | None = None
) -> list[tuple[ParagraphKind, str]]:
    """The body's paragraphs; at most ``max_chars`` characters of text and ``max_paragraphs`` paragraphs with text."""
    check_package(data, label)
    archive = zipfile.ZipFile(io.BytesIO(data))
    try:
        main = _main_part(archive)
        names = _style_names(archive, main)
        with archive.open(main) as stream:
            return list(_read_body(stream, names, label, max_chars, max_paragraphs))
    except (KeyError, ValueError, etree.XMLSyntaxError) as exc:
        raise TarjamaError(f"{shown(label)}: not a readable Word .docx file ({type(exc).__name__})") from exc


def _parser_options() -> dict[str, object]:
    from translate.xmlread import parser_options

    return parser_options()


def _parse(archive: zipfile.ZipFile, name: str) -> etree._Element:
    return etree.fromstring(archive.read(name), etree.XMLParser(**_parser_options()))


def _relationships(archive: zipfile.ZipFile, part: str) -> Iterator[tuple[str, str]]:
    """(type, part name) of each internal relationship of ``part`` ("" for the package)."""
    folder, name = posixpath.split(part)
    rels = posixpath.join(folder, "_rels", f"{name}.rels")
    if rels not in archive.namelist():
        return
    for relation in _parse(archive, rels).iter(_RELS):
        target = relation.get("Target") or ""
        if relation.get("TargetMode") == "External" or not target:
            continue
        resolved = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
        yield relation.get("Type") or "", posixpath.normpath(resolved)


def _main_part(archive: zipfile.ZipFile) -> str:
    """The document part the package points at, refused unless it is a Word document (as python-docx does)."""
    main = next((name for kind, name in _relationships(archive, "") if kind.endswith("/officeDocument")), None)
    if main is None:
        raise KeyError("no main document part")
    types = _parse(archive, "[Content_Types].xml")
    declared = {t.get("PartName", "").lstrip("/"): t.get("ContentType") for t in types.iter(f"{_TYPES}Override")}
    defaults = {t.get("Extension", "").lower(): t.get("ContentType") for t in types.iter(f"{_TYPES}Default")}
    content_type = declared.get(main) or defaults.get(posixpath.splitext(main)[1].lstrip(".").lower())
    if content_type != _MAIN_TYPE:
        raise ValueError(f"not a Word document ({content_type})")
    return main


def _style_names(archive: zipfile.ZipFile, main: str) -> dict[str | None, str] | None:
    """Each paragraph style's name by id, read once; ``None`` maps to the default paragraph style.

    A paragraph names its style by id; one that names no style, or a style
    that is missing or not a paragraph style, has the default one.  A
    document without a styles part keeps the ids themselves as names
    ("Heading1", "Title"), which say the same.
    """
    part = next((name for kind, name in _relationships(archive, main) if kind.endswith("/styles")), None)
    if part is None or part not in archive.namelist():
        return None
    names: dict[str | None, str] = {}
    for style in _parse(archive, part).iter(f"{_W}style"):
        if (style.get(f"{_W}type") or "paragraph") != "paragraph":
            continue
        name_element = style.find(f"{_W}name")
        name = (name_element.get(_VAL) if name_element is not None else None) or ""
        name = name.capitalize() if _BUILT_IN_HEADING.fullmatch(name) else name
        names[style.get(f"{_W}styleId")] = name
        if style.get(f"{_W}default") == "1":
            names[None] = name
    return names


def _read_body(
    stream: IO[bytes], names: dict[str | None, str] | None, label: str, max_chars: int, max_paragraphs: int | None
) -> Iterator[tuple[ParagraphKind, str]]:
    """One pass over the document part: each body paragraph as it ends, everything read let go at once."""
    chars = paragraphs = 0
    pieces: list[str] = []
    events = etree.iterparse(stream, events=("end",), tag=(_T, _R, _P, _TBL), **_parser_options())
    for _, element in events:
        tag = element.tag
        if tag == _T:
            chars += len(element.text or "")
            if chars > max_chars:
                raise TextLimitExceeded(f"{shown(label)}: more than {max_chars} characters of text, the limit for one document")
            continue
        parent = element.getparent()
        if tag == _R:
            if _in_body_paragraph(parent):
                pieces.append(_run_text(element))
            element.clear()
            continue
        if tag == _P and parent is not None and parent.tag == _BODY:
            text = "".join(pieces)
            pieces.clear()
            if text.strip():
                paragraphs += 1
                if max_paragraphs is not None and paragraphs > max_paragraphs:
                    raise TextLimitExceeded(f"{shown(label)}: more than {max_paragraphs} paragraphs of text, the limit for one document")
            yield _kind(element, names), text
        element.clear()
        if parent is not None:  # what came before is done with
            while element.getprevious() is not None:
                del parent[0]


def _in_body_paragraph(parent: etree._Element | None) -> bool:
    """A run counts when it is a body paragraph's own, or in one of its hyperlinks (python-docx's ``paragraph.text``)."""
    if parent is not None and parent.tag == _HYPERLINK:
        parent = parent.getparent()
    if parent is None or parent.tag != _P:
        return False
    body = parent.getparent()
    return body is not None and body.tag == _BODY


def _run_text(run: etree._Element) -> str:
    out = []
    for child in run:
        tag = child.tag
        if tag == _T:
            out.append(child.text or "")
        elif tag == _BR:
            out.append("\n" if child.get(f"{_W}type") in (None, "textWrapping") else "")
        elif tag in _RUN_TEXT:
            out.append(_RUN_TEXT[tag])
    return "".join(out)


def _kind(paragraph: etree._Element, names: dict[str | None, str] | None) -> ParagraphKind:
    properties = paragraph.find(_PPR)
    style = properties.find(_PSTYLE) if properties is not None else None
    style_id = style.get(_VAL) if style is not None else None
    if names is None:
        name = style_id or ""
    else:
        name = names[style_id] if style_id in names else names.get(None, "")
    heading = name.startswith(("Heading", "Title", "Subtitle"))
    return ParagraphKind.HEADING if heading else ParagraphKind.BODY


def check_package(data: bytes, label: str) -> None:
    """Refuse an archive that inflates beyond the limits, in memory bounded by one chunk."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise TarjamaError(f"{shown(label)}: not a readable Word .docx file ({type(exc).__name__})") from exc
    declared = 0
    for entry in entries:  # the directory's word first: cheap, and refuses most bombs at once
        _check_part(label, entry.filename, entry.file_size)
        declared += entry.file_size
        _check_total(label, declared)
    inflated = 0
    for entry in entries:  # then what the data really gives
        size = 0
        try:
            with archive.open(entry) as stream:
                while chunk := stream.read(_CHUNK):
                    size += len(chunk)
                    inflated += len(chunk)
                    _check_part(label, entry.filename, size)
                    _check_total(label, inflated)
        except (zipfile.BadZipFile, zlib.error, NotImplementedError, RuntimeError, OSError, EOFError) as exc:
            raise TarjamaError(f"{shown(label)}: not a readable Word .docx file ({entry.filename}: {type(exc).__name__})") from exc


def _check_part(label: str, name: str, size: int) -> None:
    if size > MAX_PART_BYTES:
        raise TarjamaError(
            f"{shown(label)}: {name} inflates to more than {MAX_PART_BYTES // MIB} MiB, the limit for one part of a Word document "
            "(a damaged file or a zip bomb, not an article)"
        )


def _check_total(label: str, size: int) -> None:
    if size > MAX_TOTAL_BYTES:
        raise TarjamaError(
            f"{shown(label)}: its parts inflate to more than {MAX_TOTAL_BYTES // MIB} MiB, the limit for a Word document "
            "(a damaged file or a zip bomb, not an article)"
        )
