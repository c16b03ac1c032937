import pytest

from translate.qa.numbers import mismatch, numbers


@pytest.mark.parametrize(
    ("text", "hard", "soft"),
    [
        ("86%", {"86": 1}, set()),
        ("٤٣٠ جريحا", {"430": 1}, set()),
        ("١٢٫٥ مليار", {"12500000000": 1}, set()),
        ("1,000 and 1000", {"1000": 2}, set()),
        ("١٬٢٣٤", {"1234": 1}, set()),
        ("3,5", {"3.5": 1}, set()),
        ("10 آلاف", {"10000": 1}, set()),
        ("10,000 years", {"10000": 1}, set()),
        ("at 8 a.m.", {"8:00": 1}, set()),
        ("الساعة 15.00 بالتوقيت العالمي", {"15:00": 1}, set()),
        ("the 1960s and the 15th century", {}, {"1960", "15"}),
        ("R0 of H1N1 and ACE2", {}, {"0", "1", "2"}),
        ("a 35mm film", {"35": 1}, set()),
    ],
)
def test_numbers_are_read_as_values(text, hard, soft):
    found, soft_found = numbers(text)
    assert dict(found) == hard and soft_found == soft


@pytest.mark.parametrize(
    ("source", "target", "expected"),
    [
        ("بلغت النسبة 86%", "the rate reached 86%", ([], [])),
        ("أصيب ٤٣٠ شخصا", "430 people were injured", ([], [])),
        ("أصيب ٤٣٠ شخصا", "43 people were injured", (["430"], ["43"])),
        ("قتل 3 أشخاص", "three people were killed", ([], [])),
        ("قتل ثلاثة أشخاص", "3 people were killed", ([], [])),
        ("34 في المائة", "Thirty-four percent", ([], [])),
        ("في القرن الخامس عشر", "in the 15th century", ([], [])),
        ("حتى عام 2011", "until 2019", (["2011"], ["2019"])),
    ],
)
def test_mismatch_allows_words_and_soft_numbers_but_not_wrong_values(source, target, expected):
    assert mismatch(source, target) == expected
