"""What goes into a decoder and what comes out of it: requests with constraints, scored hypotheses.

A backend is handed :class:`DecodingRequest` values and returns, for each, its
:class:`Hypotheses` (best first), each hypothesis its target ids and a
:class:`Score`: the model's own log-probability of exactly those ids followed
by the end token.  Everything the engine says about how sure the model was
(the confidence of a segment, of a split segment's pieces together, of a text
of many sentences on the server) is computed from these scores and nothing
else, so it means the same on every backend.

Why the score is the probability under the model and not simply the beam
search's own number (CTranslate2's ``return_scores``, transformers'
``sequences_scores``): the search's number is the cumulated log-probability
*divided by the length to the power length_penalty* (1 by default), computed
after the repetition guard's bans have removed tokens (CTranslate2
renormalises the remaining probabilities, transformers does not), and without
the end token when an output stops at the length cap (CTranslate2) or with a
forced end token scored 0 (transformers).  The two backends' search scores
therefore differ on the same output, most on exactly the outputs a reviewer
should look at (degenerate, capped).  Where nothing bent it (an output that
chose its end token, no ban, no forced prefix), CTranslate2's number times the
length with the end token *is* the model's log-probability (equal to 1e-4 in
float32, tested), and the CTranslate2 backend takes it as it is: a separate
pass cost 40 ms of CPU a sentence beside 100–250 ms of decoding.  Every other
output is scored by one teacher-forced pass (CTranslate2 ``score_batch``;
transformers, the reference, always: a forward pass over the ids), which gives
the same numbers on both backends (tested to 1e-3 in float32).  With a fixed
output length (the benchmarks' mode) the end token is banned at every step:
there both backends score the ids under that ban, without the end token.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Score:
    """The log-probability the model gives a translation: ``logprob`` summed over ``tokens`` scored tokens.

    The scored tokens are the output ids and the end token: the end token is
    the model saying the translation is complete, so an output cut at the
    length cap (where the model did not want to stop) is rightly scored low.
    """

    logprob: float
    tokens: int

    def __post_init__(self) -> None:
        if self.tokens < 1:
            raise ValueError("a score covers at least the end token")
        if not self.logprob <= 0.0:  # also refuses NaN
            raise ValueError(f"a log-probability is at most 0, not {self.logprob!r}")

    @property
    def confidence(self) -> float:
        """The geometric mean of the token probabilities, in [0, 1]: exp of the mean token log-probability.

        A mean, not the sum: the probability of a whole sentence falls with its
        length, and a long correct sentence must not look less sure than a
        short wrong one.  A geometric mean of probabilities stays in [0, 1]
        and reads as "the model's typical probability for each token it chose".
        """
        return math.exp(self.logprob / self.tokens)

    def __add__(self, other: Score) -> Score:
        """Two outputs as one (the pieces of a split segment): their tokens together, each weighing the same."""
        return Score(self.logprob + other.logprob, self.tokens + other.tokens)


def combined(scores: Iterable[Score | None]) -> Score | None:
    """The score of outputs joined into one text: token-weighted; ``None`` when any part has none (or there is none)."""
    total: Score | None = None
    for score in scores:
        if score is None:
            return None
        total = score if total is None else total + score
    return total


@dataclass(frozen=True, slots=True)
class Hypothesis:
    """One output of the decoder: target ids (no start token, no end token, no padding) and their score."""

    ids: tuple[int, ...]
    score: Score

    @property
    def confidence(self) -> float:
        return self.score.confidence


@dataclass(frozen=True, slots=True)
class Hypotheses:
    """A request's hypotheses, best first (the decoder's own ranking); one unless an n-best list was asked for."""

    items: tuple[Hypothesis, ...]

    def __post_init__(self) -> None:
        if not self.items:
            raise ValueError("a decoder returns at least one hypothesis per request")

    @property
    def best(self) -> Hypothesis:
        return self.items[0]

    def __len__(self) -> int:
        return len(self.items)


@dataclass(frozen=True, slots=True)
class TargetPrefix:
    """The translation must begin with these target ids (a term's translation, a fixed opening).

    CTranslate2 takes it as ``target_prefix``; transformers as a logits
    processor that allows only the prefix's next id until the prefix is
    written.  Either way the rest is decoded as usual after it.
    """

    ids: tuple[int, ...]

    def __post_init__(self) -> None:
        if not self.ids:
            raise ValueError("an empty target prefix constrains nothing")


Constraint = TargetPrefix
"""What a request may ask of the decoder beyond its source.  One kind today; the terms issue adds
required target phrases.  A backend refuses a kind it cannot honour (:func:`prefix_of`), never ignores it."""


@dataclass(frozen=True, slots=True)
class DecodingRequest:
    """One source sentence (ids ending with ``</s>``) and what its translation must respect."""

    source_ids: tuple[int, ...]
    constraints: tuple[Constraint, ...] = ()


def prefix_of(request: DecodingRequest) -> tuple[int, ...]:
    """The target prefix a request asks for (empty if none); a second prefix or an unknown kind is an error."""
    prefix: tuple[int, ...] = ()
    for constraint in request.constraints:
        if not isinstance(constraint, TargetPrefix):
            raise TypeError(f"this backend cannot honour a {type(constraint).__name__} constraint")
        if prefix:
            raise ValueError("a request has at most one target prefix")
        prefix = constraint.ids
    return prefix
