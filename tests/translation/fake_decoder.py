"""A decoder without a model, for the engine's own rules (dedup, memory first, store as you go, split pieces, scores).

:class:`ReversingDecoder` is a real :class:`~translate.translation.backends.base.Backend`:
it answers every request deterministically — the translation of a sentence is
its characters in reverse order, after any target prefix the request asks for
— and scores each output by a fixed rule of its ids, so a test can compute
the exact score the engine must report.  :class:`CharTokenizer` gives one id per
character.  Nothing here imitates a model's wording: the tests check what the
engine does with outputs, never what the outputs say.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from translate.translation.backends.base import Backend
from translate.translation.hypotheses import DecodingRequest, Hypotheses, Hypothesis, Score, prefix_of
from translate.translation.source import ModelSource

EOS = 0
OFFSET = 2  # ids 0 (</s>) and 1 (<pad>) are special; a character's id is its code point + 2


class CharTokenizer:
    """One id per character, ``</s>`` at the end: ``encode`` and ``decode`` are exact inverses."""

    model_max_length = 512

    def encode(self, texts: Sequence[str]) -> list[list[int]]:
        return [[ord(c) + OFFSET for c in text] + [EOS] for text in texts]

    def decode(self, ids_list: Sequence[Sequence[int]]) -> list[str]:
        return ["".join(chr(i - OFFSET) for i in ids if i >= OFFSET) for ids in ids_list]

    def source_tokens(self, ids: Iterable[int]) -> list[str]:
        return [str(i) for i in ids]


def token_logprob(token: int) -> float:
    """The fixed log-probability the fake gives a token: -0.05 to -0.35 by the id, so texts differ in confidence."""
    return -0.05 * (token % 7 + 1)


def score_of(ids: Sequence[int]) -> Score:
    """The score the fake reports for an output: its tokens and the end token."""
    return Score(sum(token_logprob(t) for t in ids) + token_logprob(EOS), len(ids) + 1)


class ReversingDecoder(Backend):
    """Deterministic decoding: characters reversed; records every batch it is given."""

    name = "fake-reverse"
    device = "cpu"
    compute_type = "float32"

    def __init__(self, fail_on_call: int | None = None) -> None:
        self.batches: list[list[tuple[int, ...]]] = []
        self.fail_on_call = fail_on_call

    @property
    def decoded(self) -> list[tuple[int, ...]]:
        """Every source the decoder was asked to translate, in order."""
        return [ids for batch in self.batches for ids in batch]

    def generate(
        self,
        requests: Sequence[DecodingRequest],
        *,
        beam: int,
        max_new_tokens: int,
        min_new_tokens: int = 0,
        no_repeat_ngram_size: int = 0,
        count: int = 1,
    ) -> list[Hypotheses]:
        if self.fail_on_call is not None and len(self.batches) + 1 >= self.fail_on_call:
            raise RuntimeError("the fake decoder fails here, as a killed run would")
        self.batches.append([r.source_ids for r in requests])
        found = []
        for request in requests:
            body = tuple(reversed([i for i in request.source_ids if i != EOS]))
            outputs = [(prefix_of(request) + body)[: max_new_tokens - 1]]
            # An n-best list: the best, then the same rotated by one character each.
            outputs += [outputs[0][k:] + outputs[0][:k] for k in range(1, count)]
            found.append(Hypotheses(tuple(Hypothesis(ids, score_of(ids)) for ids in outputs)))
        return found


def fake_source(max_positions: int = 512) -> ModelSource:
    """What the engine reads of a model directory, for a model that is not on disk."""
    return ModelSource(
        "fake/reverse",
        Path("/nonexistent/fake-reverse"),
        "rev1",
        {"max_position_embeddings": max_positions},
        {"num_beams": 2, "max_length": max_positions},
    )
