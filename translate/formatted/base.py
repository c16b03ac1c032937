"""Filters: one class per formatted format, which both reads the original into units and writes targets back.

The shape is Okapi's (Tikal extracts to XLIFF and merges back) and
translate-toolkit's (one class per format on a shared base).  The original
file is the skeleton: :meth:`Filter.merge` extracts it again and puts each
unit's target where that unit came from, so extraction must be
deterministic: the same bytes give the same unit ids and code ids, which is
what lets a target come back from a CAT tool days later.
"""

from __future__ import annotations

import abc
import importlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import PurePath
from typing import ClassVar

from translate.formatted.tagged import TaggedText
from translate.inputs.structure import ReadLimits
from translate.model import ParagraphKind


@dataclass(frozen=True, slots=True)
class TextUnit:
    """One piece of a document translated as a whole: a paragraph, a table cell's paragraph, a heading, an ``alt`` text."""

    id: str
    """Stable for the same original bytes; the XLIFF unit id, and the filter's key at merge time."""
    source: TaggedText
    kind: ParagraphKind = ParagraphKind.BODY
    where: str = "body"
    """Where a translator finds it ("body", "table", "header", "footer", "footnote", "endnote", "textbox", "attribute"):
    shown as context in XLIFF notes and on the review page."""

    def __post_init__(self) -> None:
        if any(c in self.source.plain for c in "\n\r\u2028\u2029"):
            # a line break inside a paragraph is formatting (Word's w:br, HTML's <br>): a PLACEHOLDER code, so that
            # the segmenter and the draft see one paragraph on one line
            raise ValueError(f"unit {self.id}: a line break in the text must be a code")


class Filter(abc.ABC):
    """A formatted format: extracts units from the original, merges targets into it."""

    name: ClassVar[str]
    """The format's name ("docx", "html"): XLIFF's ``datatype`` and the key of :data:`FILTERS`."""
    suffixes: ClassVar[tuple[str, ...]]
    media_type: ClassVar[str]

    @abc.abstractmethod
    def extract(self, data: bytes, label: str, limits: ReadLimits | None = None) -> tuple[TextUnit, ...]:
        """Every unit of text to translate, in reading order (``limits``: ReadLimits() when None); bad input raises TarjamaError naming ``label``."""

    @abc.abstractmethod
    def merge(self, data: bytes, targets: Mapping[str, TaggedText], label: str, target_lang: str = "en") -> bytes:
        """The original with each unit in ``targets`` replaced by its target, made a ``target_lang`` document
        (language tags, direction, fonts); units not in ``targets`` keep their source.  A target whose codes are
        not exactly its unit's codes raises TarjamaError: a code lost or invented is never written."""


FILTERS: dict[str, str] = {
    ".docx": "translate.formatted.docx:WordFilter",
    ".html": "translate.formatted.html:HtmlFilter",
    ".htm": "translate.formatted.html:HtmlFilter",
}
"""Suffix to filter class, imported on first use (``tarjama segment`` and the server's start stay light)."""


def filter_for(path: str) -> Filter | None:
    """The filter for a file name, or None for formats with no formatting to keep (plain text)."""
    spec = FILTERS.get(PurePath(path).suffix.lower())
    if spec is None:
        return None
    module, _, cls = spec.partition(":")
    found: type[Filter] = getattr(importlib.import_module(module), cls)
    return found()


def filter_named(name: str) -> Filter | None:
    """The filter whose :attr:`Filter.name` is ``name`` (an XLIFF's ``datatype``), or None."""
    specs = dict.fromkeys(FILTERS.values())
    # the module named after the format first: a merge of a web page's XLIFF never imports the Word filter
    for spec in sorted(specs, key=lambda spec: spec.partition(":")[0].rpartition(".")[2] != name):
        module, _, cls = spec.partition(":")
        found: type[Filter] = getattr(importlib.import_module(module), cls)
        if found.name == name:
            return found()
    return None
