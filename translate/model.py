"""The domain model that flows through every stage.

Everything here is a frozen, slotted dataclass: stages never mutate what they
are given, they return new values.  Offsets are character offsets into
``Document.text`` so that no character of the input is ever lost: the text
between segments is whitespace (or a paragraph break) and can be recovered
from the spans.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone

from translate.flags import Flag


class ParagraphKind(str, enum.Enum):
    """Headings, captions and list items are translated and exported apart from body text."""

    HEADING = "heading"
    BODY = "body"


class Origin(str, enum.Enum):
    """Where the target side of a bead came from; CAT tools weigh MT and human matches differently."""

    MT = "mt"
    TM = "tm"
    HUMAN = "human"


@dataclass(frozen=True, slots=True)
class Segment:
    """A sentence (or heading) with its exact place in the original text."""

    id: int
    text: str
    start: int
    end: int
    paragraph: int


@dataclass(frozen=True, slots=True)
class Paragraph:
    index: int
    kind: ParagraphKind
    start: int
    end: int
    segments: tuple[Segment, ...]


@dataclass(frozen=True, slots=True)
class Document:
    """One article in one language.

    ``text`` is the decoded input exactly as read; ``paragraphs`` and their
    segments point into it.
    """

    lang: str
    text: str
    paragraphs: tuple[Paragraph, ...]
    name: str = ""
    segments: tuple[Segment, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "segments", tuple(s for p in self.paragraphs for s in p.segments))
        expected = 0
        for p_index, paragraph in enumerate(self.paragraphs):
            if paragraph.index != p_index:
                raise ValueError(f"paragraph {p_index} has index {paragraph.index}")
            for segment in paragraph.segments:
                if segment.id != expected or segment.paragraph != p_index:
                    raise ValueError(f"segment {segment.id} is out of order")
                if self.text[segment.start : segment.end] != segment.text:
                    raise ValueError(f"segment {segment.id} does not match its span")
                expected += 1


def assemble_document(
    lang: str,
    paragraphs: Iterable[tuple[ParagraphKind, Sequence[str]]],
    name: str = "",
) -> Document:
    """Build a document from already-split sentences.

    Sentences of a paragraph are joined by one space, paragraphs by a blank
    line: the layout of the English draft that a translator post-edits.
    """
    parts: list[str] = []
    built: list[Paragraph] = []
    pos = 0
    seg_id = 0
    for p_index, (kind, sentences) in enumerate(paragraphs):
        if p_index:
            parts.append("\n\n")
            pos += 2
        p_start = pos
        segments = []
        for s_index, sentence in enumerate(sentences):
            if s_index:
                parts.append(" ")
                pos += 1
            segments.append(Segment(seg_id, sentence, pos, pos + len(sentence), p_index))
            parts.append(sentence)
            pos += len(sentence)
            seg_id += 1
        built.append(Paragraph(p_index, kind, p_start, pos, tuple(segments)))
    return Document(lang, "".join(parts), tuple(built), name)


@dataclass(frozen=True, slots=True)
class Bead:
    """A unit of alignment: zero or more source segments paired with zero or more target segments.

    1-0 and 0-1 beads record sentences that have no counterpart, so that a
    reviewer sees them instead of losing them.
    """

    source: tuple[int, ...]
    target: tuple[int, ...]
    score: float | None = None
    origin: Origin = Origin.HUMAN
    flags: tuple[Flag, ...] = ()
    confidence: float | None = None
    """How sure the model was of a machine-translated target, in [0, 1]; None for human work (a TM match, an aligned translation)."""

    @property
    def kind(self) -> str:
        return f"{len(self.source)}-{len(self.target)}"


@dataclass(frozen=True, slots=True)
class Provenance:
    """What is needed to reproduce an output; every exporter writes all of it."""

    tool_version: str
    segmenter: str
    aligner: str
    model_id: str | None = None
    model_revision: str | None = None
    model_note: str | None = None  # what a reader must know of the model ("demo model with random weights: …")
    decoding: str | None = None
    qa: str | None = None
    min_score: float | None = None
    """``tarjama align --min-score``: beads scoring below it are left out of the TMX (the TSV and review page mark them)."""
    created: datetime = field(default_factory=lambda: datetime.now(timezone.utc).replace(microsecond=0))

    def items(self) -> list[tuple[str, str]]:
        """Name/value pairs in a stable order, skipping what does not apply."""
        pairs = [
            ("tool-version", self.tool_version),
            ("model", self.model_id),
            ("model-revision", self.model_revision),
            ("model-note", self.model_note),
            ("decoding", self.decoding),
            ("segmenter", self.segmenter),
            ("aligner", self.aligner),
            ("qa", self.qa),
            ("min-score", f"{self.min_score:g} (beads scoring below it are not in the TMX)" if self.min_score is not None else None),
            ("created", self.created.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")),
        ]
        return [(k, v) for k, v in pairs if v]


@dataclass(frozen=True, slots=True)
class Alignment:
    """An aligned pair of documents: what every exporter takes."""

    source: Document
    target: Document
    beads: tuple[Bead, ...]
    provenance: Provenance

    def left_out(self, bead: Bead) -> bool:
        """Whether the TMX leaves this pair out for scoring below the alignment's ``min_score``."""
        threshold = self.provenance.min_score
        return threshold is not None and bool(bead.source and bead.target) and bead.score is not None and bead.score < threshold

    def source_text(self, bead: Bead) -> str:
        return _join(self.source, bead.source)

    def target_text(self, bead: Bead) -> str:
        return _join(self.target, bead.target)


def _join(doc: Document, ids: tuple[int, ...]) -> str:
    segments = doc.segments
    return " ".join(segments[i].text for i in ids)
