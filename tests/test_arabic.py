"""The one home of Arabic letters, marks and digits: what each set holds, and what leaves it out."""

from __future__ import annotations

import re

from translate import arabic

ARTICLE_WORDS = "قال الوزير إن ٤٣٠ شخصا أصيبوا، وإنّ المستشفى استقبل ۱۲ منهم."


def test_glossary_folding_ignores_hamza_alef_diacritics_and_tatweel() -> None:
    """(moved from tests/qa/test_glossary.py: the glossary matches terms in this form)"""
    assert arabic.fold("إِنَّ الأُمَمَ") == arabic.fold("ان الامم")
    assert arabic.fold("مـــدرسة") == arabic.fold("مدرسه")
    assert arabic.fold("مدرسة") != arabic.fold("مدرس")


def test_letters_are_letters_of_every_block_and_nothing_else() -> None:
    letters = arabic.LETTER.findall(ARTICLE_WORDS)
    assert "".join(letters) == "".join(ch for ch in ARTICLE_WORDS if ch.isalpha() and ch != "ّ")
    for other in "٤۱0،؟ًّa ":
        assert not arabic.LETTER.match(other), other
    assert arabic.LETTER.match("\ufefb") and arabic.LETTER.match("\u0750")  # presentation form لا, Supplement
    assert all(arabic.is_letter(ch) for ch in letters)
    assert not any(arabic.is_letter(ch) for ch in "٤،a\u064e")


def test_core_letters_leave_out_tatweel_and_presentation_forms() -> None:
    core = re.compile(f"[{arabic.CORE_LETTER_RANGES}]")
    assert all(core.match(ch) for ch in "ءابتثجحخدذرزسشصضطظعغفقكلمنهوي")
    assert not core.match(arabic.TATWEEL) and not core.match("\ufefb") and not core.match("٤")
    assert re.compile(f"[{arabic.HAMZA_TO_YEH}]").match(arabic.TATWEEL)


def test_script_ranges_hold_marks_digits_and_punctuation_too() -> None:
    script = re.compile(f"[{arabic.SCRIPT_RANGES}]")
    assert all(script.match(ch) for ch in "ب٤۱،؟\u064e\ufeff")
    assert not script.match("a") and not script.match("4")


def test_bare_drops_marks_and_tatweel_only() -> None:
    assert arabic.bare("مُـدَرِّسة") == "مدرسة"
    assert arabic.bare("café") == "café" and arabic.bare("cafe\u0301") == "cafe"
    assert arabic.OPTIONAL_MARKS.sub("", "إِنَّ") == "إن"


def test_every_arabic_indic_digit_becomes_its_western_digit() -> None:
    assert (arabic.ARABIC_INDIC_DIGITS + arabic.EXTENDED_ARABIC_INDIC_DIGITS).translate(arabic.TO_WESTERN_DIGITS) == "0123456789" * 2
    assert "٤٣٠ و۱۲".translate(arabic.TO_WESTERN_DIGITS) == "430 و12"
    digit = re.compile(f"[{arabic.ANY_DIGIT_RANGE}]")
    assert all(digit.match(ch) for ch in arabic.WESTERN_DIGITS + arabic.ARABIC_INDIC_DIGITS + arabic.EXTENDED_ARABIC_INDIC_DIGITS)
    assert not digit.match("a") and not digit.match("\u0669\u0301"[1])
