"""Split a segment that is too long for the model into pieces that fit.

A Marian model has 512 positions; a longer input would be cut and its end
silently lost.  Instead the segment is split, nearest its middle, at the
strongest boundary it has: a sentence end, then a clause mark (، ؛ : and
their Latin forms), then a space, and as a last resort anywhere; each piece is
translated on its own and the translations are joined with a space.

Splitting at the middle counts the tokens of every half at every level, so on
its own it tokenizes the text once per level: O(n log n) tokenizer work, and
minutes for a 20 MB line.  A text longer than ``BLOCK_CHARS`` is therefore
first cut, left to right, into blocks of at most that many characters (each
ending at the strongest boundary in the second half of its window), and only
the blocks are split at their middles: every character is tokenized a bounded
number of times, so the work is linear in the input.  Texts up to
``BLOCK_CHARS`` (every real sentence) are split exactly as before.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

# A boundary mark counts only when a space follows it (so 1,000 and 3:45 stay whole).
_TIERS = (
    re.compile(r"[.!?؟…](?=\s)"),
    re.compile(r"[،؛;,:](?=\s)"),
    re.compile(r"\s"),
)

BLOCK_CHARS = 8192
"""About four times what fits in 512 tokens of Arabic news text, so a block splits into a few balanced pieces."""

SIGNATURE = "split=sentence>clause(، ؛ :)>space>chars, nearest middle; over 8192 chars first in blocks, left to right"


def split_to_fit(text: str, count_tokens: Callable[[str], int], limit: int) -> list[str]:
    """Pieces of ``text``, each of at most ``limit`` tokens, in order; ``text`` itself if it fits."""
    if len(text) <= BLOCK_CHARS:
        return _split(text, count_tokens, limit)
    return [piece for block in blocks(text, BLOCK_CHARS) for piece in _split(block, count_tokens, limit)]


def blocks(text: str, size: int) -> Iterator[str]:
    """Consecutive stripped blocks of at most ``size`` characters that together hold every non-space character.

    Each cut is the last boundary of the strongest tier found in the second half
    of the window, so a block is never shorter than half the window (unless it is
    the last) and the scan never looks at a character twice.
    """
    start, end = 0, len(text)
    while end - start > size:
        cut = _last_cut(text, start + size // 2, start + size)
        block = text[start:cut].strip()
        if block:
            yield block
        start = cut
    rest = text[start:].strip()
    if rest:
        yield rest


def _last_cut(text: str, low: int, high: int) -> int:
    """After the last mark of the strongest tier in ``text[low:high]``; ``high`` when there is none."""
    for tier in _TIERS:
        ends = [m.end() for m in tier.finditer(text, low, high + 1) if m.end() <= high]
        if ends:
            return ends[-1]
    return high


def _split(text: str, count_tokens: Callable[[str], int], limit: int) -> list[str]:
    if count_tokens(text) <= limit or len(text) < 2:
        return [text]
    cut = _cut(text)
    left, right = text[:cut].strip(), text[cut:].strip()
    if not left or not right:  # nothing but spaces on one side: cut the characters
        middle = len(text.strip()) // 2
        left, right = text.strip()[:middle], text.strip()[middle:]
    return _split(left, count_tokens, limit) + _split(right, count_tokens, limit)


def _cut(text: str) -> int:
    """Where to cut: after the strongest boundary mark nearest the middle."""
    middle = len(text) / 2
    for tier in _TIERS:
        ends = [m.end() for m in tier.finditer(text) if 0 < m.end() < len(text)]
        if ends:
            return min(ends, key=lambda end: (abs(end - middle), end))
    return len(text) // 2
