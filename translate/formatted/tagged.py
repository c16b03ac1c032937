"""Text with inline codes: the formatting of a paragraph as a translator's tool sees it.

A Word run in bold, a link, a picture in the middle of a sentence: none of
them is text to translate, and none may be lost.  As in XLIFF (and Okapi's
filters), each is an inline code in the text: an OPEN and a CLOSE around a
span, or a PLACEHOLDER that stands alone.  A code carries no markup, only an
id: the filter that extracted it finds the markup again in the original (the
skeleton) at merge time, so a code cannot be damaged on its way through a CAT
tool, the memory or the decoder.

Spans need not nest (Word's runs never do, a sentence boundary can fall inside
a bold span): a code whose partner is in another segment is *isolated*, as
XLIFF 1.2's ``bx``/``ex`` and 2.0's ``sc``/``ec`` with ``isolated="yes"``.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field


class CodeKind(str, enum.Enum):
    OPEN = "open"
    """Starts a span of formatting (bold, a link); the CLOSE with the same id ends it."""
    CLOSE = "close"
    PLACEHOLDER = "placeholder"
    """Stands alone: a picture, a field (a page number, a date), a line break, a footnote reference."""


@dataclass(frozen=True, slots=True)
class Code:
    kind: CodeKind
    id: int
    """Shared by an OPEN and its CLOSE, unique per span or placeholder within a unit: the filter's key back to the original."""
    label: str = ""
    """What a translator's tool shows ("b", "i", "u", "link", "image", "field", "br"): XLIFF's ctype / type."""


Part = str | Code


@dataclass(frozen=True, slots=True)
class TaggedText:
    """Text and codes in reading order; adjacent strings are merged and empty ones dropped, so equal texts compare equal."""

    parts: tuple[Part, ...]
    plain: str = field(init=False, repr=False, compare=False)
    """The text alone: what is segmented, looked up in the memory and decoded."""

    def __post_init__(self) -> None:
        merged: list[Part] = []
        for part in self.parts:
            if isinstance(part, str):
                if not part:
                    continue
                if merged and isinstance(merged[-1], str):
                    merged[-1] = merged[-1] + part
                    continue
            elif not isinstance(part, Code):
                raise TypeError(f"a tagged text holds str and Code, not {type(part).__name__}")
            merged.append(part)
        object.__setattr__(self, "parts", tuple(merged))
        object.__setattr__(self, "plain", "".join(p for p in merged if isinstance(p, str)))
        _check_codes(self.codes)

    @classmethod
    def of(cls, text: str) -> TaggedText:
        return cls((text,))

    @property
    def codes(self) -> tuple[Code, ...]:
        return tuple(p for p in self.parts if isinstance(p, Code))

    def placed(self) -> Iterator[tuple[int, Code]]:
        """Each code with its offset in :attr:`plain` (the number of characters before it)."""
        offset = 0
        for part in self.parts:
            if isinstance(part, str):
                offset += len(part)
            else:
                yield offset, part

    @classmethod
    def from_placed(cls, plain: str, placed: Sequence[tuple[int, Code]]) -> TaggedText:
        """Rebuild from text and code offsets; codes at one offset keep the order given (a stable sort)."""
        ordered = sorted(enumerate(placed), key=lambda item: (item[1][0], item[0]))
        parts: list[Part] = []
        pos = 0
        for _, (offset, code) in ordered:
            if not 0 <= offset <= len(plain):
                raise ValueError(f"code {code.id} placed at {offset}, outside a text of {len(plain)} characters")
            parts.append(plain[pos:offset])
            parts.append(code)
            pos = offset
        parts.append(plain[pos:])
        return cls(tuple(parts))

    def __add__(self, other: TaggedText) -> TaggedText:
        return TaggedText(self.parts + other.parts)


def _check_codes(codes: Sequence[Code]) -> None:
    """No id opened or closed twice, no CLOSE before its OPEN; an OPEN or CLOSE alone is allowed (isolated)."""
    opened: set[int] = set()
    closed: set[int] = set()
    single: set[int] = set()
    for code in codes:
        if code.kind is CodeKind.PLACEHOLDER:
            if code.id in single or code.id in opened or code.id in closed:
                raise ValueError(f"code id {code.id} used twice")
            single.add(code.id)
        elif code.kind is CodeKind.OPEN:
            if code.id in opened or code.id in closed or code.id in single:
                raise ValueError(f"code id {code.id} opened twice, or after its close")
            opened.add(code.id)
        else:
            if code.id in closed or code.id in single:
                raise ValueError(f"code id {code.id} closed twice")
            closed.add(code.id)


@dataclass(frozen=True, slots=True)
class SplitText:
    """A unit's text cut at its sentences: ``gaps[0] + segments[0] + gaps[1] + … + gaps[-1]`` is the unit exactly.

    Gaps hold what lies between sentences (whitespace, and codes that sit in
    it); they are never translated and are written back as they were.
    """

    segments: tuple[TaggedText, ...]
    gaps: tuple[TaggedText, ...]

    def __post_init__(self) -> None:
        if len(self.gaps) != len(self.segments) + 1:
            raise ValueError(f"{len(self.segments)} segments need {len(self.segments) + 1} gaps, not {len(self.gaps)}")

    def joined(self, targets: Sequence[TaggedText] | None = None) -> TaggedText:
        """The unit again, with ``targets`` in place of the segments (the original when None)."""
        chosen = self.segments if targets is None else tuple(targets)
        if len(chosen) != len(self.segments):
            raise ValueError(f"{len(chosen)} targets for {len(self.segments)} segments")
        parts: list[Part] = list(self.gaps[0].parts)
        for segment, gap in zip(chosen, self.gaps[1:]):
            parts.extend(segment.parts)
            parts.extend(gap.parts)
        return TaggedText(tuple(parts))


def split_at(text: TaggedText, spans: Sequence[tuple[int, int]]) -> SplitText:
    """Cut ``text`` at sentence spans (offsets into ``text.plain``, in order, not overlapping).

    A code at a sentence's edge belongs to the sentence it formats: an OPEN or
    a PLACEHOLDER at a sentence's start goes with that sentence, a CLOSE at its
    end too; codes strictly inside the whitespace between sentences stay in
    the gap.  Every code lands in exactly one piece.
    """
    last = 0
    bounds: list[int] = []
    for start, end in spans:
        if not last <= start <= end <= len(text.plain):
            raise ValueError(f"sentence span {start}-{end} is out of order or outside the text")
        bounds.extend((start, end))
        last = end
    pieces: list[list[tuple[int, Code]]] = [[] for _ in range(2 * len(spans) + 1)]
    opened_in: dict[int, int] = {}
    last_piece = 0
    for offset, code in text.placed():
        piece = _piece(offset, code, spans)
        if code.kind is CodeKind.OPEN:
            opened_in[code.id] = piece
        elif code.kind is CodeKind.CLOSE:
            piece = max(piece, opened_in.get(code.id, piece))  # an empty span stays whole, never closed before it opens
        # never before the piece of a code that precedes it: codes at one offset (a picture, then a close at the
        # next sentence's start) would otherwise swap places, and the pieces would no longer join into the text
        piece = max(piece, last_piece)
        last_piece = piece
        pieces[piece].append((offset, code))
    cuts = [0, *bounds, len(text.plain)]
    built = [
        TaggedText.from_placed(text.plain[cuts[i] : cuts[i + 1]], [(o - cuts[i], c) for o, c in pieces[i]])
        for i in range(len(pieces))
    ]
    return SplitText(tuple(built[1::2]), tuple(built[0::2]))


def _piece(offset: int, code: Code, spans: Sequence[tuple[int, int]]) -> int:
    """Which piece (gap 0, sentence 1, gap 2, …, sentence 2k+1, gap 2k+2) a code at ``offset`` belongs to."""
    for k, (start, end) in enumerate(spans):
        if offset < start:
            return 2 * k
        if offset == start and code.kind is CodeKind.CLOSE:
            return 2 * k  # closes what the gap before opened
        if offset < end or (offset == end and code.kind is CodeKind.CLOSE) or offset == start:
            return 2 * k + 1
        if offset == end:  # an OPEN or PLACEHOLDER after the sentence: the next sentence's if it starts here
            return 2 * k + 3 if k + 1 < len(spans) and spans[k + 1][0] == offset else 2 * k + 2
    return 2 * len(spans)
