"""What of a q is translated and how the answer is rebuilt: layout and markup kept exactly."""

from __future__ import annotations

import time

import pytest
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


def test_an_attribute_holding_a_greater_than_sign_stays_inside_its_tag() -> None:
    """``<img alt="x > y" src=x><p>…`` came back as ``<img alt="x > [English]<p>…``: the rest of the page was swallowed."""
    q = """<img alt="x > y" src=x><p title='a > b'>أ.</p><a href=x>ب.</a>"""
    plan = plan_html(q, split)
    assert plan.sentences == ("أ.", "ب.")
    assert plan.render(["A", "B"]) == """<img alt="x > y" src=x><p title='a > b'>A</p><a href=x>B</a>"""


def test_a_construct_left_open_runs_to_the_end_and_is_kept() -> None:
    """As in a browser: an unclosed comment, tag or script hides the rest; none of it is translated or changed."""
    for opener in ("<!-- ", "<p class='x ", "<script>", "<?php ", "<!DOCTYPE "):
        q = f"<b>أ.</b>{opener}ب. ت."
        plan = plan_html(q, split)
        assert plan.sentences == ("أ.",), opener
        assert plan.render(["A"]) == f"<b>A</b>{opener}ب. ت."


def _best_of(runs: int, text: str) -> float:
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        plan_html(text, split)
        best = min(best, time.perf_counter() - started)
    return best


@pytest.mark.parametrize("unit", ["<!--", "<a", '<a b="', "<script>", "<!x", "<?", "</", "<a b='c'", "أ<b>"])
def test_markup_handling_is_linear(unit: str) -> None:
    """95 texts of ``"<!--" * 2500`` froze the server for 17.6 s: each opener scanned to the end of the text.

    Four times the text must cost about four times as much (quadratic work costs sixteen); the best
    of several runs, so that a busy machine does not decide.
    """
    small, large = unit * 10000, unit * 40000
    ratio = _best_of(7, large) / max(_best_of(7, small), 1e-6)
    assert ratio < 10, f"{unit!r}: 4x the text took {ratio:.1f}x the time"
