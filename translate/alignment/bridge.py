"""The MT bridge (as in Bleualign): compare a machine translation of the Arabic with the English.

The similarity is sacrebleu's sentence-level chrF (character 6-grams, β = 2,
whitespace ignored), computed from n-gram counts that are extracted once per
span with sacrebleu's own extractor and reused for every candidate pairing;
tests check it equals ``sacrebleu.CHRF().sentence_score``.
"""

from __future__ import annotations

from collections import Counter

from sacrebleu.metrics.helpers import extract_all_char_ngrams

CHAR_ORDER = 6
BETA = 2


class ChrF:
    """chrF with a cache of n-gram counts per text."""

    def __init__(self) -> None:
        self._ngrams: dict[str, tuple[list[Counter], list[int]]] = {}

    def _stats(self, text: str) -> tuple[list[Counter], list[int]]:
        got = self._ngrams.get(text)
        if got is None:
            grams = extract_all_char_ngrams(text, CHAR_ORDER, False)
            got = (grams, [sum(g.values()) for g in grams])
            self._ngrams[text] = got
        return got

    def score(self, hypothesis: str, reference: str) -> float:
        """sacrebleu's chrF of one pair, on a 0-100 scale."""
        hyp, hyp_n = self._stats(hypothesis)
        ref, ref_n = self._stats(reference)
        factor = BETA**2
        avg_prec = avg_rec = 0.0
        effective = 0
        for order in range(CHAR_ORDER):
            if hyp_n[order] > 0 and ref_n[order] > 0:
                h, r = hyp[order], ref[order]
                if len(h) > len(r):
                    h, r = r, h
                match = sum(min(c, r[g]) for g, c in h.items() if g in r)
                avg_prec += match / hyp_n[order]
                avg_rec += match / ref_n[order]
                effective += 1
        if not effective:
            return 0.0
        avg_prec /= effective
        avg_rec /= effective
        if avg_prec + avg_rec == 0:
            return 0.0
        return 100 * (1 + factor) * avg_prec * avg_rec / (factor * avg_prec + avg_rec)
