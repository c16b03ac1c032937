"""Which script a text is written in: an English file given as the Arabic source is refused before the model loads.

Why: given English as the Arabic source, tarjama translated it without a
word (exit 0) and labelled English text ``xml:lang="ar"`` in the TMX, which a
CAT tool then imports as Arabic; ``align`` with its two files swapped did the
same.  The check counts letters only (digits, punctuation, URLs' slashes and
Arabic diacritics do not count) and judges a document as a whole, so an Arabic
article quoting English names or acronyms passes; a text with too few letters
to tell is not judged.  ``--no-language-check`` turns it off for the rare text
that really mixes scripts.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

from translate.arabic import LETTER as ARABIC_LETTER
from translate.errors import TarjamaError

LATIN_LETTER = re.compile("[A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u1e00-\u1eff]")
MIN_LETTERS = 20
"""Fewer letters than this (a title, a list of numbers) cannot be judged and passes."""
MIN_SHARE = 0.6
"""The expected script must hold at least this share of a document's letters.

Measured on real articles (tests/fixtures): Arabic news keeps 97–100 % Arabic
letters with its English names and acronyms, English translations 99–100 %
Latin; a wrong file holds 0–5 %.  60 % asks for a clear majority and still
leaves room for a text that is two-fifths quotations in the other language.
"""
OPTION = "--no-language-check"
_EXPECTED = {"ar": ("Arabic", ARABIC_LETTER), "en": ("English", LATIN_LETTER)}


@dataclass(frozen=True, slots=True)
class ScriptCounts:
    """Letters of a text: all of them, the Arabic-script ones and the Latin-script ones."""

    letters: int
    arabic: int
    latin: int

    def share(self, lang: str) -> float:
        """The share of the letters in the script of ``lang`` (``ar`` or ``en``); 0 for a text without letters."""
        count = self.arabic if lang == "ar" else self.latin
        return count / self.letters if self.letters else 0.0


def count_scripts(text: str) -> ScriptCounts:
    """The letters of ``text``, or of an even sample of it past :data:`SAMPLE_CHARS` (a 20 MB file costs no more than 300 KB)."""
    sample = _sample(text)
    size = len(sample)
    return ScriptCounts(
        letters=sum(map(str.isalpha, sample)),
        arabic=size - len(ARABIC_LETTER.sub("", sample)),
        latin=size - len(LATIN_LETTER.sub("", sample)),
    )


SAMPLE_CHARS = 300_000
_WINDOWS = 60


def _sample(text: str) -> str:
    """Evenly spaced windows across the whole text: the script of a document, not only of its first pages."""
    if len(text) <= SAMPLE_CHARS:
        return text
    width = SAMPLE_CHARS // _WINDOWS
    step = len(text) // _WINDOWS
    return "\n".join(text[i * step : i * step + width] for i in range(_WINDOWS))


def mismatch(text: str, lang: str) -> str | None:
    """What is wrong when ``text`` is clearly not in ``lang``'s script ("3% of its letters are Arabic: it looks like …"), else None.

    The one judgement behind the CLI's check and the server's: each words the refusal for its own user.
    """
    counts = count_scripts(text)
    if counts.letters < MIN_LETTERS or counts.share(lang) >= MIN_SHARE:
        return None
    script = "Arabic" if lang == "ar" else "Latin"
    return f"{counts.share(lang):.0%} of its letters are {script}: it looks like {_looks_like(text, counts)}"


def check_script(text: str, lang: str, label: str, role: str = "") -> None:
    """Refuse ``text`` with one line when it is clearly not in ``lang``'s script (``ar``: Arabic, ``en``: Latin).

    ``role`` says what the file was given as (e.g. "the Arabic source"), for the message.
    """
    name, _ = _EXPECTED[lang]
    problem = mismatch(text, lang)
    if problem is None:
        return
    raise TarjamaError(
        f"{label}: given as {role or f'the {name} side'}, but {problem}; check the file and the order of the arguments, "
        f"or pass {OPTION} for a text that really mixes scripts"
    )


def _looks_like(text: str, counts: ScriptCounts) -> str:
    if counts.share("en") >= MIN_SHARE:
        return "English (Latin script)"
    if counts.share("ar") >= MIN_SHARE:
        return "Arabic"
    letters = [c for c in _sample(text)[:100_000] if c.isalpha()][:20_000]
    scripts = Counter(unicodedata.name(c, "UNKNOWN").split()[0].title() for c in letters)
    main = ", ".join(f"{script} {count / max(sum(scripts.values()), 1):.0%}" for script, count in scripts.most_common(3))
    return f"mixed or other scripts ({main})"
