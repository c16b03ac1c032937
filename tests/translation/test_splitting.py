"""Splitting over-long segments: at the strongest boundary nearest the middle, never losing a character."""

from hypothesis import given
from hypothesis import strategies as st

from translate.translation.splitting import split_to_fit


def words(text: str) -> int:
    return len(text.split())


def test_a_segment_that_fits_is_left_alone():
    assert split_to_fit("قال الوزير إن الخطة جاهزة.", words, 10) == ["قال الوزير إن الخطة جاهزة."]


def test_clause_marks_come_before_spaces():
    text = "أ ب ج د، هـ و ز ح؛ ط ي ك ل: م ن س ع"
    assert split_to_fit(text, words, 8) == ["أ ب ج د، هـ و ز ح؛", "ط ي ك ل: م ن س ع"]


def test_sentence_end_comes_before_clause_marks():
    text = "أ ب، ج د. هـ و، ز ح ط ي"
    assert split_to_fit(text, words, 6)[0] == "أ ب، ج د."


def test_numbers_with_commas_and_colons_are_not_boundaries():
    text = "بلغ العدد 1,000 شخص في الساعة 3:45 صباحا وفي المساء بلغ 2,000"
    pieces = split_to_fit(text, words, 6)
    assert all("," not in p or "1,000" in p or "2,000" in p for p in pieces)
    assert any("3:45" in p for p in pieces)


def test_text_without_spaces_is_cut_by_characters():
    pieces = split_to_fit("x" * 100, len, 30)
    assert "".join(pieces) == "x" * 100 and all(len(p) <= 30 for p in pieces)


@given(st.lists(st.sampled_from(["كلمة", "أخرى،", "جملة.", "نص:", "؛", "ب"]), min_size=1, max_size=80), st.integers(2, 12))
def test_pieces_fit_and_keep_every_character(tokens, limit):
    text = " ".join(tokens)
    pieces = split_to_fit(text, words, limit)
    assert all(words(p) <= limit for p in pieces)
    assert "".join("".join(pieces).split()) == "".join(text.split())
