"""The MT bridge: our machine translation of the Arabic, compared with the English by chrF, fixes what embeddings alone get wrong."""

from __future__ import annotations

from pathlib import Path

FLORES = Path(__file__).resolve().parents[1] / "fixtures" / "flores"
AR = (FLORES / "encephalitis.ar.txt").read_text(encoding="utf-8").splitlines()
EN = (FLORES / "encephalitis.en.txt").read_text(encoding="utf-8").splitlines()
MT = (FLORES / "encephalitis.mt.en.txt").read_text(encoding="utf-8").splitlines()


def test_bridge_keeps_an_untranslated_subheading_apart(aligner):
    # the Arabic editor joined sentences 2 and 3 and added a subheading ("Historical background")
    # before the last sentence, which speaks of the areas affected "historically"
    ar = [AR[0], AR[1] + " " + AR[2], AR[3], "خلفية تاريخية", AR[4]]
    mt = [MT[0], MT[1] + " " + MT[2], MT[3], None, MT[4]]  # the subheading is not in our MT
    gold = {((0,), (0,)), ((1,), (1, 2)), ((2,), (3,)), ((3,), ()), ((4,), (4,))}
    with_mt = {(b.source, b.target) for b in aligner.align(ar, EN, mt)}
    without = {(b.source, b.target) for b in aligner.align(ar, EN)}
    assert with_mt == gold
    assert len(without & gold) < len(gold)  # embeddings alone glue the subheading to its neighbour


def test_useless_mt_is_not_trusted(aligner):
    # the MT of another document: the bridge must switch itself off, not pull the alignment apart
    from translate.alignment.aligner import _BeadCost

    other = Path(__file__).resolve().parents[1] / "fixtures" / "ntrex" / "bbc.381790.en.txt"
    wrong = other.read_text(encoding="utf-8").splitlines()[: len(AR)]
    cost = _BeadCost(aligner, AR, EN, wrong)
    assert cost.mt_reliability < 0.5
    assert _BeadCost(aligner, AR, EN, MT).mt_reliability == 1.0
