"""Word documents: paragraphs in order, with Title and Heading styles kept as headings."""

from __future__ import annotations

import io
import zipfile

from translate.errors import TarjamaError
from translate.model import ParagraphKind


def docx_paragraphs(data: bytes, label: str) -> list[tuple[ParagraphKind, str]]:
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise TarjamaError(f"{label}: not a readable Word .docx file ({type(exc).__name__})") from None
    paragraphs = []
    for paragraph in document.paragraphs:
        style = (paragraph.style.name if paragraph.style is not None else "") or ""
        heading = style.startswith(("Heading", "Title", "Subtitle"))
        paragraphs.append((ParagraphKind.HEADING if heading else ParagraphKind.BODY, paragraph.text))
    return paragraphs
