"""TMX 1.4: the translation memory that Trados, memoQ, OmegaT and Phrase import.

Only beads with text on both sides become translation units; a 1-0 or 0-1
bead is no translation and would pollute the memory, so it appears only in
the review page and the TSV.  ``tuid`` is the bead's 1-based number in the
alignment, the same number as the review page's ``#`` column and the TSV's
line number, so a reviewer can find one unit in every output.
"""

from __future__ import annotations

import logging
from xml.sax.saxutils import escape

from translate import TOOL_NAME, __version__
from translate.export.base import Exporter, utc, xml_safe
from translate.model import Alignment, Bead

log = logging.getLogger(__name__)

# A parser turns a literal CR into LF (and tabs/newlines in attributes into
# spaces); character references survive, so the text reads back unchanged.
_TEXT_ENTITIES = {"\r": "&#13;"}
_ATTR_ENTITIES = {'"': "&quot;", "\t": "&#9;", "\n": "&#10;", "\r": "&#13;"}


class TmxExporter(Exporter):
    name = "tmx"

    def render(self, alignment: Alignment) -> str:
        writer = _Writer()
        date = utc(alignment.provenance.created).strftime("%Y%m%dT%H%M%SZ")
        header = {
            "creationtool": TOOL_NAME,
            "creationtoolversion": __version__,
            "segtype": "sentence",
            "o-tmf": TOOL_NAME,
            "adminlang": "en",
            "srclang": alignment.source.lang,
            "datatype": "plaintext",
            "creationdate": date,
        }
        props = [(f"x-{TOOL_NAME}-{key}", value) for key, value in alignment.provenance.items()]
        if alignment.source.name:
            props.append((f"x-{TOOL_NAME}-source-document", alignment.source.name))
        if alignment.target.name:
            props.append((f"x-{TOOL_NAME}-target-document", alignment.target.name))

        lines = [
            '<?xml version="1.0" encoding="UTF-8"?>',
            '<!DOCTYPE tmx SYSTEM "tmx14.dtd">',
            '<tmx version="1.4">',
            f"  <header{writer.attrs(header)}>",
            *(f"    {writer.prop(kind, value)}" for kind, value in props),
            "  </header>",
            "  <body>",
        ]
        for number, bead in enumerate(alignment.beads, start=1):
            if bead.source and bead.target:
                lines.extend(_unit(writer, alignment, bead, number, date))
        lines += ["  </body>", "</tmx>", ""]
        if writer.removed:
            log.warning("TMX: removed %d character(s) that XML does not allow", writer.removed)
        return "\n".join(lines)


def _unit(writer: _Writer, alignment: Alignment, bead: Bead, number: int, date: str) -> list[str]:
    props = [("x-origin", bead.origin.value)]
    if bead.score is not None:
        props.append(("x-score", f"{bead.score:.4f}"))
    if bead.flags:
        props.append(("x-flags", ",".join(bead.flags)))
    props.append(("x-bead", bead.kind))
    lines = [f"    <tu{writer.attrs({'tuid': str(number), 'creationdate': date})}>"]
    lines += [f"      {writer.prop(kind, value)}" for kind, value in props]
    for lang, text in (
        (alignment.source.lang, alignment.source_text(bead)),
        (alignment.target.lang, alignment.target_text(bead)),
    ):
        lines += [
            f"      <tuv{writer.attrs({'xml:lang': lang})}>",
            f"        <seg>{writer.text(text)}</seg>",
            "      </tuv>",
        ]
    lines.append("    </tu>")
    return lines


class _Writer:
    """Escapes text for XML and counts the characters it had to drop."""

    def __init__(self) -> None:
        self.removed = 0

    def _clean(self, text: str) -> str:
        cleaned, removed = xml_safe(text)
        self.removed += removed
        return cleaned

    def text(self, text: str) -> str:
        return escape(self._clean(text), _TEXT_ENTITIES)

    def attrs(self, attributes: dict[str, str]) -> str:
        return "".join(
            f' {key}="{escape(self._clean(value), _ATTR_ENTITIES)}"'
            for key, value in attributes.items()
        )

    def prop(self, kind: str, value: str) -> str:
        return f"<prop{self.attrs({'type': kind})}>{self.text(value)}</prop>"
