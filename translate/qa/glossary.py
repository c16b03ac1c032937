"""A team's terminology: which Arabic terms must come out as which English.

Arabic terms are matched on a normalised form (hamza and alef variants,
diacritics and tatweel ignored) and may carry the proclitics و ف ب ل ك and the
article ال, as they do in running text: وللأمم المتحدة still contains الأمم
المتحدة.  The English is looked for case-insensitively, allowing a plural s,
unless the entry is marked do-not-translate, when it must appear exactly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from translate.arabic import fold
from translate.errors import TarjamaError
from translate.textio import read_text

_WORD = re.compile(r"[^\W\d_]+|\d+")
# Longest first: a word is tried without each proclitic cluster it may start with.
_PROCLITICS = sorted(
    {"و", "ف", "ب", "ل", "ك", "ال", "وال", "فال", "بال", "كال", "لل", "ولل", "فلل", "وب", "فب", "ول", "فل", "وك", "فك"},
    key=len,
    reverse=True,
)
_DNT_MARKS = {"dnt", "do-not-translate", "donottranslate", "x", "yes", "true", "1", "keep"}


def _forms(word: str) -> set[str]:
    """The word and the word without a leading proclitic cluster, article included."""
    forms = {word}
    for clitic in _PROCLITICS:
        if word.startswith(clitic) and len(word) - len(clitic) >= 2:
            forms.add(word[len(clitic) :])
    # لل + noun is ل + ال + noun: the noun with its article is a form too.
    if word.startswith("لل") and len(word) > 4:
        forms.add("ال" + word[2:])
    return forms


def _strip_article(word: str) -> str:
    return word[2:] if word.startswith("ال") and len(word) > 3 else word


@dataclass(frozen=True, slots=True)
class Term:
    arabic: str
    english: str
    do_not_translate: bool = False
    line: int = 0

    @property
    def key(self) -> tuple[str, ...]:
        return tuple(_WORD.findall(fold(self.arabic)))

    def required(self) -> re.Pattern[str]:
        words = [re.escape(w) for w in self.english.split()]
        if self.do_not_translate:
            return re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)")
        return re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?:s|es)?(?!\w)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Glossary:
    terms: tuple[Term, ...]
    name: str = ""

    @property
    def signature(self) -> str:
        return f"glossary={self.name or 'inline'} terms={len(self.terms)}"

    def terms_in(self, source: str) -> list[Term]:
        words = _WORD.findall(fold(source))
        forms = [_forms(w) for w in words]
        bare = [{_strip_article(f) for f in fs} for fs in forms]
        found = []
        for term in self.terms:
            key = term.key
            if not key:
                continue
            first, rest = _strip_article(key[0]), [_strip_article(k) for k in key[1:]]
            for i in range(len(words) - len(key) + 1):
                if first in bare[i] and all(rest[j] in bare[i + 1 + j] for j in range(len(rest))):
                    found.append(term)
                    break
        return found

    def violations(self, source: str, target: str) -> list[Term]:
        return [t for t in self.terms_in(source) if not t.required().search(target)]


def parse_glossary(text: str, name: str = "") -> Glossary:
    terms = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        columns = [c.strip() for c in line.split("\t")]
        if len(columns) < 2 or not columns[0] or not columns[1]:
            raise TarjamaError(f"{name or 'glossary'}:{number}: expected 'arabic<TAB>english[<TAB>dnt]'")
        dnt = len(columns) > 2 and columns[2].lower() in _DNT_MARKS
        if len(columns) > 2 and columns[2] and not dnt:
            raise TarjamaError(f"{name or 'glossary'}:{number}: unknown third column {columns[2]!r} (use dnt to mark do-not-translate)")
        terms.append(Term(columns[0], columns[1], dnt, number))
    if not terms:
        raise TarjamaError(f"{name or 'glossary'}: no terms found")
    return Glossary(tuple(terms), name)


def load_glossary(path: str) -> Glossary:
    return parse_glossary(read_text(path), Path(path).name)
