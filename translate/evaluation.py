"""Corpus-level BLEU and chrF with sacrebleu, reported with their signatures so scores are comparable."""

from __future__ import annotations

from dataclasses import dataclass

from translate.errors import TarjamaError


@dataclass(frozen=True, slots=True)
class Score:
    metric: str
    score: float
    signature: str

    def __str__(self) -> str:
        return f"{self.metric} = {self.score:.2f}  ({self.signature})"


def evaluate(hypotheses: list[str], references: list[str]) -> list[Score]:
    if len(hypotheses) != len(references):
        raise TarjamaError(f"the hypothesis has {len(hypotheses)} lines but the reference has {len(references)}; they must be line-aligned")
    from sacrebleu.metrics import BLEU, CHRF

    scores = []
    for metric in (BLEU(), CHRF()):
        result = metric.corpus_score(hypotheses, [references])
        scores.append(Score(result.name, round(result.score, 2), str(metric.get_signature())))
    return scores
