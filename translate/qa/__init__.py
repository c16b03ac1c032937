"""Quality flags that tell a post-editor where to look first.

Each check is a small pure function in :mod:`translate.qa.checks`; a glossary
(:mod:`translate.qa.glossary`) adds terminology checks.  ``check_alignment``
puts the flags on the beads, where every exporter shows them.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Iterable

from translate.flags import GLOSSARY, QA_FLAGS, Flag
from translate.model import Alignment, Bead
from translate.qa import checks
from translate.qa.glossary import Glossary, load_glossary, parse_glossary
from translate.settings import QaSettings
from translate.wording import counted

__all__ = ["FLAGS", "Glossary", "check_alignment", "check_pair", "load_glossary", "parse_glossary", "summary"]

# The QA checks' flags, name → description (the registry in translate.flags has them all).
FLAGS: dict[str, str] = {info.name: info.description for info in QA_FLAGS}

QA_VERSION = "1"


def signature(glossary: Glossary | None = None, qa: QaSettings | None = None) -> str:
    parts = [
        f"tarjama-qa/{QA_VERSION}",
        f"length-z>{checks.LENGTH_Z_LIMIT:g}",
        f"repeat=ngram<={checks.NGRAM_MAX}x{checks.NGRAM_REPEATS}",
    ]
    if qa is not None:
        parts.append(qa.signature)
    if glossary is not None:
        parts.append(glossary.signature)
    return " ".join(parts)


def check_pair(source: str, target: str, glossary: Glossary | None = None) -> tuple[Flag, ...]:
    """All flags for one source–target pair, in a fixed order."""
    blocking = checks.empty_or_untranslated(source, target)
    if blocking:
        return tuple(blocking)
    flags = [
        *checks.number_mismatch(source, target),
        *checks.arabic_script(source, target),
        *checks.length_outlier(source, target),
        *checks.repetition(source, target),
    ]
    if glossary is not None:
        for term in glossary.violations(source, target):
            flags.append(GLOSSARY.flag(f"{term.arabic} → {term.english}".replace(",", " ")))
    return tuple(flags)


def check_alignment(alignment: Alignment, glossary: Glossary | None = None, qa: QaSettings | None = None) -> Alignment:
    """The alignment with QA flags added to every bead that pairs a source with a target.

    ``qa`` is given for a machine translation (``tarjama translate``): its
    beads' confidence is checked too; an existing translation has none.
    """
    beads = []
    for bead in alignment.beads:
        if bead.source and bead.target:
            found = check_pair(alignment.source_text(bead), alignment.target_text(bead), glossary)
            if qa is not None:
                found += tuple(checks.low_confidence(bead.confidence, qa.min_confidence))
            bead = dataclasses.replace(bead, flags=bead.flags + tuple(f for f in found if f not in bead.flags))
        beads.append(bead)
    provenance = dataclasses.replace(alignment.provenance, qa=signature(glossary, qa))
    return dataclasses.replace(alignment, beads=tuple(beads), provenance=provenance)


def summary(beads: Iterable[Bead]) -> str | None:
    """``3 segments flagged: 2 numbers, 1 repetition`` (None when nothing is flagged)."""
    flagged = 0
    counts: Counter[str] = Counter()
    for bead in beads:
        names = {f.name for f in bead.flags}
        if names:
            flagged += 1
            counts.update(names)
    if not flagged:
        return None
    detail = ", ".join(f"{n} {name}" for name, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
    return f"{counted(flagged, 'segment')} flagged: {detail}"
