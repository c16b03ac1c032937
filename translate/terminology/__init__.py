"""A team's terminology: termbases read from TBX, CSV or TSV, and found in Arabic text with its clitics.

:mod:`~translate.terminology.termbase` reads a termbase into :class:`Glossary`;
:mod:`~translate.terminology.matcher` finds its terms in a text.  The engine
enforces them while decoding (:mod:`translate.translation.terms`) and the QA
check looks for them afterwards (:mod:`translate.qa.glossary`); both use this
one matcher, so what is enforced is exactly what is checked.
"""

from translate.terminology.entry import Term
from translate.terminology.formats import load_glossary, parse_csv, parse_glossary
from translate.terminology.matcher import Occurrence, TermMatcher
from translate.terminology.termbase import Glossary

__all__ = ["Glossary", "Occurrence", "Term", "TermMatcher", "load_glossary", "parse_csv", "parse_glossary"]
