"""The English draft that the translator post-edits: plain text, one paragraph per line."""

from __future__ import annotations

from translate.export.base import Exporter, encodable, primary
from translate.model import Alignment, Paragraph


class DraftExporter(Exporter):
    name = "txt"

    def suffix(self, alignment: Alignment) -> str:
        # en-US is still NAME.en.txt: the file name says the language, the TMX says the locale.
        return f".{primary(alignment.target.lang)}.txt"

    def render(self, alignment: Alignment) -> str:
        lines = [_line(p) for p in alignment.target.paragraphs if p.segments]
        return "\n\n".join(lines) + "\n" if lines else ""


def _line(paragraph: Paragraph) -> str:
    """A line break inside a sentence would split its paragraph in two when the draft is read back."""
    return encodable(" ".join(" ".join(s.text.splitlines()) for s in paragraph.segments))
