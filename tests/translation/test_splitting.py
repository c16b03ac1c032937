"""Splitting over-long segments: at the strongest boundary nearest the middle, never losing a character."""

import time

from hypothesis import given
from hypothesis import strategies as st

from translate.translation.splitting import blocks, split_to_fit


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


WORDS = "أعلنت وزارة الدفاع الروسية يوم السبت أن قواتها أكملت تحرير كورسك بالكامل وتعد هذه المنطقة".split()


def unpunctuated(chars: int) -> str:
    """One long line without a single punctuation mark: what a scraped table or a lost line break gives."""
    words = (WORDS * (chars // 60 + 1))[: chars // 5]
    return " ".join(words)[:chars].strip()


class CountingTokens:
    """Counts tokens as words, and counts every character it is asked to look at: the splitter's work."""

    def __init__(self) -> None:
        self.chars = 0

    def __call__(self, text: str) -> int:
        self.chars += len(text)
        return text.count(" ") + 1


def test_splitting_work_grows_linearly_with_the_input():
    """A 20 MB unpunctuated line took minutes: the middle-split tokenized the whole text once per level."""
    work = {}
    for chars in (200_000, 1_600_000):
        counter = CountingTokens()
        text = unpunctuated(chars)
        pieces = split_to_fit(text, counter, 100)
        assert all(p.count(" ") + 1 <= 100 for p in pieces)
        assert "".join(pieces).replace(" ", "") == text.replace(" ", "")
        work[chars] = counter.chars / len(text)
    # Each character is looked at a bounded number of times, whatever the length (8x the input: at most 8.8x the work).
    assert work[1_600_000] <= 6, work
    assert work[1_600_000] <= work[200_000] * 1.1, work


def test_a_20_mb_line_splits_in_seconds():
    text = unpunctuated(11_000_000)  # 20 MB of Arabic in UTF-8
    assert len(text.encode("utf-8")) > 20_000_000
    started = time.perf_counter()
    pieces = split_to_fit(text, CountingTokens(), 100)
    elapsed = time.perf_counter() - started
    assert len(pieces) > 10_000
    assert elapsed < 60, f"{elapsed:.1f} s"  # about 3 s here; minutes before


def test_long_text_without_spaces_or_marks_is_cut_in_blocks():
    text = "ب" * 50_000
    pieces = split_to_fit(text, len, 1000)
    assert "".join(pieces) == text and all(len(p) <= 1000 for p in pieces)


def test_blocks_prefer_sentence_ends_and_never_drop_a_character():
    sentence = "جملة " * 300 + "نهاية. "
    text = sentence * 20
    found = list(blocks(text, 4000))
    assert all(len(b) <= 4000 for b in found)
    assert all(b.endswith(".") for b in found[:-1])
    assert "".join(found).replace(" ", "") == text.replace(" ", "")
