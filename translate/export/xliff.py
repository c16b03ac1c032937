"""XLIFF 1.2 for post-editing in a CAT tool: Arabic source, machine translation as a target to review.

One ``<trans-unit>`` per bead (one per sentence for a translated article),
its id the bead number (the TMX ``tuid`` and the review page's ``#``).  The
article's paragraphs and headings are kept as ``<group>`` elements, so a CAT
tool shows the document's structure and a converter can rebuild it.

Target states (XLIFF 1.2 ``state`` / ``state-qualifier``), by the bead's origin:

- ``mt``: ``needs-review-translation`` / ``mt-suggestion`` — a draft to post-edit;
- ``tm``: ``needs-review-translation`` / ``leveraged-tm``;
- ``human``: ``translated`` (an aligned existing translation).

A bead without a target (1-0) is a trans-unit without ``<target>``: still
to translate.  A target sentence without source (0-1) cannot be a
trans-unit; it is kept as a note on the unit before it.  Aligner flags and
scores become ``<note>``s.  Valid against the OASIS XLIFF 1.2 strict schema.

The model's confidence in a machine translation goes where XLIFF 1.2 has a
place for the quality of a proposed translation: ``match-quality`` on an
``<alt-trans>`` that holds the machine translation as a proposal
(``alttranstype="proposal"``, ``origin="machine-translation"``), written as a
percentage, as CAT tools read ``match-quality`` (``83`` for 0.83); the
confidence itself is in the unit's note too (``confidence: 0.83``), where
OmegaT shows it.  A human match from the memory has neither.
"""

from __future__ import annotations

from collections.abc import Iterator

from translate import TOOL_NAME, __version__
from translate.export.base import Exporter, confidence_text, utc, xml_attrs, xml_text
from translate.flags import flag_list
from translate.model import Alignment, Bead, Origin, ParagraphKind

NAMESPACE = "urn:oasis:names:tc:xliff:document:1.2"

STATES: dict[Origin, tuple[str, str | None]] = {
    Origin.MT: ("needs-review-translation", "mt-suggestion"),
    Origin.TM: ("needs-review-translation", "leveraged-tm"),
    Origin.HUMAN: ("translated", None),
}


class XliffExporter(Exporter):
    name = "xliff"

    def suffix(self, alignment: Alignment) -> str:
        return ".xlf"

    def render(self, alignment: Alignment) -> str:
        source, target = alignment.source, alignment.target
        provenance = alignment.provenance
        file_attrs = {
            "original": source.name or "untitled",
            "source-language": source.lang,
            "target-language": target.lang,
            "datatype": "plaintext",
            "tool-id": TOOL_NAME,
            "date": utc(provenance.created).strftime("%Y-%m-%dT%H:%M:%SZ"),
        }
        tool = {"tool-id": TOOL_NAME, "tool-name": TOOL_NAME, "tool-version": __version__}
        about = "; ".join(f"{key}: {value}" for key, value in provenance.items())
        lines = [
            '<?xml version="1.0" encoding="UTF-8"?>',
            f'<xliff version="1.2" xmlns="{NAMESPACE}">',
            f"  <file{xml_attrs(file_attrs)}>",
            "    <header>",
            f"      <tool{xml_attrs(tool)}/>",
            f'      <note from="{TOOL_NAME}">{xml_text(about)}</note>',
            "    </header>",
            "    <body>",
        ]
        for paragraph, units in _body(alignment):
            kind = source.paragraphs[paragraph].kind if source.paragraphs else ParagraphKind.BODY
            lines.append(f'      <group id="p{paragraph + 1}" restype="x-{kind.value}">')
            lines.extend(line for unit in units for line in unit)
            lines.append("      </group>")
        lines += ["    </body>", "  </file>", "</xliff>", ""]
        return "\n".join(lines)


def _groups(alignment: Alignment) -> Iterator[tuple[int, list[tuple[int, Bead]]]]:
    """Beads by the source paragraph of their first sentence; a bead with no source joins the current one."""
    segments = alignment.source.segments
    current: int | None = None
    members: list[tuple[int, Bead]] = []
    for number, bead in enumerate(alignment.beads, start=1):
        paragraph = segments[bead.source[0]].paragraph if bead.source else current
        if paragraph is None:
            paragraph = 0
        if paragraph != current and members:
            yield current if current is not None else 0, members
            members = []
        current = paragraph
        members.append((number, bead))
    if members:
        yield current if current is not None else 0, members


def _body(alignment: Alignment) -> list[tuple[int, list[list[str]]]]:
    """Groups of trans-units (each a list of lines); a 0-1 bead becomes a note on the unit before it."""
    groups: list[tuple[int, list[list[str]]]] = []
    last: list[str] | None = None
    orphans: list[str] = []
    for paragraph, beads in _groups(alignment):
        group: list[list[str]] = []
        for number, bead in beads:
            if not bead.source:
                note = _note(f"#{number}: target sentence with no source counterpart: {alignment.target_text(bead)}")
                if last is None:
                    orphans.append(note)
                else:
                    last.insert(-1, note)
                continue
            unit = _unit(alignment, number, bead)
            unit[-1:-1], orphans = orphans, []
            group.append(unit)
            last = unit
        if group:
            groups.append((paragraph, group))
    return groups


def _note(text: str) -> str:
    return f'          <note from="{TOOL_NAME}">{xml_text(text)}</note>'


def _unit(alignment: Alignment, number: int, bead: Bead) -> list[str]:
    lines = [f'        <trans-unit id="{number}" xml:space="preserve">']
    lines.append(f"          <source{xml_attrs({'xml:lang': alignment.source.lang})}>{xml_text(alignment.source_text(bead))}</source>")
    if bead.target:
        state, qualifier = STATES[bead.origin]
        attrs = {"xml:lang": alignment.target.lang, "state": state}
        if qualifier:
            attrs["state-qualifier"] = qualifier
        lines.append(f"          <target{xml_attrs(attrs)}>{xml_text(alignment.target_text(bead))}</target>")
        if bead.confidence is not None:
            lines += _proposal(alignment, bead, bead.confidence)
    notes = []
    if bead.flags:
        notes.append("flags: " + flag_list(bead.flags, ", "))
    details = [f"origin: {bead.origin.value}", f"bead: {bead.kind}"]
    if bead.score is not None:
        details.append(f"score: {bead.score:.4f}")
    if bead.confidence is not None:
        details.append(f"confidence: {confidence_text(bead.confidence)}")
    notes.append("; ".join(details))
    lines.extend(_note(text) for text in notes)
    lines.append("        </trans-unit>")
    return lines


def _proposal(alignment: Alignment, bead: Bead, confidence: float) -> list[str]:
    """The machine translation as an ``<alt-trans>`` proposal whose ``match-quality`` is the model's confidence, in percent."""
    attrs = {
        "match-quality": f"{round(float(confidence_text(confidence)) * 100):d}",  # the shown 0.83 as 83, never 0.835 as 84
        "origin": "machine-translation",
        "tool-id": TOOL_NAME,
        "alttranstype": "proposal",
    }
    return [
        f"          <alt-trans{xml_attrs(attrs)}>",
        f"            <target{xml_attrs({'xml:lang': alignment.target.lang})}>{xml_text(alignment.target_text(bead))}</target>",
        "          </alt-trans>",
    ]

