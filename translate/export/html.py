"""A self-contained side-by-side review page: one row per bead, readable offline and on paper.

Every bead is shown, including those without a counterpart, because a
sentence that the aligner could not pair is exactly what a reviewer has to
see.  The page has no script at all and loads nothing, so it can be mailed
or opened from a shared drive as it is, and no text in it can ever run:
the interaction is CSS only — the column headings stay on screen
(``position: sticky``), the row under the pointer highlights a sentence and
its counterpart, and clicking a row's number highlights it (``:target``) and
gives a link to it (``page.html#b17``).

A machine translation's row carries the model's confidence in it:
``data-confidence="0.83"`` on the row (for scripts and tests) and a bar in
its last cell, its length the confidence, red when the segment is flagged
``low-confidence``; a human match says it has none.  Above the table, a
closed ``<details>`` lists the machine translations least confident first,
each linked to its row: the order a post-editor checks them in, without a
script.  Pages of existing translations (``align``, ``check``) have none of it.
"""

from __future__ import annotations

import re
from html import escape

from translate import TOOL_NAME, __version__
from translate.export.base import Exporter, confidence_text, xml_safe
from translate.flags import FLAGS, LOW_CONFIDENCE, TERM, flag_list
from translate.model import Alignment, Bead, Document, Origin, ParagraphKind
from translate.wording import counted

_RTL = {"ar", "he", "fa", "ur"}
_LANGUAGE_NAMES = {"ar": "Arabic", "en": "English", "fa": "Persian", "he": "Hebrew", "ur": "Urdu"}

_CSS = """
body { font-family: system-ui, "Segoe UI", Arial, sans-serif; margin: 1.5rem; color: #1a1a1a; }
h1 { font-size: 1.3rem; margin: 0 0 .3rem; }
mark.term { background: #fff1a8; }
.documents { color: #555; margin: 0 0 1rem; }
.model-note { margin: 0 0 1rem; padding: .4rem .6rem; border: 2px solid #c60; background: #fff1e0; }
table { border-collapse: collapse; width: 100%; table-layout: fixed; }
th, td { border: 1px solid #ccc; padding: .35rem .5rem; vertical-align: top; overflow-wrap: anywhere; }
th { background: #eee; text-align: start; }
thead th { position: sticky; top: 0; z-index: 1; box-shadow: 0 1px 0 #999; }
td[dir="rtl"] { text-align: right; }
td[dir="ltr"] { text-align: left; }
td.num a { color: inherit; text-decoration: none; }
td.num a:hover { text-decoration: underline; }
col.num { width: 3.5rem; }
col.meta { width: 11rem; }
td.num { color: #666; text-align: end; font-variant-numeric: tabular-nums; }
td[dir="rtl"] { font-family: "Noto Naskh Arabic", "Traditional Arabic", "Arial", serif; font-size: 1.15em; }
td.heading { font-weight: bold; font-size: 1.1em; background: #f4f4f8; }
td.none { color: #888; font-style: italic;
  background: repeating-linear-gradient(45deg, #fafafa 0 6px, #f0f0f0 6px 12px); }
td.cleaned { outline: 2px dashed #c60; outline-offset: -3px; }
tr.para-start > td { border-top: 3px solid #667; }
tr.flagged > td { background-color: #fff6d6; }
tbody tr:hover > td { background-color: #e3edff; }
tbody tr:hover > td[lang] { box-shadow: inset 0 0 0 2px #4a78c2; }
tbody tr:target > td { background-color: #d4f0ff; }
tbody tr:target > td.num { box-shadow: inset 4px 0 0 #0a6aa1; }
td.meta { font-size: .85em; }
.badge { display: inline-block; padding: 0 .35em; border-radius: .3em; border: 1px solid #999; }
.origin-mt { background: #dde8fb; }
.origin-tm { background: #dcf3dc; }
.origin-human { background: #eee; }
.flags { display: block; color: #8a5a00; }
footer { margin-top: 1.5rem; font-size: .9em; color: #333; }
footer h2 { font-size: 1rem; margin: 1rem 0 .3rem; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; margin: 0; }
dt { font-weight: bold; }
dd { margin: 0; }
@media print {
  @page { margin: 1.5cm; }
  body { margin: 0; font-size: 10pt; }
  thead th { position: static; box-shadow: none; }
  tbody tr:hover > td, tbody tr:target > td { background-color: transparent; box-shadow: none; }
  td.num a { text-decoration: none; }
  thead { display: table-header-group; }
  tr { break-inside: avoid; }
  tr.flagged > td, td.heading, td.none, th { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""

# Only on the page of an alignment with --min-score: the pairs its TMX leaves out.
_LEFT_OUT_CSS = """
tr.left-out > td[lang] { color: #777; text-decoration: line-through; text-decoration-color: #bbb; }
.left-out-mark { display: block; color: #a02a1e; font-weight: bold; }
"""

_LEFT_OUT_LEGEND = (
    "Struck-through pair",
    "scored below --min-score: shown here for review but left out of the TMX (the TSV marks it too)",
)

# Only on the page of a machine translation: the pages of align and check stay as they were.
_CONFIDENCE_CSS = """
.confidence { white-space: nowrap; }
.bar { display: inline-block; width: 3.5em; height: .65em; border: 1px solid #777; background: #fff; vertical-align: middle; }
.bar > span { display: block; height: 100%; background: #3d8b4f; }
.confidence.low .bar > span { background: #c0392b; }
.confidence.low .value { color: #a02a1e; font-weight: bold; }
.value { font-variant-numeric: tabular-nums; }
.no-confidence { color: #666; font-style: italic; }
details.by-confidence { margin: 0 0 1rem; }
details.by-confidence > summary { cursor: pointer; font-weight: bold; }
table.by-confidence { margin-top: .4rem; }
table.by-confidence col.confidence { width: 7rem; }
@media print { .bar, .bar > span { -webkit-print-color-adjust: exact; print-color-adjust: exact; } }
"""
_CONFIDENCE_LEGEND = (
    "Confidence",
    "the model's confidence in its machine translation, from 0 to 1: the geometric mean of the probabilities of the words it "
    "chose. The longer the bar, the surer the model; red: below the low-confidence threshold (flagged). A human translation "
    "from the memory has none. 'Least confident first', above the table, lists the machine translations from the least sure",
)

_LEGEND = (
    ("#", "the bead's number; the same number is the TMX tuid and the TSV line"),
    ("Score", "the aligner's confidence in the pairing, when it gave one"),
    (
        "Origin",
        "where the translation came from: mt (blue) machine translation (fresh, or reused from the translation memory), "
        "tm (green) a human translation from the translation memory, human (grey) an existing translation being aligned",
    ),
    ("Bead", "how many source and target sentences are paired, e.g. 2-1"),
    ("Grey striped cell", "no counterpart: the sentence was left unpaired"),
    ("Yellow row", "flagged for review; its flags are listed in the last column and explained under Flags"),
    ("Blue row, outlined sentences", "the row under the pointer: a sentence and its counterpart"),
    ("Light-blue row, dark left edge", "the row whose number was clicked (its link, e.g. page.html#b17, opens the page there)"),
    ("Thick dark line", "a new source paragraph starts"),
    ("Bold cell on grey-blue", "a heading"),
    ("Dashed orange outline", "invisible control characters were removed from the text"),
)


def text_direction(lang: str) -> str:
    return "rtl" if lang.split("-")[0].lower() in _RTL else "ltr"


class HtmlExporter(Exporter):
    name = "html"

    def render(self, alignment: Alignment) -> str:
        return _Page(alignment).render()


class _Page:
    """One rendering: counts the characters it had to drop so they can be reported."""

    def __init__(self, alignment: Alignment) -> None:
        self.alignment = alignment
        self.removed = 0
        self.scored = alignment.provenance.decoding is not None  # a model's translation: confidences are shown
        self.dial = alignment.provenance.min_score is not None  # an alignment whose TMX keeps only the pairs scoring enough

    def esc(self, text: str, *, quote: bool = False) -> str:
        cleaned, removed = xml_safe(text)
        self.removed += removed
        return escape(cleaned, quote=quote)

    def render(self) -> str:
        a = self.alignment
        name = self.esc(a.source.name or "Untitled document")
        source_name, target_name = _language_name(a.source.lang), _language_name(a.target.lang)
        lines = [
            "<!DOCTYPE html>",
            '<html lang="en">',
            "<head>",
            '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f'<meta name="generator" content="{escape(f"{TOOL_NAME} {__version__}")}">',
            f"<title>{name} – alignment review</title>",
            f"<style>{_CSS}{_CONFIDENCE_CSS if self.scored else ''}{_LEFT_OUT_CSS if self.dial else ''}</style>",
            "</head>",
            "<body>",
            f"<h1><bdi>{name}</bdi> – alignment review</h1>",
            f'<p class="documents">{self._documents()}</p>',
            *([f'<p class="model-note" role="note"><strong>Note:</strong> {self.esc(a.provenance.model_note)}</p>'] if a.provenance.model_note else []),
            *(self._by_confidence() if self.scored else []),
            "<table>",
            '<colgroup><col class="num"><col><col><col class="meta"></colgroup>',
            "<thead><tr>"
            f'<th scope="col">#</th><th scope="col">{source_name}</th>'
            f'<th scope="col">{target_name}</th><th scope="col">Score · origin · bead{" · confidence" if self.scored else ""}</th>'
            "</tr></thead>",
            "<tbody>",
        ]
        previous_paragraph: int | None = None
        for number, bead in enumerate(a.beads, start=1):
            paragraph = a.source.segments[bead.source[0]].paragraph if bead.source else previous_paragraph
            lines.append(self._row(number, bead, paragraph != previous_paragraph))
            previous_paragraph = paragraph
        lines += ["</tbody>", "</table>", self._footer(), "</body>", "</html>", ""]
        return "\n".join(lines)

    def _documents(self) -> str:
        a = self.alignment
        parts = []
        for label, doc in (("Source", a.source), ("Target", a.target)):
            name = f"<bdi>{self.esc(doc.name)}</bdi> " if doc.name else ""
            parts.append(f"{label}: {name}({self.esc(doc.lang)})")
        unpaired = sum(1 for bead in a.beads if not (bead.source and bead.target))
        flagged = sum(1 for bead in a.beads if bead.flags)
        parts.append(f"{counted(len(a.beads), 'bead')}, {unpaired} without counterpart, {flagged} flagged")
        if self.dial:
            left_out = sum(1 for bead in a.beads if a.left_out(bead))
            parts.append(f"{left_out} left out of the TMX (score below {a.provenance.min_score:g})")
        return " · ".join(parts)

    def _row(self, number: int, bead: Bead, paragraph_starts: bool) -> str:
        a = self.alignment
        classes = (["para-start"] if paragraph_starts else []) + (["flagged"] if bead.flags else [])
        classes += ["left-out"] if a.left_out(bead) else []
        class_attr = f' class="{" ".join(classes)}"' if classes else ""
        data = f' data-confidence="{confidence_text(bead.confidence)}"' if bead.confidence is not None else ""
        return (
            f'<tr id="b{number}"{class_attr}{data}>'
            f'<td class="num"><a href="#b{number}">{number}</a></td>'
            f"{self._cell(a.source, bead.source, a.source_text(bead))}"
            f"{self._cell(a.target, bead.target, a.target_text(bead), _forced_terms(bead))}"
            f"{self._meta(bead)}</tr>"
        )

    def _cell(self, doc: Document, ids: tuple[int, ...], text: str, terms: tuple[str, ...] = ()) -> str:
        if not ids:
            return '<td class="none">no counterpart</td>'
        cleaned, removed = xml_safe(text)
        self.removed += removed
        classes = []
        title = ""
        if any(doc.paragraphs[doc.segments[i].paragraph].kind is ParagraphKind.HEADING for i in ids):
            classes.append("heading")
        if removed:
            classes.append("cleaned")
            title = f' title="{counted(removed, "invisible control character")} removed"'
        class_attr = f' class="{" ".join(classes)}"' if classes else ""
        attrs = f'lang="{self.esc(doc.lang, quote=True)}" dir="{text_direction(doc.lang)}"{class_attr}{title}'
        return f"<td {attrs}>{_marked(escape(cleaned, quote=False), terms)}</td>"

    def _meta(self, bead: Bead) -> str:
        parts = []
        if bead.score is not None:
            parts.append(f'<span class="score">{bead.score:.4f}</span>')
        if self.alignment.left_out(bead):
            parts.append(f'<span class="left-out-mark">not in the TMX (below {self.alignment.provenance.min_score:g})</span>')
        parts.append(f'<span class="badge origin-{bead.origin.value}">{bead.origin.value}</span>')
        parts.append(f'<span class="kind">{bead.kind}</span>')
        if self.scored and bead.target:
            parts.append(self._confidence(bead))
        if bead.flags:
            parts.append(f'<span class="flags">{self.esc(flag_list(bead.flags, ", "))}</span>')
        return f'<td class="meta">{" ".join(parts)}</td>'

    def _confidence(self, bead: Bead) -> str:
        """The confidence cue of a row: a bar as long as the confidence and its value; or why there is none."""
        if bead.confidence is None:
            if bead.origin is Origin.MT:  # stored in the memory by a release before confidences were kept
                return '<span class="no-confidence" title="stored in the translation memory before confidences were kept">confidence unknown</span>'
            return '<span class="no-confidence" title="a human translation: the model gave no confidence">no confidence (human)</span>'
        value = confidence_text(bead.confidence)
        low = " low" if any(f.name == LOW_CONFIDENCE.name for f in bead.flags) else ""
        return (
            f'<span class="confidence{low}" title="model confidence {value}">'
            f'<span class="bar"><span style="width:{float(value) * 100:.0f}%"></span></span> <span class="value">{value}</span></span>'
        )

    def _by_confidence(self) -> list[str]:
        """The machine translations, least confident first, each linked to its row: a closed ``<details>``, no script."""
        a = self.alignment
        scored = sorted(
            ((bead.confidence, number, bead) for number, bead in enumerate(a.beads, start=1) if bead.confidence is not None),
            key=lambda item: (item[0], item[1]),
        )
        low = sum(1 for _, _, bead in scored if any(f.name == LOW_CONFIDENCE.name for f in bead.flags))
        rows = [
            f'<tr><td>{self._confidence(bead)}</td><td class="num"><a href="#b{number}">{number}</a></td>'
            f'<td><span lang="{escape(a.target.lang, quote=True)}" dir="{text_direction(a.target.lang)}">'
            f"{escape(xml_safe(a.target_text(bead))[0], quote=False)}</span></td></tr>"
            for _, number, bead in scored
        ]
        summary = f"Least confident first: {len(scored)} machine translation{'s' if len(scored) != 1 else ''}, {low} below the threshold"
        return [
            '<details class="by-confidence" id="by-confidence">',
            f"<summary>{summary}</summary>",
            '<table class="by-confidence">',
            '<colgroup><col class="confidence"><col class="num"><col></colgroup>',
            '<thead><tr><th scope="col">Confidence</th><th scope="col">#</th><th scope="col">Translation</th></tr></thead>',
            "<tbody>",
            *rows,
            "</tbody>",
            "</table>",
            "</details>",
        ]

    def _footer(self) -> str:
        entries = (*_LEGEND, *([_CONFIDENCE_LEGEND] if self.scored else []), *([_LEFT_OUT_LEGEND] if self.dial else []))
        legend = "".join(
            f"<dt>{escape(term, quote=False)}</dt><dd>{escape(meaning, quote=False)}</dd>" for term, meaning in entries
        )
        provenance = "".join(
            f"<dt>{self.esc(key)}</dt><dd>{self.esc(value)}</dd>" for key, value in self.alignment.provenance.items()
        )
        flags = "".join(
            f'<dt id="flag-{escape(info.name)}">{escape(info.name)}</dt><dd>{escape(info.label, quote=False)}: {escape(info.description, quote=False)}</dd>'
            for info in FLAGS.values()
            if self.scored or info is not LOW_CONFIDENCE
        )
        return (
            "<footer>\n"
            f"<h2>Legend</h2>\n<dl>{legend}</dl>\n"
            f"<h2>Flags</h2>\n<dl>{flags}</dl>\n"
            f"<h2>Provenance</h2>\n<dl>{provenance}</dl>\n"
            "</footer>"
        )


def _language_name(lang: str) -> str:
    return escape(_LANGUAGE_NAMES.get(lang.split("-")[0].lower(), lang), quote=False)


def _forced_terms(bead: Bead) -> tuple[str, ...]:
    """The English terms the engine forced into a bead's target (its ``term`` flag's detail)."""
    return tuple(t.strip() for f in bead.flags if f.name == TERM.name for t in f.detail.split(" | ") if t.strip())


def _marked(html: str, terms: tuple[str, ...]) -> str:
    """Escaped text with each forced term marked (``<mark class="term">``), longest first, any case, whole words."""
    if not terms:
        return html
    words = sorted({escape(t, quote=False) for t in terms}, key=len, reverse=True)
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(r"\s+".join(map(re.escape, w.split())) for w in words) + r")(?!\w)", re.IGNORECASE)
    return pattern.sub(lambda m: f'<mark class="term" title="term enforced">{m.group(0)}</mark>', html)
