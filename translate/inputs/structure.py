"""From extracted paragraphs (web page, Word document) to a segmented Document.

Extracted paragraphs are written one per line, so the text segmenter sees the
same layout as a text file; the headings the source marked as such stay
headings even when they end with a full stop.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

from translate.errors import TarjamaError, shown
from translate.model import Document, ParagraphKind
from translate.segmentation import segment_document

MAX_TEXT_CHARS = 10_000_000
"""The most characters of text read from one web page or Word document (a 500-page book has about a million)."""


class TextLimitExceeded(TarjamaError):
    """A document holds more text than the reader may read: refused as soon as the limit is reached."""


@dataclass(frozen=True, slots=True)
class ReadLimits:
    """How much text one document may hold; a Word document is refused while it is read, when a limit is reached.

    The CLI reads up to :data:`MAX_TEXT_CHARS`; the server passes its own
    (an upload's characters and sentences), so an upload over them costs the
    reading of the limit, not of the whole document.
    """

    chars: int = MAX_TEXT_CHARS
    paragraphs: int | None = None
    """Paragraphs with text (each holds at least one sentence): the server's sentence limit, checked while reading."""

    def check(self, paragraphs: Sequence[tuple[ParagraphKind, str]], label: str) -> None:
        """The same limits on paragraphs already extracted (a web page, read whole by its parser)."""
        chars = sum(len(text) for _, text in paragraphs)
        if chars > self.chars:
            raise TextLimitExceeded(f"{label}: more than {self.chars} characters of text, the limit for one document")
        count = sum(1 for _, text in paragraphs if text.strip())
        if self.paragraphs is not None and count > self.paragraphs:
            raise TextLimitExceeded(f"{label}: more than {self.paragraphs} paragraphs of text, the limit for one document")


def document_from_paragraphs(paragraphs: Sequence[tuple[ParagraphKind, str]], lang: str, name: str = "") -> Document:
    lines = [(kind, " ".join(text.split())) for kind, text in paragraphs]
    lines = [(kind, text) for kind, text in lines if text]
    if not lines:
        raise TarjamaError(f"{shown(name or 'input')}: no text found to translate")
    document = segment_document("\n\n".join(text for _, text in lines), lang, name)
    if len(document.paragraphs) != len(lines):  # pragma: no cover - one line is one paragraph
        raise AssertionError("paragraph structure was not kept")
    paragraphs_with_kinds = tuple(
        dataclasses.replace(p, kind=ParagraphKind.HEADING) if kind is ParagraphKind.HEADING else p
        for p, (kind, _) in zip(document.paragraphs, lines)
    )
    return dataclasses.replace(document, paragraphs=paragraphs_with_kinds)
