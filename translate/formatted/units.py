"""A formatted document's units as the engine sees them: sentences of plain text, one paragraph per unit.

The memory, the decoder and the aligner work on plain sentences, as for a
text file: the codes are taken out here (:func:`segment_units`) and put back
on the English words afterwards, sentence by sentence.  So a sentence
formatted differently in two places is one memory entry, and the decoder
never sees markup it could garble.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from translate.errors import TarjamaError, shown
from translate.formatted.base import TextUnit
from translate.formatted.tagged import SplitText, TaggedText, split_at
from translate.model import Document, Paragraph, Segment
from translate.segmentation import split_sentences


@dataclass(frozen=True, slots=True)
class SegmentedUnits:
    units: tuple[TextUnit, ...]
    splits: tuple[SplitText, ...]
    """Per unit, its sentences (with their codes) and the gaps between them."""
    document: Document
    """The sentences' plain text: one paragraph per unit that holds a sentence, in order; what the engine translates."""
    paragraphs: tuple[int | None, ...]
    """Per unit, its paragraph in :attr:`document`; None for a unit without a sentence (only spaces or codes)."""

    def segment_ids(self, unit: int) -> range:
        """The ids in ``document.segments`` of a unit's sentences (empty for a unit without one)."""
        paragraph = self.paragraphs[unit]
        if paragraph is None:
            return range(0)
        segments = self.document.paragraphs[paragraph].segments
        return range(segments[0].id, segments[-1].id + 1)

    def targets(self, sentences: Mapping[int, TaggedText]) -> dict[str, TaggedText]:
        """Each unit with a target for every sentence, joined with the source's gaps: what :meth:`Filter.merge` takes.

        ``sentences`` maps a segment id of :attr:`document` to its target; a
        unit missing any of its sentences' targets is left out (it keeps its
        source when merged).  A unit without a sentence is its own target.
        """
        joined: dict[str, TaggedText] = {}
        for index, (unit, split) in enumerate(zip(self.units, self.splits)):
            ids = self.segment_ids(index)
            if all(i in sentences for i in ids):
                joined[unit.id] = split.joined([sentences[i] for i in ids])
        return joined


def segment_units(units: Sequence[TextUnit], lang: str, name: str = "") -> SegmentedUnits:
    """Split each unit into sentences with the text segmenter; codes go with the sentence they format."""
    text_parts: list[str] = []
    paragraphs: list[Paragraph] = []
    splits: list[SplitText] = []
    where: list[int | None] = []
    pos = 0
    seg_id = 0
    for unit in units:
        plain = unit.source.plain
        spans = split_sentences(plain, lang)
        splits.append(split_at(unit.source, spans))
        if not spans:
            where.append(None)
            continue
        if text_parts:
            text_parts.append("\n\n")
            pos += 2
        index = len(paragraphs)
        segments = tuple(Segment(seg_id + i, plain[s:e], pos + s, pos + e, index) for i, (s, e) in enumerate(spans))
        seg_id += len(segments)
        paragraphs.append(Paragraph(index, unit.kind, pos + spans[0][0], pos + spans[-1][1], segments))
        where.append(index)
        text_parts.append(plain)
        pos += len(plain)
    if not paragraphs:
        raise TarjamaError(f"{shown(name or 'input')}: no text found to translate")
    document = Document(lang, "".join(text_parts), tuple(paragraphs), name)
    return SegmentedUnits(tuple(units), tuple(splits), document, tuple(where))
