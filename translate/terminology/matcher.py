"""Where a termbase's Arabic terms occur in a text: a word trie over folded Arabic, clitics understood.

Arabic writes the conjunctions و ف, the prepositions ب ك ل and the article ال
onto the next word: وللأمم المتحدة is و + ل + الأمم المتحدة.  So each word of the
text is read in all the forms it may stand for (itself, and itself without a
leading proclitic cluster, لل read as ل + ال), each without the article, after
the spelling folds of :func:`translate.arabic.fold` (hamza and alef variants,
ى/ي, ة/ه, diacritics, tatweel).  A term's words are stored the same way, in a
trie keyed by word.

Matching walks the trie from each word of the text along the forms of the
words that follow: the work per word is bounded by the forms a word has (at
most a dozen) times the longest term's length in words, whatever the number of
terms, so a text is matched in time linear in its length (measured with 50,000
terms by ``scripts/bench_terms.py``).  Where terms overlap, the leftmost match
wins, and of those starting at one word the longest (الأمم المتحدة over الأمم);
matches never overlap.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from translate.arabic import fold
from translate.terminology.entry import WORD, Term

log = logging.getLogger(__name__)

# Longest first: a word is read without each proclitic cluster it may start with.
_PROCLITICS = tuple(
    sorted(
        {"و", "ف", "ب", "ل", "ك", "ال", "وال", "فال", "بال", "كال", "لل", "ولل", "فلل", "وب", "فب", "ول", "فل", "وك", "فك", "وبال", "فبال", "وكال", "فكال"},
        key=len,
        reverse=True,
    )
)


def word_forms(word: str) -> frozenset[str]:
    """What a folded word may stand for: itself and without a leading proclitic cluster, each without the article."""
    forms = {word}
    for clitic in _PROCLITICS:
        if word.startswith(clitic) and len(word) - len(clitic) >= 2:
            forms.add(word[len(clitic) :])
    if word.startswith("لل") and len(word) > 4:  # لل + noun is ل + ال + noun
        forms.add("ال" + word[2:])
    return frozenset(f[2:] if f.startswith("ال") and len(f) > 3 else f for f in forms)


@dataclass(frozen=True, slots=True)
class Occurrence:
    """A term found in a text: its words ``first`` to ``last`` (inclusive) and where it sits, as a share of the text."""

    term: Term
    first: int
    last: int
    position: float
    """The term's first word's index over the text's words, in [0, 1): where its translation likely goes."""


class _Node:
    __slots__ = ("children", "term")

    def __init__(self) -> None:
        self.children: dict[str, _Node] = {}
        self.term: Term | None = None


class TermMatcher:
    """A termbase compiled for matching: build once, then :meth:`find` in any number of texts."""

    def __init__(self, terms: Iterable[Term]) -> None:
        self._root = _Node()
        duplicates = 0
        for term in terms:
            node = self._root
            for word in term.key:
                node = node.children.setdefault(word, _Node())
            if node.term is None:
                node.term = term
            elif node.term.english != term.english:
                duplicates += 1  # the first entry wins, as a CAT tool shows the first
        if duplicates:
            log.warning("%d Arabic terms are given twice with different English; the first is enforced", duplicates)

    def find(self, text: str) -> list[Occurrence]:
        """Every term occurrence in ``text``, left to right, longest at each place, none overlapping."""
        words = WORD.findall(fold(text))
        forms: dict[int, frozenset[str]] = {}

        def forms_of(i: int) -> frozenset[str]:
            if i not in forms:
                forms[i] = word_forms(words[i])
            return forms[i]

        found: list[Occurrence] = []
        i, total = 0, len(words)
        while i < total:
            best = self._longest(i, words, forms_of)
            if best is None:
                forms.pop(i, None)  # what lies behind is never looked at again: memory stays bounded
                i += 1
                continue
            last, term = best
            found.append(Occurrence(term, i, last, i / total))
            for k in range(i, last + 1):
                forms.pop(k, None)
            i = last + 1
        return found

    def _longest(self, start: int, words: list[str], forms_of: Callable[[int], frozenset[str]]) -> tuple[int, Term] | None:
        frontier = [self._root]
        best: tuple[int, Term] | None = None
        j = start
        while frontier and j < len(words):
            following = forms_of(j)
            frontier = [child for node in frontier for form in following if (child := node.children.get(form)) is not None]
            for node in frontier:
                if node.term is not None:
                    best = (j, node.term)
                    break
            j += 1
        return best

    def terms_in(self, text: str) -> list[Term]:
        """The distinct terms found in ``text``, in order of first occurrence."""
        return list(dict.fromkeys(o.term for o in self.find(text)))
