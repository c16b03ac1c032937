"""Scores, hypotheses and decoding requests: the values that cross the decoder's boundary."""

import math

import pytest

from translate.translation.hypotheses import DecodingRequest, Hypotheses, Hypothesis, Score, TargetPrefix, combined, prefix_of


def test_confidence_is_exp_of_the_mean_token_log_probability():
    assert Score(math.log(0.5) * 4, 4).confidence == pytest.approx(0.5)
    assert Score(0.0, 3).confidence == 1.0
    assert 0.0 <= Score(-1e6, 2).confidence < 1e-300 or Score(-1e6, 2).confidence == 0.0


def test_pieces_combine_token_weighted_and_an_unknown_part_makes_the_whole_unknown():
    short, long = Score(math.log(0.9) * 2, 2), Score(math.log(0.3) * 18, 18)
    joined = combined([short, long])
    assert joined == Score(short.logprob + long.logprob, 20)
    assert joined.confidence == pytest.approx(math.exp((2 * math.log(0.9) + 18 * math.log(0.3)) / 20))
    assert joined.confidence < (short.confidence + long.confidence) / 2, "the long unsure piece weighs more"
    assert combined([short, None]) is None and combined([]) is None


def test_a_score_is_a_log_probability_over_at_least_the_end_token():
    with pytest.raises(ValueError):
        Score(0.1, 3)
    with pytest.raises(ValueError):
        Score(float("nan"), 3)
    with pytest.raises(ValueError):
        Score(-1.0, 0)


def test_hypotheses_best_first_and_never_empty():
    first, second = Hypothesis((5, 6), Score(-0.5, 3)), Hypothesis((6,), Score(-0.9, 2))
    found = Hypotheses((first, second))
    assert found.best is first and len(found) == 2
    with pytest.raises(ValueError):
        Hypotheses(())


def test_a_request_has_at_most_one_target_prefix():
    assert prefix_of(DecodingRequest((4, 0))) == ()
    assert prefix_of(DecodingRequest((4, 0), (TargetPrefix((7, 8)),))) == (7, 8)
    with pytest.raises(ValueError):
        prefix_of(DecodingRequest((4, 0), (TargetPrefix((7,)), TargetPrefix((8,)))))
    with pytest.raises(ValueError):
        TargetPrefix(())
