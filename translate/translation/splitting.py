"""Split a segment that is too long for the model into pieces that fit.

A Marian model has 512 positions; a longer input would be cut and its end
silently lost.  Instead the segment is split, nearest its middle, at the
strongest boundary it has: a sentence end, then a clause mark (، ؛ : and
their Latin forms), then a space, and as a last resort anywhere; each piece is
translated on its own and the translations are joined with a space.
"""

from __future__ import annotations

import re
from collections.abc import Callable

# A boundary mark counts only when a space follows it (so 1,000 and 3:45 stay whole).
_TIERS = (
    re.compile(r"[.!?؟…](?=\s)"),
    re.compile(r"[،؛;,:](?=\s)"),
    re.compile(r"\s"),
)

SIGNATURE = "split=sentence>clause(، ؛ :)>space>chars, nearest middle"


def split_to_fit(text: str, count_tokens: Callable[[str], int], limit: int) -> list[str]:
    """Pieces of ``text``, each of at most ``limit`` tokens, in order; ``text`` itself if it fits."""
    if count_tokens(text) <= limit or len(text) < 2:
        return [text]
    cut = _cut(text)
    left, right = text[:cut].strip(), text[cut:].strip()
    if not left or not right:  # nothing but spaces on one side: cut the characters
        middle = len(text.strip()) // 2
        left, right = text.strip()[:middle], text.strip()[middle:]
    return split_to_fit(left, count_tokens, limit) + split_to_fit(right, count_tokens, limit)


def _cut(text: str) -> int:
    """Where to cut: after the strongest boundary mark nearest the middle."""
    middle = len(text) / 2
    for tier in _TIERS:
        ends = [m.end() for m in tier.finditer(text) if 0 < m.end() < len(text)]
        if ends:
            return min(ends, key=lambda end: (abs(end - middle), end))
    return len(text) // 2
