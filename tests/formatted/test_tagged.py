"""Text with inline codes: its invariants, and cutting it at sentences without losing or moving a code."""

import pytest

from translate.formatted.tagged import Code, CodeKind, TaggedText, split_at

B_OPEN, B_CLOSE = Code(CodeKind.OPEN, 1, "b"), Code(CodeKind.CLOSE, 1, "b")
I_OPEN, I_CLOSE = Code(CodeKind.OPEN, 2, "i"), Code(CodeKind.CLOSE, 2, "i")
IMAGE = Code(CodeKind.PLACEHOLDER, 3, "image")


def test_strings_are_merged_and_empty_ones_dropped_so_equal_texts_compare_equal() -> None:
    built = TaggedText(("ab", "", "c", B_OPEN, "d", "", B_CLOSE))
    assert built.parts == ("abc", B_OPEN, "d", B_CLOSE)
    assert built == TaggedText(("a", "bc", B_OPEN, "d", B_CLOSE))
    assert built.plain == "abcd"


@pytest.mark.parametrize(
    "parts",
    [
        (B_OPEN, "x", B_OPEN),  # opened twice
        (B_CLOSE, "x", B_OPEN),  # closed before it opens
        (IMAGE, "x", IMAGE),  # a placeholder used twice
        (B_OPEN, "x", B_CLOSE, B_CLOSE),
    ],
)
def test_a_code_id_is_never_used_twice(parts: tuple) -> None:
    with pytest.raises(ValueError):
        TaggedText(parts)


def test_an_isolated_open_or_close_is_allowed() -> None:
    assert TaggedText(("x", B_OPEN, "y")).codes == (B_OPEN,)
    assert TaggedText(("x", B_CLOSE, "y")).codes == (B_CLOSE,)


def test_placed_and_from_placed_are_inverse() -> None:
    text = TaggedText((IMAGE, "one ", B_OPEN, "two", B_CLOSE, I_OPEN, I_CLOSE, " three"))
    placed = list(text.placed())
    assert placed == [(0, IMAGE), (4, B_OPEN), (7, B_CLOSE), (7, I_OPEN), (7, I_CLOSE)]
    assert TaggedText.from_placed(text.plain, placed) == text
    with pytest.raises(ValueError):
        TaggedText.from_placed("ab", [(3, IMAGE)])


def _spans(plain: str, sentences: list[str]) -> list[tuple[int, int]]:
    spans, pos = [], 0
    for sentence in sentences:
        start = plain.index(sentence, pos)
        spans.append((start, start + len(sentence)))
        pos = start + len(sentence)
    return spans


def test_each_sentence_keeps_the_codes_that_format_it_and_the_gap_keeps_its_own() -> None:
    text = TaggedText((B_OPEN, "First one.", B_CLOSE, " ", IMAGE, " Second ", I_OPEN, "two", I_CLOSE, "."))
    split = split_at(text, _spans(text.plain, ["First one.", "Second two."]))
    assert split.segments == (
        TaggedText((B_OPEN, "First one.", B_CLOSE)),
        TaggedText(("Second ", I_OPEN, "two", I_CLOSE, ".")),
    )
    assert split.gaps == (TaggedText(()), TaggedText((" ", IMAGE, " ")), TaggedText(()))
    assert split.joined() == text


def test_a_span_across_a_sentence_boundary_is_isolated_in_each_sentence() -> None:
    text = TaggedText(("One ", B_OPEN, "two. Three", B_CLOSE, " four."))
    split = split_at(text, _spans(text.plain, ["One two.", "Three four."]))
    assert split.segments[0].codes == (B_OPEN,)
    assert split.segments[1].codes == (B_CLOSE,)
    assert split.joined() == text


def test_codes_at_a_shared_edge_go_to_the_sentence_they_format() -> None:
    # no gap: "A.B." with bold on the first sentence and italic on the second
    text = TaggedText((B_OPEN, "A.", B_CLOSE, I_OPEN, "B.", I_CLOSE))
    split = split_at(text, [(0, 2), (2, 4)])
    assert split.segments == (TaggedText((B_OPEN, "A.", B_CLOSE)), TaggedText((I_OPEN, "B.", I_CLOSE)))
    assert split.joined() == text


def test_an_empty_span_is_never_closed_before_it_opens() -> None:
    text = TaggedText(("A. ", B_OPEN, B_CLOSE, "B."))
    split = split_at(text, [(0, 2), (3, 5)])
    assert split.joined() == text
    assert sum(len(piece.codes) for piece in split.segments + split.gaps) == 2


def test_joined_takes_targets_in_place_of_the_sentences() -> None:
    text = TaggedText(("Alpha. ", IMAGE, " Beta."))
    split = split_at(text, [(0, 6), (8, 13)])
    targets = [TaggedText(("Uno.",)), TaggedText(("Dos.",))]
    assert split.joined(targets) == TaggedText(("Uno. ", IMAGE, " Dos."))
    with pytest.raises(ValueError):
        split.joined(targets[:1])


def test_codes_at_one_offset_keep_their_order_when_cut_at_a_sentence_start() -> None:
    """A picture then the close of a span the gap opened, both where the next sentence starts (found by fuzzing web pages)."""
    u_close = Code(CodeKind.CLOSE, 4, "u")
    text = TaggedText(("أولى. ", IMAGE, u_close, "ثانية."))
    split = split_at(text, [(0, 5), (6, 12)])
    assert split.joined() == text
    parts = [p for piece in (*split.gaps, *split.segments) for p in piece.parts if isinstance(p, Code)]
    assert sorted(parts, key=lambda c: c.id) == [IMAGE, u_close]
