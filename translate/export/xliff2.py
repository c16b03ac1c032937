"""XLIFF 2.0 for CAT tools and pipelines that have moved on from 1.2 (``--to xliff2``).

The same content as the 1.2 file (:mod:`translate.export.xliff`): one
``<unit>`` per bead with a source, ``<group>``s for the article's
paragraphs, notes for flags and scores, and an English sentence without
source as a note on the unit before it.  XLIFF 2 has four states
(initial, translated, reviewed, final) and no "needs review": a machine
translation is ``state="translated"`` with ``subState="tarjama:mt"`` (a TM
match ``tarjama:tm``, an aligned human translation ``tarjama:human``), so it
is still to be reviewed; a unit without translation has no ``<target>``
(state ``initial``).  Written as version 2.0, valid against the OASIS 2.0
core schema, which XLIFF 2.1 keeps unchanged.

The model's confidence in a machine translation is unit metadata, in the
Metadata module XLIFF 2 provides for it (``urn:oasis:names:tc:xliff:metadata:2.0``,
the first child of ``<unit>``, as the core allows for module elements)::

    <mda:metadata><mda:metaGroup category="tarjama" appliesTo="target">
      <mda:meta type="confidence">0.83</mda:meta></mda:metaGroup></mda:metadata>

The Translation Candidates module (``mtc:match`` with ``matchQuality``) is not
used: it is for candidates other than the target, and would repeat the
machine translation in every unit.  A human match from the memory has no
metadata.
"""

from __future__ import annotations

from translate import TOOL_NAME
from translate.export.base import Exporter, confidence_text, xml_attrs, xml_text
from translate.export.xliff import _groups
from translate.flags import flag_list
from translate.model import Alignment, Bead, ParagraphKind

NAMESPACE = "urn:oasis:names:tc:xliff:document:2.0"
METADATA = "urn:oasis:names:tc:xliff:metadata:2.0"


class Xliff2Exporter(Exporter):
    name = "xliff2"

    def suffix(self, alignment: Alignment) -> str:
        return ".xliff2.xlf"

    def render(self, alignment: Alignment) -> str:
        source, target = alignment.source, alignment.target
        about = "; ".join(f"{key}: {value}" for key, value in alignment.provenance.items())
        lines = [
            '<?xml version="1.0" encoding="UTF-8"?>',
            f'<xliff xmlns="{NAMESPACE}" version="2.0"{xml_attrs({"srcLang": source.lang, "trgLang": target.lang})}>',
            f"  <file{xml_attrs({'id': 'f1', 'original': source.name or 'untitled'})}>",
            f'    <notes><note category="{TOOL_NAME}:provenance">{xml_text(about)}</note></notes>',
        ]
        units: list[tuple[int, list[str], int, Bead]] = []  # (paragraph, notes, number, bead) in order
        orphans: list[str] = []
        for paragraph, beads in _groups(alignment):
            for number, bead in beads:
                if not bead.source:
                    note = f"#{number}: target sentence with no source counterpart: {alignment.target_text(bead)}"
                    (units[-1][1] if units else orphans).append(note)
                    continue
                notes, orphans = orphans, []
                if bead.flags:
                    notes.insert(0, "flags: " + flag_list(bead.flags, ", "))
                details = [f"origin: {bead.origin.value}", f"bead: {bead.kind}"]
                if bead.score is not None:
                    details.append(f"score: {bead.score:.4f}")
                if bead.confidence is not None:
                    details.append(f"confidence: {confidence_text(bead.confidence)}")
                notes.insert(1 if bead.flags else 0, "; ".join(details))
                units.append((paragraph, notes, number, bead))
        current: int | None = None
        for paragraph, notes, number, bead in units:
            if paragraph != current:
                if current is not None:
                    lines.append("    </group>")
                kind = source.paragraphs[paragraph].kind if source.paragraphs else ParagraphKind.BODY
                lines.append(f'    <group id="p{paragraph + 1}" type="{TOOL_NAME}:{kind.value}">')
                current = paragraph
            lines.append(f'      <unit id="u{number}" name="{number}">')
            if bead.confidence is not None:
                lines.append(_metadata(bead.confidence))
            lines.append("        <notes>" + "".join(f'<note category="{TOOL_NAME}">{xml_text(n)}</note>' for n in notes) + "</notes>")
            if bead.target:
                lines.append(f'        <segment id="s{number}" state="translated" subState="{TOOL_NAME}:{bead.origin.value}">')
            else:
                lines.append(f'        <segment id="s{number}">')
            lines.append(f'          <source xml:space="preserve">{xml_text(alignment.source_text(bead))}</source>')
            if bead.target:
                lines.append(f'          <target xml:space="preserve">{xml_text(alignment.target_text(bead))}</target>')
            lines += ["        </segment>", "      </unit>"]
        if current is not None:
            lines.append("    </group>")
        else:
            lines.append('    <group id="empty"/>')  # a <file> must hold a unit or a group
        lines += ["  </file>", "</xliff>", ""]
        return "\n".join(lines)


def _metadata(confidence: float) -> str:
    """The unit's ``mda:metadata`` with the confidence (the namespace declared on it: the rest of the file is unchanged)."""
    return (
        f'        <mda:metadata xmlns:mda="{METADATA}"><mda:metaGroup category="{TOOL_NAME}" appliesTo="target">'
        f'<mda:meta type="confidence">{confidence_text(confidence)}</mda:meta></mda:metaGroup></mda:metadata>'
    )
