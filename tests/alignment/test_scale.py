"""The coarse-to-fine search fills a number of DP cells linear in the input (no timing)."""

from __future__ import annotations

import random

import numpy as np

from translate.alignment.aligner import SearchSettings, SentenceAligner, Weights
from translate.alignment.dp import DPStats


class SeededEmbedder:
    """Vectors drawn from a seeded generator per sentence id: sentence ``s17`` and its
    translation ``t17`` get nearby vectors, a joined span the normalised sum.  The DP and
    its band see what a model's vectors would give them, without the model's cost."""

    signature = "seeded-test-vectors"

    def __init__(self, dim: int = 64) -> None:
        self.dim = dim

    def _one(self, token: str) -> np.ndarray:
        side, number = token[0], int(token[1:])
        base = np.random.default_rng(number).standard_normal(self.dim)
        noise = np.random.default_rng(number + (10**7 if side == "t" else 2 * 10**7)).standard_normal(self.dim)
        return base + 0.5 * noise

    def embed(self, texts):
        out = np.array([sum(self._one(tok) for tok in text.split()) for text in texts], dtype=np.float32)
        return out / np.linalg.norm(out, axis=1, keepdims=True)


def perturbed(n: int, seed: int):
    rng = random.Random(seed)
    src, tgt, gold = [], [], []
    k = 0
    while k < n:
        r = rng.random()
        if r < 0.03:
            gold.append(((len(src),), ()))
            src.append(f"s{k}")
            k += 1
        elif r < 0.11 and k + 1 < n:
            gold.append(((len(src), len(src) + 1), (len(tgt),)))
            src += [f"s{k}", f"s{k + 1}"]
            tgt.append(f"t{k} t{k + 1}")
            k += 2
        else:
            gold.append(((len(src),), (len(tgt),)))
            src.append(f"s{k}")
            tgt.append(f"t{k}")
            k += 1
    return src, tgt, gold


def test_cells_grow_linearly_and_the_alignment_stays_right():
    aligner = SentenceAligner(SeededEmbedder(), Weights(anchor=0, length=0, mt=0), SearchSettings(full_cells=5_000))
    per_sentence = []
    for n in (500, 1000, 2000):
        src, tgt, gold = perturbed(n, seed=n)
        stats = DPStats()
        beads = aligner.align(src, tgt, stats=stats)
        assert len(stats.levels) >= 3  # coarse levels, then the band
        found = {(b.source, b.target) for b in beads}
        assert len(found & set(gold)) >= 0.97 * len(gold)  # the misses are drops beside merges in these vectors
        per_sentence.append(stats.cells / n)
        if n == 500:  # the band found what the full DP finds
            exact = SentenceAligner(aligner.embedder, aligner.weights, SearchSettings(full_cells=10**7))
            assert beads == exact.align(src, tgt)
    # quadratic growth would multiply cells per sentence by 4 from 500 to 2000
    assert max(per_sentence) / min(per_sentence) < 1.3, per_sentence
    assert per_sentence[-1] < 0.05 * 2000 * len(aligner.shapes)
