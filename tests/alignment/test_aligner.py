"""The n:m aligner on a real NTREX document with known perturbations."""

from __future__ import annotations

from pathlib import Path

import pytest

from translate.alignment import GaleChurchAligner
from translate.alignment.aligner import SearchSettings, SentenceAligner, Weights
from translate.alignment.dp import DPStats

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
AR = (FIXTURES / "ntrex" / "bbc.381790.ar.txt").read_text(encoding="utf-8").splitlines()
EN = (FIXTURES / "ntrex" / "bbc.381790.en.txt").read_text(encoding="utf-8").splitlines()


def shapes(beads):
    return [(b.source, b.target) for b in beads]


def one_to_one(n):
    return [((i,), (i,)) for i in range(n)]


def test_parallel_document_aligns_one_to_one(aligner):
    beads = aligner.align(AR, EN)
    assert shapes(beads) == one_to_one(len(AR))
    assert all(0.0 <= b.score <= 1.0 for b in beads)


def test_english_merge_that_gale_church_misses(aligner):
    merged = EN[:3] + [EN[3] + " " + EN[4]] + EN[5:]
    expected = one_to_one(3) + [((3, 4), (3,))] + [((i + 1,), (i,)) for i in range(4, len(EN) - 1)]
    assert shapes(GaleChurchAligner().align(AR, merged)) != expected  # the length model alone fails here
    assert shapes(aligner.align(AR, merged)) == expected


def test_arabic_merge_gives_one_to_two(aligner):
    merged = AR[:9] + [AR[9] + " " + AR[10]] + AR[11:]
    expected = one_to_one(9) + [((9,), (9, 10))] + [((i,), (i + 1,)) for i in range(10, len(AR) - 1)]
    assert shapes(aligner.align(merged, EN)) == expected


def test_short_sentence_of_a_merge_found_in_its_clause(embedder):
    # nytimes.184860: "It Is Very Bad." barely moves the embedding of the Arabic it was joined to,
    # but matches the Arabic's first clause ("إنه أمر مؤسف جدًا.")
    ar = (FIXTURES / "ntrex" / "nytimes.184860.ar.txt").read_text(encoding="utf-8").splitlines()
    en = (FIXTURES / "ntrex" / "nytimes.184860.en.txt").read_text(encoding="utf-8").splitlines()
    merged = ar[:1] + [ar[1] + " " + ar[2]] + ar[3:]
    assert ((1,), (1, 2)) in shapes(SentenceAligner(embedder).align(merged, en))
    without_clauses = shapes(SentenceAligner(embedder, Weights(clause=0)).align(merged, en))
    assert ((), (1,)) in without_clauses  # left on its own by the merge checks alone


def test_several_merges_and_drops_together(aligner):
    # EN 1+2 merged, EN 6 dropped, AR 10+11 merged, AR 14 dropped
    en = [EN[0], EN[1] + " " + EN[2]] + EN[3:6] + EN[7:]
    ar = AR[:10] + [AR[10] + " " + AR[11]] + AR[12:14] + AR[15:]
    beads = shapes(aligner.align(ar, en))
    assert ((1, 2), (1,)) in beads
    assert ((6,), ()) in beads
    assert ((10,), (8, 9)) in beads
    assert ((), (12,)) in beads
    assert len(beads) == 14


@pytest.mark.parametrize("dropped", [2, 7, 12])
def test_dropped_english_sentence_is_one_to_zero(aligner, dropped):
    beads = shapes(aligner.align(AR, EN[:dropped] + EN[dropped + 1 :]))
    assert ((dropped,), ()) in beads
    assert sum(1 for s, t in beads if len(s) == len(t) == 1) == len(AR) - 1


def test_dropped_arabic_sentence_is_zero_to_one(aligner):
    beads = shapes(aligner.align(AR[:8] + AR[9:], EN))
    assert ((), (8,)) in beads
    assert sum(1 for s, t in beads if len(s) == len(t) == 1) == len(AR) - 1


@pytest.mark.parametrize("heading", ["ردود الفعل", "خلفية", "ما التالي؟"])
def test_short_subheading_without_counterpart_stays_alone(aligner, heading):
    at = 6
    beads = shapes(aligner.align(AR[:at] + [heading] + AR[at:], EN))
    assert ((at,), ()) in beads
    assert ((at - 1,), (at - 1,)) in beads and ((at + 1,), (at,)) in beads


def test_banded_search_equals_full_dp_on_small_inputs(embedder):
    full = SentenceAligner(embedder)
    banded = SentenceAligner(embedder, search=SearchSettings(full_cells=60, margin=4))
    cases = [
        (AR, EN),
        (AR, EN[:3] + [EN[3] + " " + EN[4]] + EN[5:11] + EN[12:]),
        (AR[:5] + [AR[5] + " " + AR[6]] + AR[7:], EN),
    ]
    for ar, en in cases:
        stats = DPStats()
        got = banded.align(ar, en, stats=stats)
        assert len(stats.levels) >= 2  # a coarse pass ran, then the band
        assert stats.levels[-1][2] < (len(ar) + 1) * (len(en) + 1) * len(banded.shapes)
        assert shapes(got) == shapes(full.align(ar, en))


def test_empty_sides(aligner):
    assert aligner.align([], []) == []
    assert shapes(aligner.align(["أ."], [])) == [((0,), ())]
    assert shapes(aligner.align([], ["A."])) == [((), (0,))]


def test_mt_must_match_source_length(aligner):
    with pytest.raises(ValueError):
        aligner.align(AR, EN, mt=["x"])


def test_paragraph_left_untranslated_is_not_paired_with_its_copy(aligner):
    """An English document that kept two Arabic sentences as they were: the copies are no translation
    (a TM unit Arabic→Arabic would be offered as a 100% match), so each side stands alone."""
    english = EN[:5] + AR[5:7] + EN[7:]
    beads = shapes(aligner.align(AR, english))
    assert ((5,), ()) in beads and ((6,), ()) in beads
    assert ((), (5,)) in beads and ((), (6,)) in beads
    assert sum(1 for s, t in beads if len(s) == len(t) == 1) == len(AR) - 2


@pytest.mark.parametrize("line", ["Advertisement", "By Sarah Jones, BBC News"])
def test_a_merge_scores_as_its_weakest_sentence(embedder, line):
    """A caption or boilerplate line glued to a sentence barely moves the joined embedding: the pair scored
    0.29–0.60 like a clean one (measured before the fix), so --min-score could not keep it out of the TM."""
    from translate.alignment.aligner import _BeadCost
    from translate.settings import DEFAULT_MIN_SCORE

    aligner = SentenceAligner(embedder)
    for k in (1, 5, 9, 12):
        assert _BeadCost(aligner, [AR[k]], [EN[k], line], None).similarity(1, 2, 1, 2) < DEFAULT_MIN_SCORE
        assert _BeadCost(aligner, [AR[k]], [EN[k]], None).similarity(1, 1, 1, 1) >= DEFAULT_MIN_SCORE
    # a real merge keeps a score the dial keeps
    for k in (1, 5, 9, 12):
        assert _BeadCost(aligner, AR[k : k + 2], [EN[k] + " " + EN[k + 1]], None).similarity(2, 1, 2, 1) >= DEFAULT_MIN_SCORE
