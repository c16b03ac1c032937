"""One termbase entry, as every format reads it and as the matcher stores it."""

from __future__ import annotations

import re
from dataclasses import dataclass

from translate.arabic import fold

WORD = re.compile(r"[^\W\d_]+|\d+")
"""A word of folded text: a run of letters, or of digits."""

DNT_MARKS = frozenset({"dnt", "do-not-translate", "donottranslate", "do not translate", "x", "yes", "true", "1", "keep",
                       "nontranslatable", "non-translatable", "untranslatable"})
"""What a third column (or a TBX note) may say to mark an entry do-not-translate."""


def _article_free(word: str) -> str:
    return word[2:] if word.startswith("ال") and len(word) > 3 else word


@dataclass(frozen=True, slots=True)
class Term:
    """An Arabic term and the English that must translate it (verbatim, when ``do_not_translate``)."""

    arabic: str
    english: str
    do_not_translate: bool = False
    line: int = 0
    """Where it was read (a line, or a TBX entry's number): named in messages."""

    @property
    def key(self) -> tuple[str, ...]:
        """The term's words as they are matched: folded, each without the article (الأمم المتحدة → امم متحده)."""
        return tuple(_article_free(w) for w in WORD.findall(fold(self.arabic)))

    @property
    def identity(self) -> str:
        """What the term means to a translation, one line: two termbases that agree on it translate alike."""
        return f"{' '.join(self.key)}\t{self.english}\t{'dnt' if self.do_not_translate else ''}"

    def required(self) -> re.Pattern[str]:
        """The English a translation must contain: any case and a plural s, or exactly the words for do-not-translate."""
        words = [re.escape(w) for w in self.english.split()]
        if self.do_not_translate:
            return re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)")
        return re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?:s|es)?(?!\w)", re.IGNORECASE)


