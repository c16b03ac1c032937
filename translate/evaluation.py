"""Corpus-level BLEU and chrF with sacrebleu, reported with their signatures so scores are comparable."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from translate.errors import TarjamaError
from translate.wording import counted

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Score:
    metric: str
    score: float
    signature: str

    def __str__(self) -> str:
        return f"{self.metric} = {self.score:.2f}  ({self.signature})"


def evaluate(hypotheses: list[str], references: list[str]) -> list[Score]:
    if len(hypotheses) != len(references):
        raise TarjamaError(f"the hypothesis has {counted(len(hypotheses), 'line')} but the reference has {len(references)}; they must be line-aligned")
    from sacrebleu.metrics import BLEU, CHRF

    scores = []
    for metric in (BLEU(), CHRF()):
        result = metric.corpus_score(hypotheses, [references])
        scores.append(Score(result.name, round(result.score, 2), str(metric.get_signature())))
    return scores


def read_pair(hypothesis: str, reference: str) -> tuple[list[str], list[str]]:
    """The two files of ``tarjama evaluate``, read and paired by :func:`paired`."""
    from translate.inputs import read_lines
    from translate.textio import STDIN

    if hypothesis == STDIN and reference == STDIN:
        raise TarjamaError("stdin (-) can be read only once")
    return paired(read_lines(hypothesis, "evaluate"), read_lines(reference, "evaluate"), (hypothesis, reference))


def paired(hypothesis: Sequence[str], reference: Sequence[str], names: tuple[str, str] = ("the hypothesis", "the reference")) -> tuple[list[str], list[str]]:
    """Pair the lines of a translation with those of its reference, blank lines being paragraph breaks.

    tarjama's own draft (``NAME.en.txt``) holds a paragraph a line with a blank
    line between paragraphs, while a reference usually holds a sentence a line;
    an article of one sentence a line (NTREX, FLORES) is translated into a draft
    of one paragraph per line, so the two pair once the blank lines are left
    out.  In order: files of as many lines pair line with line (blank lines
    included, as before); files of as many non-blank lines pair non-blank line
    with non-blank line; files of as many paragraphs (runs of non-blank lines
    between blank ones, more than one) pair paragraph with paragraph, each
    paragraph's lines joined by a space.  Anything else is refused: scores of
    misaligned lines would be meaningless.
    """
    if len(hypothesis) == len(reference):
        return list(hypothesis), list(reference)
    hyp_lines, ref_lines = _non_blank(hypothesis), _non_blank(reference)
    if len(hyp_lines) == len(ref_lines):
        log.info("scoring the %d non-blank lines of each file; blank lines are paragraph breaks", len(hyp_lines))
        return hyp_lines, ref_lines
    hyp_paragraphs, ref_paragraphs = _paragraphs(hypothesis), _paragraphs(reference)
    if len(hyp_paragraphs) == len(ref_paragraphs) > 1:
        log.info("scoring paragraph with paragraph (%d of each): the files pair only so", len(hyp_paragraphs))
        return hyp_paragraphs, ref_paragraphs
    raise TarjamaError(
        f"{names[0]} has {_shape(hypothesis)} but {names[1]} has {_shape(reference)}; "
        "they must be line-aligned (blank lines between paragraphs may differ) or hold as many paragraphs"
    )


def _non_blank(lines: Sequence[str]) -> list[str]:
    return [line for line in lines if line.strip()]


def _paragraphs(lines: Sequence[str]) -> list[str]:
    paragraphs: list[list[str]] = [[]]
    for line in lines:
        if line.strip():
            paragraphs[-1].append(line.strip())
        elif paragraphs[-1]:
            paragraphs.append([])
    return [" ".join(p) for p in paragraphs if p]


def _shape(lines: Sequence[str]) -> str:
    return f"{counted(len(lines), 'line')} ({len(_non_blank(lines))} non-blank, {counted(len(_paragraphs(lines)), 'paragraph')})"
