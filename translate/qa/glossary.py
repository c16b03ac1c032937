"""The terminology check: each term of the source has its required English in the target.

The termbase and its matching live in :mod:`translate.terminology` (TBX, CSV,
TSV; clitics and spelling variants understood), shared with the engine, which
enforces the terms while decoding: what the engine enforces is what this check
looks for.  The English is looked for case-insensitively, allowing a plural s,
unless the entry is marked do-not-translate, when it must appear exactly.
"""

from __future__ import annotations

from translate.terminology import Glossary, Term, load_glossary, parse_glossary

__all__ = ["Glossary", "Term", "load_glossary", "parse_glossary"]
