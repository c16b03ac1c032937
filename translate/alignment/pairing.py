"""Beads for machine translation: sentence i of the draft is the translation of source sentence i."""

from __future__ import annotations

from translate.model import Bead, Document, Origin

PAIRING_SIGNATURE = "one-to-one (each source segment with its own translation)"


def pair_translations(source: Document, target: Document, origin: Origin = Origin.MT) -> tuple[Bead, ...]:
    if len(source.segments) != len(target.segments):
        raise ValueError(f"{len(source.segments)} source segments but {len(target.segments)} translations")
    return tuple(Bead((i,), (i,), None, origin) for i in range(len(source.segments)))
