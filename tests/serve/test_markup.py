"""What of a q is translated and how the answer is rebuilt: layout and markup kept exactly."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from translate.serve.markup import plan_html, plan_text


def split(line: str) -> list[str]:
    return [part.strip() + "." for part in line.split(".") if part.strip()]


def test_text_keeps_lines_and_spaces() -> None:
    plan = plan_text("  أ. ب.\r\n\n ت \n", split)
    assert plan.sentences == ("أ.", "ب.", "ت.")
    assert plan.render(["A", "B", "C"]) == "  A B\r\n\n C \n"


def test_html_translates_between_tags_and_escapes() -> None:
    plan = plan_html('<p title="أ">أ &amp; ب.</p><style>p{}</style><!-- ت --><b>ث</b>', split)
    assert plan.sentences == ("أ & ب.", "ث.")
    assert plan.render(["<x>", "Y"]) == '<p title="أ">&lt;x&gt;</p><style>p{}</style><!-- ت --><b>Y</b>'


@given(st.lists(st.sampled_from(["أ", "ب", ".", " ", "\n", "\r\n", "\t"]), max_size=40).map("".join))
def test_identity_translation_gives_back_the_text_up_to_sentence_spacing(text: str) -> None:
    plan = plan_text(text, lambda line: [line])
    assert plan.render(list(plan.sentences)) == text
