"""TMX 1.4b: the translation memory that Trados, memoQ, OmegaT and Phrase import.

Only beads with text on both sides become translation units; a 1-0 or 0-1
bead is no translation and would pollute the memory, so it appears only in
the review page and the TSV.  ``tuid`` is the bead's 1-based number in the
alignment, the same number as the review page's ``#`` column, the XLIFF
``trans-unit`` id and the TSV's line number, so a reviewer can find one unit
in every output, and the same input always gives the same tuids.

What CAT tools are strict about, and this writer therefore always does:
one language pair per file, ``srclang`` equal to the source ``xml:lang``,
``datatype="plaintext"`` spelled in lowercase, dates as ``YYYYMMDDThhmmssZ``,
no character that XML 1.0 forbids, no empty ``<seg>``.

A machine-translated unit carries the model's confidence in it,
``<prop type="x-confidence">0.83</prop>`` (see docs/confidence.md); a human
match from the memory has none, and no such prop.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from translate import TOOL_NAME, __version__
from translate.export.base import Exporter, confidence_text, utc, xml_attrs, xml_safe, xml_text
from translate.flags import flag_list
from translate.model import Alignment, Bead, Origin


@dataclass(frozen=True, slots=True)
class Unit:
    """One ``<tu>``: a bead with text on both sides, already cleaned for XML."""

    number: int
    bead: Bead
    source: str
    target: str


def units(alignment: Alignment, dedupe: bool = False) -> list[Unit]:
    """The beads a TMX holds; with ``dedupe`` an identical source/target pair is kept once (its first tuid)."""
    seen: set[tuple[str, str]] = set()
    result = []
    for number, bead in enumerate(alignment.beads, start=1):
        if not (bead.source and bead.target) or alignment.left_out(bead):
            continue
        source, _ = xml_safe(alignment.source_text(bead))
        target, _ = xml_safe(alignment.target_text(bead))
        if not source.strip() or not target.strip():
            continue  # an empty <seg> is refused by some tools and matches everything in others
        if dedupe:
            if (source, target) in seen:
                continue
            seen.add((source, target))
        result.append(Unit(number, bead, source, target))
    return result


class TmxExporter(Exporter):
    name = "tmx"

    def __init__(self, dedupe: bool = False) -> None:
        self.dedupe = dedupe

    def render(self, alignment: Alignment) -> str:
        provenance = alignment.provenance
        date = utc(provenance.created).strftime("%Y%m%dT%H%M%SZ")
        header = header_attributes(alignment.source.lang, date)
        props = [(f"x-{TOOL_NAME}-{key}", value) for key, value in provenance.items()]
        if alignment.source.name:
            props.append((f"x-{TOOL_NAME}-source-document", alignment.source.name))
        if alignment.target.name:
            props.append((f"x-{TOOL_NAME}-target-document", alignment.target.name))
        if self.dedupe:
            props.append((f"x-{TOOL_NAME}-dedupe", "identical units written once"))

        lines = head(header, props)
        for unit in units(alignment, self.dedupe):
            lines.extend(_unit(alignment, unit, date))
        lines += ["  </body>", "</tmx>", ""]
        return "\n".join(lines)


def header_attributes(source_lang: str, date: str) -> dict[str, str]:
    """The ``<header>`` attributes of every TMX tarjama writes (``date`` as TMX writes it, ``YYYYMMDDThhmmssZ``)."""
    return {
        "creationtool": TOOL_NAME,
        "creationtoolversion": __version__,
        "segtype": "sentence",
        "o-tmf": TOOL_NAME,
        "adminlang": "en",
        "srclang": source_lang,
        "datatype": "plaintext",
        "creationdate": date,
    }


def head(header: dict[str, str], props: Iterable[tuple[str, str]]) -> list[str]:
    """The lines before the first ``<tu>``: the declaration, the DTD, the header and its props, ``<body>``."""
    return [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<!DOCTYPE tmx SYSTEM "tmx14.dtd">',
        '<tmx version="1.4">',
        f"  <header{xml_attrs(header)}>",
        *(f"    {_prop(kind, value)}" for kind, value in props),
        "  </header>",
        "  <body>",
    ]


def unit_props(alignment: Alignment, bead: Bead) -> list[tuple[str, str]]:
    """Where the unit came from, so that a CAT tool (or a filter on import) can tell MT from human work."""
    props = [("x-origin", bead.origin.value)]
    provenance = alignment.provenance
    if bead.origin is Origin.MT and provenance.model_id:
        props.append(("x-model", provenance.model_id))
        if provenance.model_revision:
            props.append(("x-model-revision", provenance.model_revision))
    if bead.confidence is not None:  # machine translation only: a human match has none
        props.append(("x-confidence", confidence_text(bead.confidence)))
    if bead.score is not None:
        props.append(("x-score", f"{bead.score:.4f}"))
    if bead.flags:
        props.append(("x-flags", flag_list(bead.flags, ",")))
    props.append(("x-bead", bead.kind))
    return props


def _unit(alignment: Alignment, unit: Unit, date: str) -> list[str]:
    lines = [f"    <tu{xml_attrs({'tuid': str(unit.number), 'creationdate': date})}>"]
    lines += [f"      {_prop(kind, value)}" for kind, value in unit_props(alignment, unit.bead)]
    for lang, text in ((alignment.source.lang, unit.source), (alignment.target.lang, unit.target)):
        lines += [
            f"      <tuv{xml_attrs({'xml:lang': lang})}>",
            f"        <seg>{xml_text(text)}</seg>",
            "      </tuv>",
        ]
    lines.append("    </tu>")
    return lines


def _prop(kind: str, value: str) -> str:
    return f"<prop{xml_attrs({'type': kind})}>{xml_text(value)}</prop>"
