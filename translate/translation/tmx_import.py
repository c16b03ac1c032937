"""Read translation units from a TMX file (1.1–1.4) for the translation memory.

Only human translations are wanted: units that tarjama itself wrote from
machine translation (``<prop type="x-origin">mt</prop>``, or a memory match
that was machine translation) are skipped, so that importing a tarjama draft
never turns MT into a "human" match.  The file is read by the one TMX reader
(:mod:`translate.tmxread`), under the one XML policy that ``validate`` uses.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from translate.tmxread import read_units


@dataclass(slots=True)
class TmxUnits:
    pairs: list[tuple[str, str]] = field(default_factory=list)
    skipped: Counter = field(default_factory=Counter)


def read_tmx(path: str | Path, source_lang: str = "ar", target_lang: str = "en") -> TmxUnits:
    """Pairs (source, target) of every unit with both languages and human origin."""
    units = TmxUnits()
    for unit in read_units(path):
        if unit.origin == "mt":
            units.skipped["machine translation"] += 1
            continue
        source, target = unit.text(source_lang), unit.text(target_lang)
        if not source or not target:
            units.skipped[f"no {source_lang} and {target_lang} text"] += 1
            continue
        units.pairs.append((source, target))
    return units
