"""Numbers as values, so that ٤٣٠ and 430, ١٢٫٥ and 12.5, 1,000 and 1000 compare equal.

A number that differs between source and target is the MT error a reader is
least likely to catch and a client most likely to complain about.
"""

from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal, InvalidOperation

from translate import arabic

# A clock time, a digit run with decimal or thousands separators inside, then
# what may follow it: an English ordinal or decade suffix ("15th", "1960s", "20s"
# — which Arabic usually writes in words) or a scale word ("10 آلاف" = 10,000).
_TIME_WORDS = r"[ap]\.?m\b|GMT|UTC|ص\b|م\b|صباح|مساء|بتوقيت|بالتوقيت|التوقيت|غرينتش|جرينتش"
_NUMBER = re.compile(
    rf"(?P<time>\b\d{{1,2}}:\d{{2}}\b|\b\d{{1,2}}\.\d{{2}}(?=\s*(?:{_TIME_WORDS})))"
    r"|(?P<hour>\b\d{1,2})(?=\s*(?:[ap]\.?m\b|صباح|مساء))"
    r"|(?P<glued>(?<=[A-Za-z])\d+)"
    r"|(?P<num>\d+(?:[.,٫٬]\d+)*)(?:(?P<suffix>st|nd|rd|th|s|'s)(?![A-Za-z]))?"
    r"(?:\+?\s*(?P<scale>thousand|million|billion|trillion|ألف|الف|آلاف|الاف|مليون|ملايين|مليار|مليارات|بليون|تريليون)(?!\w))?",
    re.IGNORECASE,
)
_SCALES = {
    "thousand": 1000, "ألف": 1000, "الف": 1000, "آلاف": 1000, "الاف": 1000,
    "million": 10**6, "مليون": 10**6, "ملايين": 10**6,
    "billion": 10**9, "مليار": 10**9, "مليارات": 10**9, "بليون": 10**9, "trillion": 10**12, "تريليون": 10**12,
}

# Number words cheap to match exactly; enough for "three people" ↔ "3 أشخاص".
_ENGLISH_WORDS: dict[str, int | Decimal] = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30,
    "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100,
    "thousand": 1000, "million": 10**6, "billion": 10**9, "dozen": 12, "first": 1, "second": 2,
    "third": 3, "fourth": 4, "fifth": 5, "half": Decimal("0.5"), "once": 1, "twice": 2, "single": 1,
    "both": 2, "double": 2, "pair": 2, "decade": 10, "century": 100,
}
_ARABIC_WORDS: dict[str, int | Decimal] = {
    "واحد": 1, "واحدة": 1, "اثنان": 2, "اثنين": 2, "اثنتان": 2, "اثنتين": 2, "ثلاث": 3, "ثلاثة": 3,
    "أربع": 4, "أربعة": 4, "خمس": 5, "خمسة": 5, "ست": 6, "ستة": 6, "سبع": 7, "سبعة": 7, "ثمان": 8,
    "ثماني": 8, "ثمانية": 8, "تسع": 9, "تسعة": 9, "عشر": 10, "عشرة": 10, "عشرون": 20, "عشرين": 20,
    "ثلاثون": 30, "ثلاثين": 30, "أربعون": 40, "أربعين": 40, "خمسون": 50, "خمسين": 50, "مائة": 100,
    "مئة": 100, "ألف": 1000, "آلاف": 1000, "مليون": 10**6, "ملايين": 10**6, "مليار": 10**9,
    "نصف": Decimal("0.5"), "الأول": 1, "الأولى": 1, "الثاني": 2, "الثانية": 2, "الثالث": 3, "الثالثة": 3,
    "مرتين": 2, "مرة": 1, "عقد": 10, "قرن": 100, "الرابع": 4, "الرابعة": 4, "الخامس": 5, "الخامسة": 5,
    "السادس": 6, "السادسة": 6, "السابع": 7, "السابعة": 7, "الثامن": 8, "الثامنة": 8, "التاسع": 9, "التاسعة": 9,
    "العاشر": 10, "العاشرة": 10,
}
_WORD = re.compile(r"[^\W\d_]+")
_ARABIC_PREFIXES = ("وال", "بال", "فال", "و", "ب", "ف", "ل", "ال")


def _value(token: str) -> str | None:
    """Canonical decimal string of a numeral such as "1,250.5" or "١٢٫٥"."""
    token = token.translate(arabic.TO_WESTERN_DIGITS).replace("٫", ".").replace("٬", ",")
    if token.count(".") > 1:  # "1.2.3": a version or a date; compare it as written
        return token.replace(",", "")
    integer, dot, fraction = token.partition(".")
    groups = integer.split(",")
    if len(groups) == 2 and not dot and len(groups[1]) != 3:
        integer, fraction = groups[0], groups[1]  # "3,5": a decimal comma
    else:
        integer = "".join(groups)  # "1,000,000": thousands separators
    try:
        number = Decimal(f"{integer}.{fraction}" if fraction else integer)
    except InvalidOperation:
        return None
    return format(number.normalize(), "f")


def numbers(text: str) -> tuple[Counter[str], set[str]]:
    """Numbers written with digits: those that must match, and soft ones.

    Soft are ordinals and decades ("the 15th century" is "القرن الخامس عشر",
    "the 1960s" "الستينيات") and digits inside names (R0, H1N1, ACE2): a soft
    number may match a digit on the other side but is never missing or extra.
    """
    hard: Counter[str] = Counter()
    soft: set[str] = set()
    for match in _NUMBER.finditer(text.translate(arabic.TO_WESTERN_DIGITS)):
        if match.group("time"):
            hours, minutes = re.split(r"[:.]", match.group("time"))
            hard[f"{int(hours)}:{minutes}"] += 1
            continue
        if match.group("hour"):
            hard[f"{int(match.group('hour'))}:00"] += 1
            continue
        if match.group("glued"):  # part of a name such as R0, H1N1 or ACE2
            soft.add(str(int(match.group("glued"))))
            continue
        value = _value(match.group("num"))
        if value is None:
            continue
        scale = match.group("scale")
        if scale:
            value = format((Decimal(value) * _SCALES[scale.lower()]).normalize(), "f")
        if match.group("suffix"):
            soft.add(value)
        else:
            hard[value] += 1
    return hard, soft


def word_numbers(text: str, lang: str) -> set[str]:
    """Values of number words, which may stand for a numeral on the other side."""
    table = _ARABIC_WORDS if lang == "ar" else _ENGLISH_WORDS
    values = set()
    if lang == "en":  # "thirty-four"
        for tens, units in re.findall(r"\b([a-z]+ty)[- ]([a-z]+)\b", text.lower()):
            if tens in table and units in table and table[units] < 10:
                values.add(str(table[tens] + table[units]))
    for word in _WORD.findall(text.lower()):
        value = table.get(word)
        if value is None and lang == "ar":
            for prefix in _ARABIC_PREFIXES:
                if word.startswith(prefix) and word[len(prefix) :] in table:
                    value = table[word[len(prefix) :]]
                    break
        if value is not None:
            values.add(format(Decimal(value).normalize(), "f"))
    return values


def mismatch(source: str, target: str) -> tuple[list[str], list[str]]:
    """Numbers missing from the target and numbers the target added, after allowing number words."""
    (src, src_soft), (tgt, tgt_soft) = numbers(source), numbers(target)
    missing = list((src - tgt).elements())
    extra = list((tgt - src).elements())
    if missing:
        spelled = word_numbers(target, "en") | tgt_soft
        missing = [n for n in missing if n not in spelled]
    if extra:
        spelled = word_numbers(source, "ar") | src_soft
        extra = [n for n in extra if n not in spelled]
    return missing, extra
