"""A team's termbase read from the files CAT tools export: TBX (ISO 30042, TBX-Basic), CSV, or tarjama's TSV.

Whatever the format, a termbase becomes the same :class:`Glossary` of
:class:`Term` values, and its :attr:`Glossary.digest` is computed from the
terms, not from the file's bytes: the same terms exported as TBX and as CSV
are the same termbase, give the same drafts and carry the same hash.

A damaged file is refused whole, with one line naming the file and the place
(a line of a CSV or TSV, an entry of a TBX): enforcing half a termbase would
give a draft that looks terminology-checked and is not.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from translate.errors import TarjamaError
from translate.terminology.entry import Term
from translate.terminology.matcher import TermMatcher


@dataclass(frozen=True, slots=True)
class Glossary:
    """A termbase: its terms (in file order) and the file's name."""

    terms: tuple[Term, ...]
    name: str = ""
    _matcher: TermMatcher | None = field(default=None, init=False, repr=False, compare=False, hash=False)

    @property
    def matcher(self) -> TermMatcher:
        """The terms compiled for matching, once per termbase (50,000 terms take a second to compile)."""
        if self._matcher is None:
            object.__setattr__(self, "_matcher", TermMatcher(self.terms))
        assert self._matcher is not None
        return self._matcher

    def terms_in(self, source: str) -> list[Term]:
        """The distinct terms ``source`` contains, in order (clitics and spelling variants understood)."""
        return self.matcher.terms_in(source)

    def violations(self, source: str, target: str) -> list[Term]:
        """The terms of ``source`` whose required English ``target`` lacks."""
        return [t for t in self.terms_in(source) if not t.required().search(target)]

    @property
    def digest(self) -> str:
        """sha256 of the terms' identities, sorted: format and order do not change it, any term's change does."""
        text = "\n".join(sorted(t.identity for t in self.terms))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    @property
    def signature(self) -> str:
        """The termbase in provenance: its name, the first 12 hex digits of :attr:`digest` and its size."""
        return f"termbase={self.name or 'inline'} sha256:{self.digest[:12]} terms={len(self.terms)}"


def _checked(terms: list[Term], name: str) -> Glossary:
    label = name or "glossary"
    if not terms:
        raise TarjamaError(f"{label}: no terms found")
    for term in terms:
        if not term.key:
            raise TarjamaError(f"{label}:{term.line}: the Arabic term {term.arabic!r} has no letters or digits")
    return Glossary(tuple(terms), name)


