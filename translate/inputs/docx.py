"""Word documents: paragraphs in order, with Title and Heading styles kept as headings.

A .docx is a zip archive, and python-docx inflates every part of it into
memory before it looks at any: a 2 MB file whose ``word/document.xml``
inflates to 2 GiB took 4 GB of memory before failing.  So the archive is
checked first, within fixed limits far above any real article: the sizes its
directory declares, and then what each part really inflates to, read in
chunks and counted (a directory can lie), before python-docx sees it.
"""

from __future__ import annotations

import io
import zipfile
import zlib

from translate.errors import TarjamaError, shown
from translate.model import ParagraphKind

MIB = 2**20
MAX_DOCX_BYTES = 256 * MIB
"""The largest .docx file read (256 MiB on disk)."""
MAX_PART_BYTES = 64 * MIB
"""The most one part (``word/document.xml``, an image) may inflate to: a 500-page book's text is about 10 MiB of XML."""
MAX_TOTAL_BYTES = 256 * MIB
"""The most all parts together may inflate to."""
_CHUNK = MIB


def docx_paragraphs(data: bytes, label: str) -> list[tuple[ParagraphKind, str]]:
    import docx

    check_package(data, label)
    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise TarjamaError(f"{shown(label)}: not a readable Word .docx file ({type(exc).__name__})") from exc
    except Exception as exc:  # lxml's XMLSyntaxError for a damaged part; python-docx raises its own for odd content types
        if type(exc).__module__.startswith(("lxml", "docx")):
            raise TarjamaError(f"{shown(label)}: not a readable Word .docx file ({type(exc).__name__})") from exc
        raise
    paragraphs = []
    for paragraph in document.paragraphs:
        style = (paragraph.style.name if paragraph.style is not None else "") or ""
        heading = style.startswith(("Heading", "Title", "Subtitle"))
        paragraphs.append((ParagraphKind.HEADING if heading else ParagraphKind.BODY, paragraph.text))
    return paragraphs


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
