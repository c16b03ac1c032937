"""Length-based sentence alignment (Gale & Church 1993), Arabic→English calibrated.

A first aligner for ``tarjama align``: a dynamic program over 1-1, 1-0, 0-1,
2-1, 1-2 and 2-2 beads whose cost is the improbability of the character-length
ratio.  The constants were fitted on the real pairs in ../shared/data (NTREX,
FLORES-200 and TICO-19: 4,468 pairs), not taken from the English–German paper.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from translate.model import Bead, Document, Origin

# English characters per Arabic character, and the variance of the difference
# per Arabic character, measured on 4,468 real Arabic–English pairs.
RATIO = 1.098
VARIANCE = 3.50

# The same, over characters that are not whitespace (4,468 pairs; the fit above gives 1.098 and
# 3.54 with this method).  Scraped Arabic often loses the spaces between words ("هوحر"), by 10–20 %
# of its length where it does; its letters stay, so the n:m aligner measures these.
LETTER_RATIO = 1.103
LETTER_VARIANCE = 3.08


def visible_length(text: str) -> int:
    """Characters that are not whitespace: what a lost space does not change."""
    return sum(not ch.isspace() for ch in text)


# Prior probability of each bead shape (Gale & Church's, with 2-2 kept small).
PRIORS: dict[tuple[int, int], float] = {
    (1, 1): 0.89,
    (1, 0): 0.0099 / 2,
    (0, 1): 0.0099 / 2,
    (2, 1): 0.089 / 2,
    (1, 2): 0.089 / 2,
    (2, 2): 0.011,
}


@dataclass(frozen=True, slots=True)
class GaleChurchAligner:
    ratio: float = RATIO
    variance: float = VARIANCE

    @property
    def signature(self) -> str:
        shapes = ",".join(f"{a}-{b}" for a, b in PRIORS)
        return f"gale-church ratio={self.ratio:g} variance={self.variance:g} beads={shapes}"

    def align(self, source: Sequence[str], target: Sequence[str]) -> list[Bead]:
        """Align two lists of sentences; returns beads of indices with a length-agreement score."""
        n, m = len(source), len(target)
        src_len = [len(s) for s in source]
        tgt_len = [len(t) for t in target]
        inf = math.inf
        cost = [[inf] * (m + 1) for _ in range(n + 1)]
        back: list[list[tuple[int, int] | None]] = [[None] * (m + 1) for _ in range(n + 1)]
        cost[0][0] = 0.0
        penalties = {shape: -math.log(p) for shape, p in PRIORS.items()}
        for i in range(n + 1):
            for j in range(m + 1):
                here = cost[i][j]
                if here == inf:
                    continue
                for (a, b), penalty in penalties.items():
                    ni, nj = i + a, j + b
                    if ni > n or nj > m:
                        continue
                    c = here + penalty + self._length_cost(sum(src_len[i:ni]), sum(tgt_len[j:nj]), a, b)
                    if c < cost[ni][nj]:
                        cost[ni][nj] = c
                        back[ni][nj] = (a, b)
        beads: list[Bead] = []
        i, j = n, m
        while i or j:
            step = back[i][j]
            assert step is not None
            a, b = step
            src = tuple(range(i - a, i))
            tgt = tuple(range(j - b, j))
            score = self._agreement(sum(src_len[i - a : i]), sum(tgt_len[j - b : j])) if a and b else None
            beads.append(Bead(src, tgt, score, Origin.HUMAN))
            i, j = i - a, j - b
        beads.reverse()
        return beads

    def _delta(self, len_src: int, len_tgt: int) -> float:
        mean = (len_src + len_tgt / self.ratio) / 2
        return (len_tgt - len_src * self.ratio) / math.sqrt(max(mean, 1.0) * self.variance)

    def _agreement(self, len_src: int, len_tgt: int) -> float:
        """Two-sided probability of a length difference at least this large: 1.0 is a perfect fit."""
        return math.erfc(abs(self._delta(len_src, len_tgt)) / math.sqrt(2))

    def _length_cost(self, len_src: int, len_tgt: int, a: int, b: int) -> float:
        if not a or not b:
            return 0.0
        return -math.log(max(self._agreement(len_src, len_tgt), 1e-300))


def align_documents(source: Document, target: Document, aligner: GaleChurchAligner | None = None) -> tuple[Bead, ...]:
    aligner = aligner or GaleChurchAligner()
    return tuple(aligner.align([s.text for s in source.segments], [t.text for t in target.segments]))
