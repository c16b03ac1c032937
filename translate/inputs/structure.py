"""From extracted paragraphs (web page, Word document) to a segmented Document.

Extracted paragraphs are written one per line, so the text segmenter sees the
same layout as a text file; the headings the source marked as such stay
headings even when they end with a full stop.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from translate.errors import TarjamaError, shown
from translate.model import Document, ParagraphKind
from translate.segmentation import segment_document


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
