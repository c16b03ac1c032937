"""Inline codes put back on the English words: a translated sentence gets its source sentence's codes.

The memory and the decoder see plain sentences (:mod:`.units`), so the codes
are placed afterwards, sentence by sentence, by projecting each code's
position through a monotone word correspondence of source and translation:

* **anchors**: words that are the same on both sides, so their counterpart is
  certain: numbers (Arabic-Indic digits read as ASCII ones), words in Latin
  script (names, acronyms, URLs left as they were), brackets and curly or
  angle quotes, each occurring once on each side; a consistent
  (order-preserving) subset of them is kept;
* **proportion** between anchors (and the sentence's edges): a code after
  the k-th of n source words goes after the corresponding share of the
  target's words, snapped to a word boundary.

Two rules come first: a code at the sentence's start stays at the start and
one at its end stays at its end (a heading wholly bold, a link that is the
whole sentence), and a span over words stays over at least one word.  Every
code is placed exactly once: none is ever dropped or doubled, whatever the
translation (even an empty one).  The measured accuracy is in
docs/formatted.md (``scripts/measure_placement.py``).

Why not the model: the decoder could be asked to copy placeholder tokens,
or its attention read as an alignment, but the memory's human translations
have neither, the Marian models garble tokens they never saw, and one
method for every target keeps a memory hit formatted as a fresh translation.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections import Counter
from collections.abc import Sequence

from translate.formatted.tagged import Code, CodeKind, TaggedText
from translate.formatted.units import SegmentedUnits
from translate.model import Alignment

__all__ = ["PLACEMENT_SIGNATURE", "place_codes", "placed_targets"]

PLACEMENT_SIGNATURE = "codes projected through anchors (numbers, Latin words, brackets, quotes) and word proportion"

_WORD = re.compile(r"\w+(?:[.,:/'’\-]\w+)*|[()«»“”]", re.UNICODE)
_ARABIC_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_LATIN = re.compile(r"[A-Za-z0-9]")
_BRACKETS = {"(": "(", ")": ")", "«": "open-quote", "»": "close-quote", "“": "open-quote", "”": "close-quote"}


def place_codes(source: TaggedText, target: str, *, anchors: bool = True) -> TaggedText:
    """``target`` with ``source``'s codes on the words that correspond to the ones they were on (one sentence).

    ``anchors=False`` uses proportion alone (what the measurement compares with).
    """
    if not source.codes:
        return TaggedText.of(target)
    src_words = [m.span() for m in _WORD.finditer(source.plain)]
    tgt_words = [m.span() for m in _WORD.finditer(target)]
    points = _points(source.plain, target, src_words, tgt_words, anchors)
    placed = list(source.placed())
    boundaries = [_source_boundary(offset, code, src_words) for offset, code in placed]
    mapped = [_project(k, points) for k in boundaries]
    # a span over words keeps at least one word; an empty one stays empty
    opened: dict[int, int] = {}
    for index, (_, code) in enumerate(placed):
        if code.kind is CodeKind.OPEN:
            opened[code.id] = index
        elif code.kind is CodeKind.CLOSE and code.id in opened:
            start = opened[code.id]
            if boundaries[index] > boundaries[start] and mapped[index] <= mapped[start] and tgt_words:
                if mapped[start] < len(tgt_words):
                    mapped[index] = mapped[start] + 1
                else:
                    mapped[start] = mapped[index] - 1
    length = len(source.plain)
    result: list[tuple[int, Code]] = []
    for (offset, code), j in zip(placed, mapped):
        if offset == 0:
            result.append((0, code))
        elif offset == length:
            result.append((len(target), code))
        else:
            result.append((_target_offset(j, code, tgt_words, len(target)), code))
    return TaggedText.from_placed(target, _in_order(result))


def _source_boundary(offset: int, code: Code, words: Sequence[tuple[int, int]]) -> int:
    """How many source words lie before the code: for a CLOSE, those ending by it; else those starting before it."""
    if code.kind is CodeKind.CLOSE:
        return sum(1 for _, end in words if end <= offset)
    return sum(1 for start, _ in words if start < offset)


def _target_offset(j: int, code: Code, words: Sequence[tuple[int, int]], length: int) -> int:
    """Boundary ``j`` (after the j-th target word) as a character offset: a CLOSE ends a word, others start one."""
    if not words:
        return 0 if code.kind is not CodeKind.CLOSE else length
    if code.kind is CodeKind.CLOSE:
        return words[j - 1][1] if j > 0 else words[0][0]
    return words[j][0] if j < len(words) else words[-1][1]


def _in_order(placed: list[tuple[int, Code]]) -> list[tuple[int, Code]]:
    """No CLOSE before its OPEN: a projection may cross them, and then the CLOSE moves to its OPEN."""
    where = {code.id: offset for offset, code in placed if code.kind is CodeKind.OPEN}
    return [(max(offset, where.get(code.id, offset)) if code.kind is CodeKind.CLOSE else offset, code) for offset, code in placed]


def _key(word: str) -> str | None:
    """What makes a word an anchor: digits or Latin letters, compared case-blind; None for an ordinary word."""
    if word in _BRACKETS:
        return _BRACKETS[word]
    normal = word.translate(_ARABIC_DIGITS)
    return normal.lower() if _LATIN.search(normal) else None


def _points(source: str, target: str, src_words: Sequence[tuple[int, int]], tgt_words: Sequence[tuple[int, int]], anchors: bool) -> list[tuple[int, int]]:
    """Fixed points (source boundary, target boundary) of a monotone map: the edges, and each anchor's two sides."""
    n, m = len(src_words), len(tgt_words)
    points = [(0, 0)]
    if anchors:
        src_keys = [_key(source[s:e]) for s, e in src_words]
        tgt_keys = [_key(target[s:e]) for s, e in tgt_words]
        src_count, tgt_count = Counter(k for k in src_keys if k), Counter(k for k in tgt_keys if k)
        pairs = [
            (i, tgt_keys.index(key))
            for i, key in enumerate(src_keys)
            if key and src_count[key] == 1 and tgt_count[key] == 1
        ]
        for i, j in _increasing(pairs):
            points.extend(((i, j), (i + 1, j + 1)))
    points.append((n, m))
    return points


def _increasing(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The longest subsequence of pairs increasing on both sides (anchors that contradict each other's order are dropped)."""
    tails: list[int] = []
    tail_index: list[int] = []
    previous: list[int] = [-1] * len(pairs)
    for index, (_, j) in enumerate(pairs):
        at = bisect.bisect_left(tails, j)
        if at == len(tails):
            tails.append(j)
            tail_index.append(index)
        else:
            tails[at] = j
            tail_index[at] = index
        previous[index] = tail_index[at - 1] if at else -1
    chain: list[tuple[int, int]] = []
    index = tail_index[-1] if tail_index else -1
    while index >= 0:
        chain.append(pairs[index])
        index = previous[index]
    return chain[::-1]


def _project(k: int, points: Sequence[tuple[int, int]]) -> int:
    """Source boundary ``k`` through the piecewise-linear map of ``points`` (sorted on both sides), rounded."""
    for (k0, j0), (k1, j1) in itertools.pairwise(points):
        if k0 <= k <= k1:
            if k == k0:
                return j0
            if k == k1:
                return j1
            return round(j0 + (k - k0) * (j1 - j0) / (k1 - k0))
    return points[-1][1]


def placed_targets(segmented: SegmentedUnits, alignment: Alignment) -> dict[int, TaggedText]:
    """Each source segment's target with its codes placed: segment id -> TaggedText, what :meth:`SegmentedUnits.targets` takes.

    ``alignment`` is the translation of ``segmented.document`` (the pipeline's
    output).  A bead of several source segments gets all their codes on its
    one target, given to the first of them (the others get empty targets), so
    a code is never lost even where sentences were merged.
    """
    sources: dict[int, TaggedText] = {}
    for unit, split in enumerate(segmented.splits):
        for seg_id, sentence in zip(segmented.segment_ids(unit), split.segments):
            sources[seg_id] = sentence
    targets: dict[int, TaggedText] = {}
    for bead in alignment.beads:
        if not bead.source:
            continue
        joined = TaggedText(tuple(part for i, seg in enumerate(bead.source) for part in ((" ",) if i else ()) + sources[seg].parts))
        targets[bead.source[0]] = place_codes(joined, alignment.target_text(bead))
        for seg in bead.source[1:]:
            targets[seg] = TaggedText(())
    return targets
