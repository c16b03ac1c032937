"""Gale–Church alignment on a real NTREX document with known perturbations."""

from pathlib import Path

from translate.alignment import GaleChurchAligner, align_documents, pair_translations
from translate.model import Origin, ParagraphKind, assemble_document

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ntrex"
AR = (FIXTURES / "bbc.381790.ar.txt").read_text(encoding="utf-8").splitlines()
EN = (FIXTURES / "bbc.381790.en.txt").read_text(encoding="utf-8").splitlines()


def shapes(beads):
    return [(b.source, b.target) for b in beads]


def test_parallel_document_aligns_one_to_one():
    beads = GaleChurchAligner().align(AR, EN)
    assert shapes(beads) == [((i,), (i,)) for i in range(len(AR))]
    assert all(0.0 < b.score <= 1.0 for b in beads)


def test_merged_english_sentences_give_a_two_to_one_bead():
    merged = EN[:5] + [EN[5] + " " + EN[6]] + EN[7:]
    beads = GaleChurchAligner().align(AR, merged)
    assert ((5, 6), (5,)) in shapes(beads)
    assert len(beads) == len(AR) - 1


def test_split_arabic_side_gives_a_one_to_two_bead():
    merged_ar = AR[:9] + [AR[9] + " " + AR[10]] + AR[11:]
    beads = GaleChurchAligner().align(merged_ar, EN)
    assert ((9,), (9, 10)) in shapes(beads)


def test_a_dropped_long_sentence_becomes_one_to_zero():
    longest = max(range(2, len(EN) - 2), key=lambda i: len(EN[i]))
    dropped = EN[:longest] + EN[longest + 1 :]
    beads = GaleChurchAligner().align(AR, dropped)
    assert ((longest,), ()) in shapes(beads)
    # every other sentence still pairs with its own translation
    others = [s for s in shapes(beads) if s != ((longest,), ())]
    assert all(len(src) == 1 and len(tgt) == 1 for src, tgt in others)


def test_empty_sides():
    assert GaleChurchAligner().align([], []) == []
    assert shapes(GaleChurchAligner().align(["أ."], [])) == [((0,), ())]


def test_align_documents_and_pairing_use_segment_ids():
    src = assemble_document("ar", [(ParagraphKind.BODY, AR[:3])])
    tgt = assemble_document("en", [(ParagraphKind.BODY, EN[:3])])
    assert shapes(align_documents(src, tgt)) == [((0,), (0,)), ((1,), (1,)), ((2,), (2,))]
    paired = pair_translations(src, tgt)
    assert shapes(paired) == [((0,), (0,)), ((1,), (1,)), ((2,), (2,))]
    assert all(b.origin is Origin.MT for b in paired)
