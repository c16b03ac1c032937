"""The n:m sentence aligner of ``tarjama align``: one cost from four signals.

For a bead of ``a`` Arabic and ``b`` English sentences the similarity is

    s = w_emb · (cos(E_ar, E_en) − hubness) + w_anchor · anchors + w_mt · (chrF(MT, en) − c_mt)

where ``E`` embeds the sentences of each side joined into one text (as
vecalign does for its overlaps), ``hubness`` is the mean cosine of either
side with random sentences of the other (vecalign's normalisation), anchors
are numbers, Latin-script tokens and quotes (:mod:`anchors`), and the MT bridge
is the chrF of our machine translation of the Arabic against the English
(:mod:`bridge`), used where the Arabic side has one and weighted by how well
that MT tells a sentence from its neighbours (``_BeadCost._mt_reliability``).  The bead costs

    (a + b) / 2 · (1 − s) + w_len · δ² / 2 + penalty(a, b)
        + w_gain · max(0, g₀ − gain) + w_support · max(0, σ₀ − support)      (merges only)

with δ the Gale–Church length deviation; a sentence without a counterpart
costs ``skip``.  Per-sentence scaling makes a 2-1 bead comparable with a 1-1
plus a 1-0.  The two merge checks keep a short subheading with no counterpart
from being glued to its neighbour: ``gain`` is what the sentences at either
end add to the cosine, ``support`` the least cosine of any single sentence of
the merge with the other side.  A very short sentence barely moves the
embedding of the text it was joined to, so both checks are waived for a 2-1 or
1-2 merge whose weaker sentence matches the clause at its end of the other side
(up to the first, or after the last, punctuation mark) better than the whole
and above ``clause``.  The weights were tuned on the even-numbered
documents of scripts/bench_align.py and are checked on the odd-numbered ones.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from translate import arabic
from translate.alignment import anchors as anchor_mod
from translate.alignment.bridge import ChrF
from translate.alignment.dp import DPStats, Shape, band_around, banded_dp, full_band
from translate.alignment.embeddings import Embedder
from translate.alignment.length import LETTER_RATIO, LETTER_VARIANCE, visible_length
from translate.model import Bead, Origin

# 3-1 and 1-3 beads were measured and changed no bead of the benchmark (F1 equal to 4
# decimals), while their 3-sentence spans cost a third more embedding time: left out by
# default, available as SentenceAligner(shapes=SHAPES + EXTRA_SHAPES).
SHAPES: tuple[Shape, ...] = ((1, 1), (1, 0), (0, 1), (2, 1), (1, 2), (2, 2))
EXTRA_SHAPES: tuple[Shape, ...] = ((3, 1), (1, 3))


@dataclass(frozen=True, slots=True)
class Weights:
    """Tuned on the even-numbered documents of scripts/bench_align.py (NTREX-128 and FLORES-101).

    The MT bridge weight and the clause threshold were tuned over twelve perturbation draws
    (seeds 20–31) rather than one: MT 0.5 around a chrF of 0.5 (it was 1.0 around 0.4, tuned on
    a single draw); clause 0.3 (0.3 and 0.35 tie, 0.2–0.4 within 0.0003).
    """

    emb: float = 0.75
    anchor: float = 0.05
    length: float = 0.02
    mt: float = 0.5
    mt_center: float = 0.5
    skip: float = 0.45
    gain: float = 2.0
    gain_floor: float = 0.05
    support: float = 1.0
    support_floor: float = 0.1
    clause: float = 0.3
    penalties: tuple[tuple[Shape, float], ...] = (
        ((2, 1), 0.1),
        ((1, 2), 0.0),
        ((2, 2), 0.3),
        ((3, 1), 0.15),
        ((1, 3), 0.2),
    )

    def penalty(self, shape: Shape) -> float:
        return dict(self.penalties).get(shape, 0.0)

    def describe(self) -> str:
        pens = ",".join(f"{a}-{b}:{p:g}" for (a, b), p in self.penalties)
        return (
            f"emb={self.emb:g} anchor={self.anchor:g} length={self.length:g} mt={self.mt:g}@{self.mt_center:g} "
            f"skip={self.skip:g} gain={self.gain:g}@{self.gain_floor:g} support={self.support:g}@{self.support_floor:g} "
            f"clause={self.clause:g} penalties={pens}"
        )


@dataclass(frozen=True, slots=True)
class SearchSettings:
    """Inputs up to ``full_cells`` DP cells get the exact DP; larger ones coarse-to-fine."""

    full_cells: int = 250_000
    margin: int = 8
    coarse_skip: float = 0.45
    coarse_penalty: float = 0.05


def _normalise(x: np.ndarray) -> np.ndarray:
    return x / np.maximum(np.linalg.norm(x, axis=-1, keepdims=True), 1e-12)


@dataclass(slots=True)
class _Side:
    """Everything the cost needs about one side, per span size (index 0 unused)."""

    spans: list[np.ndarray]  # embeddings of joined spans, row k = sentences k..k+size-1
    hub: list[np.ndarray]  # mean cosine of each span with random sentences of the other side
    anchors: list[np.ndarray]  # hashed anchor counts of each span
    anchor_norm: list[np.ndarray]
    cum_len: np.ndarray  # cumulative lengths in characters other than whitespace
    texts: list[str]
    ends: np.ndarray = field(default_factory=lambda: np.zeros((0, 2, 0)))  # first and last clause of each sentence
    has_clauses: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))


@dataclass(frozen=True, slots=True)
class _Features:
    """The raw signals of beads (a, b) ending at (i, js), one value per j, kept apart from their weights:
    the tuning script memoises them (``memo``) and reweights without recomputing. None: the signal does not apply."""

    emb: np.ndarray
    anchor: np.ndarray
    length: np.ndarray
    mt: np.ndarray | None  # the MT bridge, where the Arabic side has MT
    gain: np.ndarray | None  # merges only
    support: np.ndarray | None  # merges only
    clause: np.ndarray | None  # 2-1 and 1-2 merges only


def _span_texts(texts: Sequence[str], size: int) -> list[str]:
    return [" ".join(texts[k : k + size]) for k in range(len(texts) - size + 1)]


@dataclass
class SentenceAligner:
    """Multilingual embeddings + Gale–Church length + anchors (+ MT bridge) in one bead DP."""

    embedder: Embedder | None = None
    weights: Weights = field(default_factory=Weights)
    search: SearchSettings = field(default_factory=SearchSettings)
    shapes: tuple[Shape, ...] = SHAPES
    seed: int = 0

    def __post_init__(self) -> None:
        if self.embedder is None:
            from translate.alignment.embeddings import default_embedder

            self.embedder = default_embedder()

    @property
    def signature(self) -> str:
        shapes = ",".join(f"{a}-{b}" for a, b in self.shapes)
        assert self.embedder is not None  # __post_init__ chose one
        return (
            f"tarjama-aligner embeddings={self.embedder.signature} beads={shapes} {self.weights.describe()} "
            f"lengths=non-space(ratio={LETTER_RATIO:g},variance={LETTER_VARIANCE:g}) untranslated=arabic>{UNTRANSLATED_SHARE:g} merge-score=weakest "
            f"search=full≤{self.search.full_cells} else coarse-to-fine margin={self.search.margin}"
        )

    # --- the API -----------------------------------------------------------------
    def align(
        self,
        source: Sequence[str],
        target: Sequence[str],
        mt: Sequence[str | None] | None = None,
        stats: DPStats | None = None,
    ) -> list[Bead]:
        """Align Arabic sentences with English ones; ``mt[i]`` is a machine translation of source[i], if known."""
        n, m = len(source), len(target)
        if mt is not None and len(mt) != n:
            raise ValueError(f"{len(mt)} machine translations for {n} source sentences")
        if n == 0 or m == 0:
            return [Bead((i,), (), None, Origin.HUMAN) for i in range(n)] + [Bead((), (j,), None, Origin.HUMAN) for j in range(m)]
        cost = _BeadCost(self, list(source), list(target), mt)
        path = self._search(cost, stats)
        beads = []
        i = j = 0
        for a, b in path:
            score = cost.similarity(a, b, i + a, j + b) if a and b else None
            beads.append(Bead(tuple(range(i, i + a)), tuple(range(j, j + b)), score, Origin.HUMAN))
            i, j = i + a, j + b
        return beads

    # --- search ------------------------------------------------------------------
    def _search(self, cost: _BeadCost, stats: DPStats | None) -> list[Shape]:
        n, m = cost.n, cost.m
        if (n + 1) * (m + 1) <= self.search.full_cells:
            return banded_dp(n, m, self.shapes, cost, *full_band(n, m), stats)
        coarse = self._coarse_path(cost.src.spans[1], cost.tgt.spans[1], stats)
        lo, hi = band_around(coarse, 2, n, m, self.search.margin)
        return banded_dp(n, m, self.shapes, cost, lo, hi, stats)

    def _coarse_path(self, src: np.ndarray, tgt: np.ndarray, stats: DPStats | None) -> list[Shape]:
        """Align the two sides with neighbours averaged in pairs (recursively), embeddings only."""
        src2, tgt2 = _halve(src), _halve(tgt)
        n, m = len(src2), len(tgt2)
        cost = _CoarseCost(src2, tgt2, self.search.coarse_skip, self.search.coarse_penalty)
        shapes = ((1, 1), (1, 0), (0, 1), (2, 1), (1, 2))
        if (n + 1) * (m + 1) <= self.search.full_cells:
            return banded_dp(n, m, shapes, cost, *full_band(n, m), stats)
        coarser = self._coarse_path(src2, tgt2, stats)
        lo, hi = band_around(coarser, 2, n, m, self.search.margin)
        return banded_dp(n, m, shapes, cost, lo, hi, stats)


# a clause ends at sentence or clause punctuation followed by a space
_CLAUSE_END = re.compile(r"(?<=[.!?؟…;؛:,،])\s+")


def _end_clauses(text: str) -> tuple[str, str] | None:
    """The text up to its first clause boundary and after its last one; None for a single clause."""
    parts = [p for p in _CLAUSE_END.split(text.strip()) if p]
    return (parts[0], parts[-1]) if len(parts) > 1 else None


# A "translation" sentence whose letters are mostly Arabic was left untranslated (or is a caption in
# the source language): pairing it with its Arabic original would put an Arabic→Arabic unit in the
# TM, which a CAT tool offers as a 100% match.  The multilingual embedding sees the two as identical,
# so the script is what tells them apart.
UNTRANSLATED_SHARE = 0.5


def _untranslated(texts: Sequence[str]) -> np.ndarray:
    """Per target sentence: 1 where most of its letters are Arabic, else 0."""
    out = np.zeros(len(texts))
    for k, text in enumerate(texts):
        letters = sum(ch.isalpha() for ch in text)
        share = len(arabic.LETTER.findall(text)) / letters if letters else 0.0
        out[k] = share > UNTRANSLATED_SHARE
    return out


def _halve(vectors: np.ndarray) -> np.ndarray:
    n = len(vectors)
    pairs = vectors[: n - n % 2].reshape(n // 2, 2, -1).sum(axis=1)
    if n % 2:
        pairs = np.vstack([pairs, vectors[-1:]])
    return _normalise(pairs)


# chrF gap between an MT sentence's best English match and its average one:
# below NOISE the MT is of no use as a bridge, from TRUSTED on it gets its full weight.
MT_GAP_NOISE = 0.04
MT_GAP_TRUSTED = 0.10

# Below this hubness-corrected cosine lie 1 in 900 true beads of the FLORES benchmark
# (the 0.5th percentile is 0.37) and most unrelated pairs: the MT bridge is not
# computed there (chrF counts as 0), which keeps it affordable on long documents.
BRIDGE_MIN_EMB = 0.05

# Mean cosine of a USE sentence with unrelated ones (NTREX, off the diagonal): the
# hubness of a sentence when the document is too short to sample unrelated ones.
BACKGROUND_COSINE = 0.05
MIN_SAMPLE = 24


def _hubness(spans: np.ndarray, sample: np.ndarray) -> np.ndarray:
    """Mean cosine with sentences of the other side, leaving out the 3 nearest (likely its translation)."""
    if len(sample) < MIN_SAMPLE or not len(spans):
        return np.full(len(spans), BACKGROUND_COSINE)
    sims = np.sort(spans @ sample.T, axis=1)[:, :-3]
    return sims.mean(axis=1)


class _CoarseCost:
    def __init__(self, src: np.ndarray, tgt: np.ndarray, skip: float, penalty: float) -> None:
        self.src_cum = np.vstack([np.zeros((1, src.shape[1])), np.cumsum(src, axis=0)])
        self.tgt_cum = np.vstack([np.zeros((1, tgt.shape[1])), np.cumsum(tgt, axis=0)])
        self.skip = skip
        self.penalty = penalty

    def __call__(self, a: int, b: int, i: int, js: np.ndarray) -> np.ndarray:
        if not a or not b:
            return np.full(len(js), self.skip * (a + b))
        s = _normalise(self.src_cum[i] - self.src_cum[i - a])
        t = _normalise(self.tgt_cum[js] - self.tgt_cum[js - b])
        pen = 0.0 if a == b == 1 else self.penalty
        return (a + b) / 2 * (1 - t @ s) + pen


class _BeadCost:
    """The cost of every bead the DP asks about, computed in bulk per row."""

    def __init__(self, aligner: SentenceAligner, source: list[str], target: list[str], mt: Sequence[str | None] | None) -> None:
        self.w = aligner.weights
        self.n, self.m = len(source), len(target)
        max_a = max(a for a, _ in aligner.shapes)
        max_b = max(b for _, b in aligner.shapes)
        embedder = aligner.embedder
        assert embedder is not None
        src_texts = [t for size in range(1, max_a + 1) for t in _span_texts(source, size)]
        tgt_texts = [t for size in range(1, max_b + 1) for t in _span_texts(target, size)]
        # the first and the last clause of every sentence: what the short sentence of a merge
        # on the other side matches ("It Is Very Bad." in "إنه أمر مؤسف جدًا. قال …")
        ends = _end_clauses if aligner.weights.clause else (lambda _: None)
        src_clauses, tgt_clauses = [ends(t) for t in source], [ends(t) for t in target]
        clause_texts = [c for pair in src_clauses + tgt_clauses if pair for c in pair]
        vectors = embedder.embed(src_texts + tgt_texts + clause_texts)
        src_vecs, tgt_vecs = vectors[: len(src_texts)], vectors[len(src_texts) : len(src_texts) + len(tgt_texts)]
        clause_vecs = iter(vectors[len(src_texts) + len(tgt_texts) :])
        src_anchor_words, tgt_anchor_words = anchor_mod.sentence_anchors(source, target)
        rng = np.random.default_rng(aligner.seed)
        self.src = self._side(source, src_vecs, max_a, anchor_mod.hashed(src_anchor_words))
        self.tgt = self._side(target, tgt_vecs, max_b, anchor_mod.hashed(tgt_anchor_words))
        for side, clauses in ((self.src, src_clauses), (self.tgt, tgt_clauses)):
            # sentences with a single clause keep their own vector at both ends
            side.has_clauses = np.array([bool(pair) for pair in clauses])
            side.ends = np.stack([
                np.stack([next(clause_vecs), next(clause_vecs)]) if pair else np.stack([own, own])
                for pair, own in zip(clauses, side.spans[1])
            ])
        sample_src = self.src.spans[1][rng.choice(self.n, min(self.n, 64), replace=False)]
        sample_tgt = self.tgt.spans[1][rng.choice(self.m, min(self.m, 64), replace=False)]
        self.src.hub = [np.zeros(0)] + [_hubness(e, sample_tgt) for e in self.src.spans[1:]]
        self.tgt.hub = [np.zeros(0)] + [_hubness(e, sample_src) for e in self.tgt.spans[1:]]
        # cumulative count of target sentences left in Arabic: no bead may hold one
        self.untranslated = np.concatenate([[0.0], np.cumsum(_untranslated(target))])
        self.mt = list(mt) if mt is not None else None
        self.chrf = ChrF() if self.mt is not None and self.w.mt else None
        self._mt_span: dict[tuple[int, int], str | None] = {}
        self.mt_reliability = self._mt_reliability() if self.chrf is not None else 0.0
        self.memo: dict[tuple[int, int, int, int, int], _Features] | None = None  # features per (a, b, i, band): the tuning script reuses them

    @staticmethod
    def _side(texts: list[str], vecs: np.ndarray, max_size: int, anchors: np.ndarray) -> _Side:
        spans: list[np.ndarray] = [np.zeros((0, 0))]
        anchor_spans: list[np.ndarray] = [np.zeros((0, 0))]
        anchor_cum = np.vstack([np.zeros((1, anchors.shape[1]), dtype=np.float32), np.cumsum(anchors, axis=0)])
        offset = 0
        for size in range(1, max_size + 1):
            count = max(len(texts) - size + 1, 0)
            spans.append(vecs[offset : offset + count])
            offset += count
            anchor_spans.append(anchor_cum[size : size + count] - anchor_cum[:count])
        lengths = np.array([visible_length(t) for t in texts], dtype=np.float64)  # lost spaces change no length
        return _Side(
            spans=spans,
            hub=[],
            anchors=anchor_spans,
            anchor_norm=[np.linalg.norm(a, axis=1) if a.size else np.zeros(0) for a in anchor_spans],
            cum_len=np.concatenate([[0.0], np.cumsum(lengths)]),
            texts=texts,
        )

    def _mt_reliability(self) -> float:
        """How far the MT tells an English sentence from its neighbours, 0 (not at all) to 1.

        A machine translation of the right document scores a much higher chrF
        against its own English sentence than against the others nearby
        (median gap 0.28 on FLORES, 5th percentile 0.10); the MT of another
        document, or of a broken model, does not (95th percentile 0.04).  The
        bridge is weighted by this, so bad MT cannot pull the alignment apart.
        """
        assert self.chrf is not None and self.mt is not None
        if self.m < 3:
            return 1.0
        picks = np.unique(np.linspace(0, self.n - 1, min(self.n, 64)).round().astype(int))
        gaps = []
        for i in picks:
            hyp = self.mt[i]
            if hyp is None:
                continue
            centre = round(i * self.m / self.n)
            window = self.tgt.texts[max(0, centre - 32) : centre + 33]
            scores = [self.chrf.score(hyp, ref) / 100 for ref in window]
            gaps.append(max(scores) - sum(scores) / len(scores))
        if not gaps:
            return 0.0
        return float(np.clip((np.mean(gaps) - MT_GAP_NOISE) / (MT_GAP_TRUSTED - MT_GAP_NOISE), 0.0, 1.0))

    def _mt_text(self, start: int, size: int) -> str | None:
        key = (start, size)
        if key not in self._mt_span:
            assert self.mt is not None
            parts = self.mt[start : start + size]
            self._mt_span[key] = None if any(p is None for p in parts) else " ".join(p for p in parts if p is not None)
        return self._mt_span[key]

    def features(self, a: int, b: int, i: int, js: np.ndarray) -> _Features:
        """The raw signals of the beads (a, b) ending at (i, js), before weighting."""
        if self.memo is not None:
            key = (a, b, i, int(js[0]), len(js))
            got = self.memo.get(key)
            if got is not None:
                return got
        k, ts = i - a, js - b
        src, tgt = self.src, self.tgt
        cos = tgt.spans[b][ts] @ src.spans[a][k]
        emb = cos - 0.5 * (src.hub[a][k] + tgt.hub[b][ts])
        emb = np.where(self.untranslated[js] > self.untranslated[ts], -1.0, emb)
        # anchors: +0.5 when both sides carry the same ones, −0.5 when they carry different ones
        na = src.anchor_norm[a][k]
        nb = tgt.anchor_norm[b][ts]
        both = (nb > 0) & (na > 0)
        dot = tgt.anchors[b][ts] @ src.anchors[a][k]
        anchor = np.where(both, dot / np.maximum(na * nb, 1e-9) - 0.5, 0.0)
        mt: np.ndarray | None = None
        if self.chrf is not None:
            hyp = self._mt_text(k, a)
            if hyp is not None:
                # chrF costs ~40 µs a pair: only for candidates the embeddings do not already rule out
                refs = tgt.texts
                bridge = np.zeros(len(ts))
                for index in np.nonzero(emb > BRIDGE_MIN_EMB)[0]:
                    t = ts[index]
                    bridge[index] = self.chrf.score(hyp, " ".join(refs[t : t + b])) / 100
                mt = bridge
        ls = src.cum_len[i] - src.cum_len[k]
        lt = tgt.cum_len[js] - tgt.cum_len[ts]
        mean = np.maximum((ls + lt / LETTER_RATIO) / 2, 1.0)
        delta = (lt - ls * LETTER_RATIO) / np.sqrt(mean * LETTER_VARIANCE)
        length = np.minimum(delta * delta / 2, 50.0)
        gain: np.ndarray | None = None
        support: np.ndarray | None = None
        clause: np.ndarray | None = None
        if a > 1 or b > 1:
            # what the sentences at either end of a merge add to the cosine: about nothing for a
            # subheading glued to its neighbour, a lot for two sentences a translator joined
            best = np.full(len(js), -np.inf)
            if a > 1:
                for start in (k, k + 1):
                    best = np.maximum(best, tgt.spans[b][ts] @ src.spans[a - 1][start])
            if b > 1:
                for starts in (ts, ts + 1):
                    best = np.maximum(best, tgt.spans[b - 1][starts] @ src.spans[a][k])
            gain = cos - best
            # every sentence of a merge must itself resemble the other side: a subheading does not
            support = np.full(len(js), np.inf)
            if a > 1:
                for member in range(k, i):
                    support = np.minimum(support, tgt.spans[b][ts] @ src.spans[1][member] - src.hub[1][member])
            if b > 1:
                for offset in range(b):
                    support = np.minimum(support, tgt.spans[1][ts + offset] @ src.spans[a][k] - tgt.hub[1][ts + offset])
            if (a, b) in ((2, 1), (1, 2)):
                clause = self._clause_match(a, b, k, ts)
        out = _Features(emb=emb, anchor=anchor, length=length, mt=mt, gain=gain, support=support, clause=clause)
        if self.memo is not None:
            self.memo[key] = out
        return out

    def _clause_match(self, a: int, b: int, k: int, ts: np.ndarray) -> np.ndarray:
        """How well the weaker sentence of a 2-1 or 1-2 merge matches the clause at its end of the
        other side (−inf where that side has one clause, or where the clause is no better a match
        than the whole): the evidence a merge check cannot see when a short sentence is drowned
        in the joined text's embedding."""
        src, tgt = self.src, self.tgt
        if a == 2:  # Arabic k, k+1 against English ts: first with the English's first clause, second with its last
            whole = [tgt.spans[1][ts] @ src.spans[1][k + o] - src.hub[1][k + o] for o in (0, 1)]
            part = [tgt.ends[ts, o] @ src.spans[1][k + o] - src.hub[1][k + o] for o in (0, 1)]
            split = tgt.has_clauses[ts]
        else:
            whole = [tgt.spans[1][ts + o] @ src.spans[1][k] - tgt.hub[1][ts + o] for o in (0, 1)]
            part = [tgt.spans[1][ts + o] @ src.ends[k, o] - tgt.hub[1][ts + o] for o in (0, 1)]
            split = np.full(len(ts), bool(src.has_clauses[k]))
        second = whole[1] < whole[0]  # the weaker one
        match = np.where(second, part[1], part[0])
        return np.where(split & (match > np.where(second, whole[1], whole[0])), match, -np.inf)

    def _combine(self, f: _Features) -> np.ndarray:
        w = self.w
        s = w.emb * f.emb + w.anchor * f.anchor
        if f.mt is not None and w.mt and self.mt_reliability:
            s = s + w.mt * self.mt_reliability * (f.mt - w.mt_center)
        return s

    def similarity(self, a: int, b: int, i: int, j: int) -> float:
        """The combined similarity s of the bead (a, b) ending at (i, j), clipped to [0, 1]: the bead's score.

        A merge scores as its weakest sentence: the similarity with the embedding term of the sentence
        that least resembles the other side (``support``; or its clause, where the clause evidence
        waived the checks).  A caption or boilerplate line glued to a sentence barely moves the joined
        embedding, so the whole would score as a clean pair; the weakest sentence does not, and
        ``--min-score`` can leave the pair out of the TM.
        """
        f = self.features(a, b, i, np.array([j]))
        s = float(self._combine(f)[0])
        if f.support is not None:
            weakest = float(f.support[0])
            if f.clause is not None and self.w.clause and float(f.clause[0]) > self.w.clause:
                weakest = max(weakest, float(f.clause[0]))
            s = min(s, s + self.w.emb * (weakest - float(f.emb[0])))
        return round(min(max(s, 0.0), 1.0), 4)

    def __call__(self, a: int, b: int, i: int, js: np.ndarray) -> np.ndarray:
        w = self.w
        if not a or not b:
            return np.full(len(js), w.skip * (a + b))
        f = self.features(a, b, i, js)
        cost = (a + b) / 2 * (1 - self._combine(f)) + w.penalty((a, b)) + w.length * f.length
        # a merge whose weaker sentence clearly matches its clause of the other side passes both checks
        checked = 1.0 if f.clause is None or not w.clause else (f.clause <= w.clause)
        if f.gain is not None and w.gain:
            cost = cost + w.gain * np.maximum(w.gain_floor - f.gain, 0.0) * checked
        if f.support is not None and w.support:
            cost = cost + w.support * np.maximum(w.support_floor - f.support, 0.0) * checked
        return cost
