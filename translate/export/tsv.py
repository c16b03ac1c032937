"""A two-column ``arabic<TAB>english`` file, one bead a line, for spreadsheets and scripts.

Beads without a counterpart keep their line (with one empty column), so that
line n is bead n everywhere: in the review page and as the TMX ``tuid``.
When QA checks ran (``tarjama translate``, ``tarjama check``) a third column
lists each bead's flags, separated by ``; ``.  A machine translation
(``tarjama translate``) has a fourth column, the model's confidence in each
segment (``0.83``), empty for a human match from the memory.  An alignment
with a ``--min-score`` (``tarjama align``) has two more: the aligner's score of
each pair (empty for a sentence without counterpart) and ``left out`` where the
pair scored below it and the TMX leaves it out.
"""

from __future__ import annotations

import re

from translate.export.base import Exporter, confidence_text, encodable
from translate.flags import flag_list
from translate.model import Alignment

# Tab and every character that str.splitlines() or a spreadsheet takes as a
# line end; any of them inside a text would shift the columns or the lines.
_BREAKS = re.compile("[\t\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")


class TsvExporter(Exporter):
    name = "tsv"

    def render(self, alignment: Alignment) -> str:
        with_flags = alignment.provenance.qa is not None
        with_confidence = alignment.provenance.decoding is not None  # a model's translation, not a human one
        with_dial = alignment.provenance.min_score is not None  # an alignment whose TMX keeps only the pairs scoring enough
        return "".join(
            f"{_cell(alignment.source_text(bead))}\t{_cell(alignment.target_text(bead))}"
            + (f"\t{_cell(flag_list(bead.flags, '; '))}" if with_flags or with_confidence else "")
            + (f"\t{confidence_text(bead.confidence) if bead.confidence is not None else ''}" if with_confidence else "")
            + (f"\t{'' if bead.score is None else f'{bead.score:.4f}'}\t{'left out' if alignment.left_out(bead) else ''}" if with_dial else "")
            + "\n"
            for bead in alignment.beads
        )


def _cell(text: str) -> str:
    return _BREAKS.sub(" ", encodable(text))
