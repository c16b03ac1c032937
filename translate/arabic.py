"""Arabic script in one place: its letters, marks and digits, and the normalisations built on them.

The segmenter, the QA checks, the script check and the aligner each need to
know what an Arabic letter, a diacritic or an Arabic-Indic digit is.  Each
used to spell its own code-point ranges; they live here so that a range is
fixed once.  The ranges differ on purpose, and each name says which question
it answers (any character of the script, a letter of any Arabic block, a
letter of the core alphabet): merging them would change what the segmenter,
the checks and the aligner do.
"""

from __future__ import annotations

import re
import unicodedata

# -- the script ------------------------------------------------------------------------

SCRIPT_RANGES = "\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff"
"""Every block of the Arabic script: Arabic, Supplement, Extended-A and both blocks of
presentation forms (which scraped PDFs produce)."""

LETTER_RANGES = "\u0620-\u064a\u066e-\u06d3\u06fa-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufefc"
"""The letters of every Arabic block, tatweel included; not its digits, punctuation or marks."""

LETTER = re.compile(f"[{LETTER_RANGES}]")
"""One Arabic letter: what the script check counts and what an untranslated target still holds."""

CORE_LETTER_RANGES = "\u0621-\u063a\u0641-\u064a\u0671-\u06d3\u06fa-\u06fc"
"""The letters of running Arabic text (no tatweel, no presentation forms): a terminator glued
to one of them is a lost space between two sentences."""

HAMZA_TO_YEH = "\u0621-\u064a"
"""Hamza to yeh (tatweel included): the letters that a word joined to the next can end or start with."""

TATWEEL = "\u0640"
"""The stretching stroke (مـــدرسة): typography, never part of a word."""

OPTIONAL_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
"""Short vowels, shadda, sukun, Quranic marks and tatweel: all optional in Arabic print."""

_FOLDED_LETTERS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ؤ": "و", "ئ": "ي", "ة": "ه"})


def is_letter(ch: str) -> bool:
    """An alphabetic character of one of the Arabic script's blocks (presentation forms included)."""
    code = ord(ch)
    return ch.isalpha() and (
        0x0600 <= code <= 0x06FF
        or 0x0750 <= code <= 0x077F
        or 0x08A0 <= code <= 0x08FF
        or 0xFB50 <= code <= 0xFDFF
        or 0xFE70 <= code <= 0xFEFF
    )


def bare(word: str) -> str:
    """Without combining marks (of any script) and tatweel: the form a word is looked up in; the text itself is never changed."""
    return "".join(ch for ch in word if ch != TATWEEL and not unicodedata.category(ch).startswith("M"))


def fold(text: str) -> str:
    """Without optional marks, and with the letters writers interchange made one (أ إ آ ٱ → ا, ى ئ → ي, ؤ → و, ة → ه).

    Glossary terms are matched in this form: "الأمم" and "الامم" are the same term as typed by two people.
    """
    return OPTIONAL_MARKS.sub("", text).translate(_FOLDED_LETTERS)


# -- digits ----------------------------------------------------------------------------

WESTERN_DIGITS = "0123456789"
ARABIC_INDIC_DIGITS = "٠١٢٣٤٥٦٧٨٩"
"""U+0660–0669, the digits of Arabic text in the Arab world."""
EXTENDED_ARABIC_INDIC_DIGITS = "۰۱۲۳۴۵۶۷۸۹"
"""U+06F0–06F9, the Persian and Urdu forms, which Arabic text pasted from elsewhere carries."""

TO_WESTERN_DIGITS = str.maketrans(ARABIC_INDIC_DIGITS + EXTENDED_ARABIC_INDIC_DIGITS, WESTERN_DIGITS * 2)
"""For ``str.translate``: ٤٣٠ and ۴۳۰ become 430, so numbers compare across the two sides."""

WESTERN_DIGIT_RANGE = "0-9"
ARABIC_INDIC_DIGIT_RANGE = "٠-٩"
ANY_DIGIT_RANGE = "0-9٠-٩۰-۹"
"""Western, Arabic-Indic and extended Arabic-Indic digits, for a character class."""
