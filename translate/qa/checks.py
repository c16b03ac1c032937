"""One function per QA check: each looks at one source–target pair and returns its flags.

A flag is a :class:`~translate.flags.Flag`: a registered name and a detail that
tells the translator what to look at (``numbers: missing 430``).  Details never
contain a comma, so flags can be listed comma-separated.
"""

from __future__ import annotations

import math
import re

from translate import arabic
from translate.flags import ARABIC_SCRIPT, EMPTY, LENGTH, LOW_CONFIDENCE, NUMBERS, REPETITION, UNTRANSLATED, Flag
from translate.qa import numbers as _numbers

# Gale–Church style length model, fitted by scripts/calibrate_qa.py on 14,773 real
# Arabic–English pairs (NTREX, FLORES-200, TICO-19, Tatoeba references): English
# characters per Arabic character, and the variance of the difference per Arabic
# character.  |z| > 3.3 flags 0.2 % of those human pairs.
LENGTH_RATIO = 1.140
LENGTH_VARIANCE = 3.805
LENGTH_Z_LIMIT = 3.3

# Degenerate output: the same word n-gram three times in a row ("the the the"),
# or a short letter pattern six times in a row ("N-N-N-N-N-N-", line 1315 of the
# real TICO-19 output of opus-mt-ar-en).
_TOKEN = re.compile(r"\w+|[^\w\s]")
_CHAR_RUN = re.compile(r"(\S{1,8}?)\1{5,}")
NGRAM_MAX = 4
NGRAM_REPEATS = 3


def low_confidence(confidence: float | None, threshold: float) -> list[Flag]:
    """A machine translation the model was unsure of; compared as shown (two decimals), so a flagged 0.50 never sits at 0.5."""
    if confidence is None or round(confidence, 2) >= threshold:
        return []
    return [LOW_CONFIDENCE.flag(f"{confidence:.2f}")]


def empty_or_untranslated(source: str, target: str) -> list[Flag]:
    if not target.strip():
        return [EMPTY.flag()] if source.strip() else []
    if arabic.LETTER.search(source) and " ".join(target.split()) == " ".join(source.split()):
        return [UNTRANSLATED.flag()]
    return []


def arabic_script(source: str, target: str) -> list[Flag]:
    """Arabic letters left in the English (not when the whole target is the untranslated source)."""
    letters = arabic.LETTER.findall(target)
    if not letters or " ".join(target.split()) == " ".join(source.split()):
        return []
    words = re.findall(f"\\S*[{arabic.SCRIPT_RANGES}]\\S*", target)
    return [ARABIC_SCRIPT.flag(" ".join(words[:3]))]


def number_mismatch(source: str, target: str) -> list[Flag]:
    missing, extra = _numbers.mismatch(source, target)
    if not missing and not extra:
        return []
    detail = []
    if missing:
        detail.append("missing " + " ".join(missing))
    if extra:
        detail.append("extra " + " ".join(extra))
    return [NUMBERS.flag("; ".join(detail))]


def length_z(source: str, target: str) -> float:
    """How many standard deviations the target's length is from what the source's predicts."""
    src, tgt = len(source.strip()), len(target.strip())
    return (tgt - src * LENGTH_RATIO) / math.sqrt(max(src, 1) * LENGTH_VARIANCE)


def length_outlier(source: str, target: str) -> list[Flag]:
    if not source.strip() or not target.strip():
        return []
    z = length_z(source, target)
    if abs(z) <= LENGTH_Z_LIMIT:
        return []
    return [LENGTH.flag(f"{'too long' if z > 0 else 'too short'} (z={z:+.1f})")]


def repetition(source: str, target: str) -> list[Flag]:
    run = _CHAR_RUN.search(target)
    if run and any(c.isalpha() for c in run.group(1)):
        return [REPETITION.flag(f"{run.group(1)}×{len(run.group()) // len(run.group(1))}")]
    gram = _repeated_ngram([t.lower() for t in _TOKEN.findall(target)])
    # A repetition the source has too ("جدا جدا جدا") is the author's, not the model's.
    if gram and not _repeated_ngram(_TOKEN.findall(source)):
        return [REPETITION.flag(f"{' '.join(gram)}×{NGRAM_REPEATS}+")]
    return []


def _repeated_ngram(tokens: list[str]) -> list[str] | None:
    """The first word n-gram (n ≤ NGRAM_MAX) that occurs NGRAM_REPEATS times in a row."""
    for n in range(1, NGRAM_MAX + 1):
        for start in range(len(tokens) - n * NGRAM_REPEATS + 1):
            gram = tokens[start : start + n]
            if any(t.isalnum() for t in gram) and all(
                tokens[start + k * n : start + (k + 1) * n] == gram for k in range(1, NGRAM_REPEATS)
            ):
                return gram
    return None
