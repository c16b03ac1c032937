"""From units with codes to the plain sentences the engine translates, and back to one target per unit."""

import pytest

from translate.errors import TarjamaError
from translate.formatted.base import TextUnit
from translate.formatted.tagged import Code, CodeKind, TaggedText
from translate.formatted.units import segment_units
from translate.model import ParagraphKind

B_OPEN, B_CLOSE = Code(CodeKind.OPEN, 1, "b"), Code(CodeKind.CLOSE, 1, "b")
IMAGE = Code(CodeKind.PLACEHOLDER, 2, "image")

UNITS = (
    TextUnit("p1", TaggedText(("عنوان الخبر",)), ParagraphKind.HEADING),
    TextUnit("p2", TaggedText(("قال الوزير ", B_OPEN, "اليوم", B_CLOSE, " إن الاجتماع انتهى. وغادر الوفد."))),
    TextUnit("p3", TaggedText((IMAGE,))),  # a picture alone in its paragraph: no sentence
    TextUnit("t1", TaggedText(("خلية الجدول",)), where="table"),
)


def test_one_paragraph_per_unit_with_a_sentence_and_segments_that_match_the_text() -> None:
    units = segment_units(UNITS, "ar", "news")
    document = units.document
    assert [p.kind for p in document.paragraphs] == [ParagraphKind.HEADING, ParagraphKind.BODY, ParagraphKind.BODY]
    assert [s.text for s in document.segments] == ["عنوان الخبر", "قال الوزير اليوم إن الاجتماع انتهى.", "وغادر الوفد.", "خلية الجدول"]
    assert units.paragraphs == (0, 1, None, 2)
    assert list(units.segment_ids(1)) == [1, 2]
    assert list(units.segment_ids(2)) == []


def test_targets_join_sentences_with_the_source_gaps_and_leave_out_incomplete_units() -> None:
    units = segment_units(UNITS, "ar")
    sentences = {i: TaggedText((f"S{i}.",)) for i in (0, 1, 2)}
    targets = units.targets(sentences)
    assert targets["p1"] == TaggedText(("S0.",))
    assert targets["p2"] == TaggedText(("S1. S2.",))
    assert targets["p3"] == TaggedText((IMAGE,))  # nothing to translate: its own target
    assert "t1" not in targets  # segment 3 has no target: the unit keeps its source


def test_targets_equal_to_sources_give_every_unit_back_exactly() -> None:
    units = segment_units(UNITS, "ar")
    sentences = {}
    for index in range(len(UNITS)):
        for i, piece in zip(units.segment_ids(index), units.splits[index].segments):
            sentences[i] = piece
    assert units.targets(sentences) == {unit.id: unit.source for unit in UNITS}


def test_a_line_break_in_a_unit_must_be_a_code() -> None:
    with pytest.raises(ValueError):
        TextUnit("p1", TaggedText(("سطر\nسطر",)))


def test_units_without_any_sentence_are_refused_in_one_line() -> None:
    with pytest.raises(TarjamaError, match="no text found"):
        segment_units([TextUnit("p1", TaggedText((IMAGE, "  ")))], "ar", "empty.docx")
