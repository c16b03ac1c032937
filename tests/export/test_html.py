from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from translate.export import get_exporter, xml_safe
from translate.export.html import text_direction
from translate.flags import Flag
from translate.model import Alignment, Bead, Document, Origin, ParagraphKind, Provenance, assemble_document


@dataclass
class Cell:
    attrs: dict[str, str | None]
    text: str = ""


@dataclass
class Row:
    attrs: dict[str, str | None]
    cells: list[Cell] = field(default_factory=list)


class Page(HTMLParser):
    """What a browser would build: the elements, the table rows and the text outside markup."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.starts: list[tuple[str, dict[str, str | None]]] = []
        self.rows: list[Row] = []
        self.text: list[str] = []
        self.title = ""
        self._cell: Cell | None = None
        self._in_title = False
        self._in_tbody = False
        self._skip = 0  # inside the least-confident-first table, whose rows are not the page's beads
        self.by_confidence: list[Row] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.starts.append((tag, dict(attrs)))
        self._in_title = tag == "title"
        rows = self.by_confidence if self._skip else self.rows
        if tag == "table" and "by-confidence" in (dict(attrs).get("class") or ""):
            self._skip = 1
        elif tag == "tbody":
            self._in_tbody = True
        elif tag == "tr" and self._in_tbody:
            rows.append(Row(dict(attrs)))
        elif tag == "td" and self._in_tbody:
            self._cell = Cell(dict(attrs))
            rows[-1].cells.append(self._cell)

    def handle_endtag(self, tag: str) -> None:
        if tag == "td":
            self._cell = None
        elif tag == "tbody":
            self._in_tbody = False
        elif tag == "table":
            self._skip = 0
        elif tag == "title":
            self._in_title = False

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._cell is not None:
            self._cell.text += data
        if self._in_title:
            self.title += data

    def tags(self, name: str) -> list[dict[str, str | None]]:
        return [attrs for tag, attrs in self.starts if tag == name]


def render(alignment: Alignment) -> str:
    return get_exporter("html").render(alignment)


def classes(attrs: dict[str, str | None]) -> set[str]:
    return set((attrs.get("class") or "").split())


def test_markup_in_text_is_shown_not_run(sample: Alignment) -> None:
    page = Page(render(sample))
    assert not page.tags("script")
    text = "".join(page.text)
    assert "<script>alert(1)</script>" in text
    assert "Title: News & Reports" in text
    assert "خبر <1> & co.txt" in page.title


def test_document_shell(sample: Alignment) -> None:
    html = render(sample)
    assert html.startswith("<!DOCTYPE html>\n")
    page = Page(html)
    assert page.tags("html") == [{"lang": "en"}]
    assert {"charset": "utf-8"} in page.tags("meta")


def test_self_contained(sample: Alignment) -> None:
    html = render(sample)
    page = Page(html)
    assert not page.tags("link") and not page.tags("img") and not page.tags("iframe")
    assert not any("src" in attrs for _, attrs in page.starts)
    # The only links are to the page's own rows (click a number: the row is highlighted and has a URL).
    hrefs = [attrs["href"] for tag, attrs in page.starts if "href" in attrs]
    # First the machine translations least confident first (rows 4, 2, 1), then every row's own number.
    assert hrefs[:3] == ["#b4", "#b2", "#b1"]
    hrefs = hrefs[3:]
    assert hrefs == [f"#b{n}" for n in range(1, len(sample.beads) + 1)]
    assert [attrs["id"] for attrs in page.tags("tr") if "id" in attrs] == [h[1:] for h in hrefs]
    assert "url(" not in html and "@import" not in html and "http" not in html.replace("Helsinki-NLP", "")


def test_one_row_per_bead_with_lang_and_dir(sample: Alignment) -> None:
    rows = Page(render(sample)).rows
    assert len(rows) == len(sample.beads)
    for number, (row, bead) in enumerate(zip(rows, sample.beads), start=1):
        num, source, target, meta = row.cells
        assert num.text == str(number) and row.attrs["id"] == f"b{number}"
        if bead.source:
            assert (source.attrs["lang"], source.attrs["dir"]) == ("ar", "rtl")
            assert source.text == sample.source_text(bead).replace("\x01", "")
        else:
            assert "lang" not in source.attrs and "none" in classes(source.attrs)
            assert source.text == "no counterpart"
        if bead.target:
            assert (target.attrs["lang"], target.attrs["dir"]) == ("en", "ltr")
            assert target.text == sample.target_text(bead)
        else:
            assert "none" in classes(target.attrs) and target.text == "no counterpart"
        assert bead.kind in meta.text and bead.origin.value in meta.text


def test_scores_flags_headings_and_paragraphs(sample: Alignment) -> None:
    rows = Page(render(sample)).rows
    assert [row.cells[3].text.split()[0] for row in rows] == ["0.9500", "0.8765", "mt", "0.6100", "mt", "tm"]
    assert "numbers: missing 430, split" in rows[3].cells[3].text
    assert [number for number, row in enumerate(rows, start=1) if "flagged" in classes(row.attrs)] == [3, 4, 5]
    assert [number for number, row in enumerate(rows, start=1) if "para-start" in classes(row.attrs)] == [1, 2, 5]
    assert "heading" in classes(rows[0].cells[1].attrs) and "heading" in classes(rows[0].cells[2].attrs)
    assert all("heading" not in classes(cell.attrs) for row in rows[1:] for cell in row.cells)


def test_controls_removed_and_marked_bidi_marks_kept(sample: Alignment) -> None:
    html = render(sample)
    assert "\x01" not in html
    assert "\u200f" in html and "\u200e" in html and "\u061c" in html
    rows = Page(html).rows
    cleaned = [number for number, row in enumerate(rows, start=1) if any("cleaned" in classes(c.attrs) for c in row.cells)]
    assert cleaned == [4]


def test_footer_has_provenance_and_legend(sample: Alignment) -> None:
    html = render(sample)
    footer = html[html.index("<footer>") :]
    footer_text = "".join(Page(footer).text)
    assert "Helsinki-NLP/opus-mt-ar-en" in footer_text
    for key, value in sample.provenance.items():
        assert key in footer_text and value in footer_text
    assert "Legend" in footer_text and "no counterpart" in footer_text


def test_every_registered_flag_is_explained_in_the_legend(sample: Alignment) -> None:
    """The demo model puts repetition-guard and length-cap on rows: the legend must say what they mean."""
    from translate.flags import FLAGS

    html = render(sample)
    footer = Page(html[html.index("<h2>Flags</h2>") : html.index("<h2>Provenance</h2>")])
    text = " ".join(" ".join(footer.text).split())
    terms = {attrs.get("id") for attrs in footer.tags("dt")}
    for info in FLAGS.values():
        assert f"flag-{info.name}" in terms, info.name
        assert " ".join(info.description.split()) in text, info.name
    assert {"flag-repetition-guard", "flag-length-cap", "flag-split"} <= terms


@pytest.mark.parametrize(
    ("lang", "direction"),
    [("ar", "rtl"), ("ar-EG", "rtl"), ("he", "rtl"), ("fa", "rtl"), ("ur", "rtl"), ("en", "ltr"), ("fr", "ltr")],
)
def test_text_direction(lang: str, direction: str) -> None:
    assert text_direction(lang) == direction


def test_other_language_pair_gets_its_own_lang_and_dir() -> None:
    source = assemble_document("en", [(ParagraphKind.BODY, ["Hello."])])
    target = assemble_document("fa", [(ParagraphKind.BODY, ["سلام."])])
    alignment = Alignment(source, target, (Bead((0,), (0,), origin=Origin.HUMAN),), Provenance("0.1.0", "s", "a"))
    page = Page(render(alignment))
    _, src, tgt, _ = page.rows[0].cells
    assert (src.attrs["lang"], src.attrs["dir"], tgt.attrs["lang"], tgt.attrs["dir"]) == ("en", "ltr", "fa", "rtl")


def _placeholder(alignment: Alignment) -> Alignment:
    """The same structure with harmless text: its markup is what the page itself contributes."""

    def same_shape(doc: Document) -> Document:
        paragraphs = [(p.kind, ["x"] * len(p.segments)) for p in doc.paragraphs]
        return assemble_document(doc.lang, paragraphs, name="x" if doc.name else "")

    beads = tuple(Bead(b.source, b.target, b.score, b.origin, tuple(Flag("empty") for _ in b.flags)) for b in alignment.beads)
    p = alignment.provenance
    provenance = Provenance("0.1.0", "x" if p.segmenter else "", "aligner", model_id="x" if p.model_id else None)
    return Alignment(same_shape(alignment.source), same_shape(alignment.target), beads, provenance)


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_no_markup_from_content(alignments: st.SearchStrategy[Alignment], data: st.DataObject) -> None:
    alignment = data.draw(alignments)
    html = render(alignment)
    html.encode("utf-8")  # no lone surrogate is left to break writing
    page = Page(html)
    assert [tag for tag, _ in page.starts] == [tag for tag, _ in Page(render(_placeholder(alignment))).starts]
    for row, bead in zip(page.rows, alignment.beads):
        if bead.source:
            assert row.cells[1].text == xml_safe(alignment.source_text(bead))[0]
        if bead.target:
            assert row.cells[2].text == xml_safe(alignment.target_text(bead))[0]


def test_every_machine_translation_row_carries_its_confidence(sample: Alignment) -> None:
    """data-confidence on each MT row (two decimals, as every output shows it); a human match says it has none."""
    rows = Page(render(sample)).rows
    assert [row.attrs.get("data-confidence") for row in rows] == ["0.83", "0.40", None, "0.07", None, None]
    assert "no confidence (human)" in rows[5].cells[3].text
    assert "0.83" in rows[0].cells[3].text


def test_the_cue_is_a_bar_as_long_as_the_confidence_red_when_flagged(sample: Alignment) -> None:
    import dataclasses

    flagged = dataclasses.replace(sample.beads[3], flags=(*sample.beads[3].flags, Flag("low-confidence", "0.07")))
    page = Page(render(dataclasses.replace(sample, beads=(*sample.beads[:3], flagged, *sample.beads[4:]))))
    cues = [attrs for attrs in page.tags("span") if "confidence" in classes(attrs)]
    bars = [attrs["style"] for attrs in page.tags("span") if attrs.get("style", "").startswith("width:")]
    # Twice each: once in the least-confident-first list (4, 2, 1), once in the row (1, 2, 4).
    assert bars == ["width:7%", "width:40%", "width:83%", "width:83%", "width:40%", "width:7%"]
    assert [("low" in classes(c)) for c in cues] == [True, False, False, False, False, True]


def test_least_confident_first_without_a_script(sample: Alignment) -> None:
    """A closed <details> above the table lists the machine translations from the least sure, each linked to its row."""
    html = render(sample)
    page = Page(html)
    assert not page.tags("script")
    (details,) = page.tags("details")
    assert details["id"] == "by-confidence"
    assert html.index("<details") < html.index('<table>\n<colgroup><col class="num">'), "before the review table"
    listed = [(row.cells[1].text, row.cells[0].text.split()[-1], row.cells[2].text) for row in page.by_confidence]
    assert listed == [("4", "0.07", sample.target_text(sample.beads[3])), ("2", "0.40", sample.target_text(sample.beads[1])), ("1", "0.83", "Title: News & Reports")]
    assert "3 machine translations, 0 below the threshold" in "".join(page.text)


def test_a_page_of_an_existing_translation_shows_no_confidence(sample: Alignment) -> None:
    """align and check pages (no model) are as they were: no bar, no list, no low-confidence legend entry."""
    import dataclasses

    from translate.export.html import _CSS

    human = dataclasses.replace(
        sample,
        beads=tuple(dataclasses.replace(b, confidence=None, origin=Origin.HUMAN) for b in sample.beads),
        provenance=dataclasses.replace(sample.provenance, decoding=None, model_id=None, model_revision=None),
    )
    html = render(human)
    assert "confidence" not in html.lower().replace("the aligner's confidence in the pairing", "")
    assert f"<style>{_CSS}</style>" in html
