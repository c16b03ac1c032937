"""How ``tarjama evaluate`` pairs a translation's lines with its reference's (translate/evaluation.py)."""

from __future__ import annotations

import pytest

from translate.errors import TarjamaError
from translate.evaluation import evaluate, paired

DRAFT = ["First paragraph. Two sentences.", "", "Second.", "", "Third."]
"""tarjama's draft: a paragraph a line, a blank line between paragraphs."""


def test_files_of_as_many_lines_pair_line_with_line_blank_lines_included():
    assert paired(["a", "", "b"], ["x", "", "y"]) == (["a", "", "b"], ["x", "", "y"])


def test_a_draft_pairs_with_a_reference_of_a_line_per_paragraph():
    reference = ["First paragraph, two sentences.", "Second one.", "Third one."]
    assert paired(DRAFT, reference) == ([line for line in DRAFT if line], reference)
    assert paired(reference, DRAFT) == (reference, [line for line in DRAFT if line])


def test_a_draft_pairs_paragraph_with_paragraph_with_a_sentence_a_line_reference_in_paragraphs():
    reference = ["First paragraph.", "Two sentences.", "", "Second.", "", "Third."]  # what `tarjama segment` writes
    hypotheses, references = paired(DRAFT, reference)
    assert hypotheses == ["First paragraph. Two sentences.", "Second.", "Third."]
    assert references == ["First paragraph. Two sentences.", "Second.", "Third."]
    assert evaluate(hypotheses, references)[0].score == 100.0


@pytest.mark.parametrize(
    "reference",
    [
        ["one", "two"],  # 2 non-blank lines, one paragraph, for 3
        ["a b", "", "c d"],  # 2 paragraphs for 3
        ["x"],
    ],
)
def test_files_that_do_not_pair_are_refused_in_one_line_naming_both(reference):
    with pytest.raises(TarjamaError) as raised:
        paired(DRAFT, reference, ("draft.en.txt", "ref.txt"))
    message = str(raised.value)
    assert "\n" not in message and "draft.en.txt has 5 lines (3 non-blank, 3 paragraphs)" in message and "ref.txt" in message


def test_two_single_paragraph_files_of_different_lengths_are_not_scored_as_one_segment():
    with pytest.raises(TarjamaError, match="line-aligned"):
        paired(["a", "b"], ["a"])
