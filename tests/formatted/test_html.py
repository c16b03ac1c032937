"""The web-page filter: units with inline codes out of a page, targets back into it with everything else unchanged."""

import gzip
import time

import pytest
from lxml import html as lxml_html

from translate.errors import TarjamaError
from translate.formatted.base import filter_for, filter_named
from translate.formatted.html import HtmlFilter
from translate.formatted.tagged import Code, CodeKind, TaggedText
from translate.inputs.structure import ReadLimits, TextLimitExceeded
from translate.model import ParagraphKind

PAGE = """<!DOCTYPE html>
<html dir="rtl" lang="ar">
<head>
  <meta charset="utf-8">
  <title>عنوان الصفحة</title>
  <script>var s = "<p>ليس نصا</p>"; if (a < b && c) {}</script>
  <style>p { color: red }</style>
</head>
<body>
  <nav><a href="/">الرئيسية</a> | <a href="/news">الأخبار</a></nav>
  <h1>خبر <b>عاجل</b></h1>
  <p>قال الوزير <a href="https://example.test/a?b=1&amp;c=2" title="رابط الخبر">اليوم</a> إن الاجتماع
     انتهى. <img src="minister.png" alt="صورة الوزير"> وغادر الوفد.</p>
  <ul><li>البند الأول</li><li><i>البند الثاني</i></li></ul>
  <table><tr><td>خلية</td><td>5</td></tr></table>
  <p style="direction: rtl">نص &amp; رموز &lt;b&gt;<br>سطر آخر</p>
  <footer>جميع الحقوق محفوظة</footer>
</body>
</html>
"""
DATA = PAGE.encode("utf-8")


def units_by_text(data: bytes = DATA):
    return {unit.source.plain: unit for unit in HtmlFilter().extract(data, "page.html")}


def test_the_filter_is_registered_for_html_and_htm() -> None:
    assert isinstance(filter_for("a/page.HTM"), HtmlFilter)
    assert isinstance(filter_named("html"), HtmlFilter)


def test_every_visible_text_is_a_unit_with_its_context_and_scripts_and_styles_are_not() -> None:
    units = units_by_text()
    assert set(units) == {
        "عنوان الصفحة", "الرئيسية | الأخبار", "خبر عاجل", "رابط الخبر", "صورة الوزير",
        "قال الوزير اليوم إن الاجتماع انتهى.  وغادر الوفد.", "البند الأول", "البند الثاني", "خلية", "5",
        "نص & رموز <b>سطر آخر", "جميع الحقوق محفوظة",
    }
    assert units["عنوان الصفحة"].where == "title"
    assert units["الرئيسية | الأخبار"].where == "navigation"
    assert units["خلية"].where == "table"
    assert units["جميع الحقوق محفوظة"].where == "footer"
    assert units["صورة الوزير"].where == "attribute" and units["رابط الخبر"].where == "attribute"
    assert units["خبر عاجل"].kind is ParagraphKind.HEADING
    assert units["البند الأول"].kind is ParagraphKind.BODY


def test_inline_elements_are_codes_in_one_unit_so_a_sentence_is_never_cut_at_a_link() -> None:
    unit = units_by_text()["قال الوزير اليوم إن الاجتماع انتهى.  وغادر الوفد."]
    a_open, a_close, image = Code(CodeKind.OPEN, 1, "a"), Code(CodeKind.CLOSE, 1, "a"), Code(CodeKind.PLACEHOLDER, 2, "img")
    assert unit.source == TaggedText(("قال الوزير ", a_open, "اليوم", a_close, " إن الاجتماع انتهى. ", image, " وغادر الوفد."))
    assert units_by_text()["نص & رموز <b>سطر آخر"].source.codes == (Code(CodeKind.PLACEHOLDER, 1, "br"),)


def test_extraction_is_deterministic() -> None:
    assert HtmlFilter().extract(DATA, "a") == HtmlFilter().extract(DATA, "b")


def test_a_merge_without_targets_gives_the_page_back_byte_for_byte_but_english_and_left_to_right() -> None:
    merged = HtmlFilter().merge(DATA, {}, "page.html").decode("utf-8")
    expected = PAGE.replace('<html dir="rtl" lang="ar">', '<html dir="ltr" lang="en">').replace(
        'style="direction: rtl"', 'style="direction: ltr"'
    )
    assert merged == expected


def test_a_merge_with_targets_equal_to_the_sources_changes_no_text() -> None:
    units = HtmlFilter().extract(DATA, "page.html")
    merged = HtmlFilter().merge(DATA, {u.id: u.source for u in units}, "page.html")
    assert [u.source for u in HtmlFilter().extract(merged, "merged.html")] == [u.source for u in units]


def english(units) -> dict[str, TaggedText]:
    """A post-editor's English for every unit, each code kept in place (the words are the test's, not a translation)."""
    targets = {}
    for number, unit in enumerate(units):
        parts = tuple(f"word{number} " if isinstance(p, str) else p for p in unit.source.parts)
        targets[unit.id] = TaggedText(parts)
    return targets


def test_targets_replace_the_text_and_everything_else_stays_as_it_was() -> None:
    units = HtmlFilter().extract(DATA, "page.html")
    merged = HtmlFilter().merge(DATA, english(units), "page.html")
    before, after = lxml_html.fromstring(DATA), lxml_html.fromstring(merged)
    assert [e.tag for e in before.iter()] == [e.tag for e in after.iter()]  # the same elements in the same order
    assert [e.get("href") for e in before.iter("a")] == [e.get("href") for e in after.iter("a")]
    assert [e.get("src") for e in after.iter("img")] == ["minister.png"]
    assert before.find(".//script").text == after.find(".//script").text
    assert before.find(".//style").text == after.find(".//style").text
    assert after.get("lang") == "en" and after.get("dir") == "ltr"
    visible = " ".join(after.itertext()) + " ".join(v for e in after.iter() for k, v in e.attrib.items() if k in ("alt", "title"))
    visible = visible.replace(before.find(".//script").text, "")
    assert not any("\u0600" <= ch <= "\u06ff" for ch in visible)
    assert after.find(".//img").get("alt").startswith("word")


def test_text_is_escaped_on_the_way_in() -> None:
    unit = units_by_text()["خلية"]
    merged = HtmlFilter().merge(DATA, {unit.id: TaggedText.of("a < b & <script>")}, "page.html")
    assert b"<td>a &lt; b &amp; &lt;script&gt;</td>" in merged


def test_a_target_that_loses_or_invents_a_code_is_refused() -> None:
    unit = units_by_text()["خبر عاجل"]
    with pytest.raises(TarjamaError, match="inline codes"):
        HtmlFilter().merge(DATA, {unit.id: TaggedText.of("Breaking news")}, "page.html")
    with pytest.raises(TarjamaError, match="no unit"):
        HtmlFilter().merge(DATA, {"999": TaggedText.of("x")}, "page.html")


def test_a_span_across_blocks_is_an_isolated_code_in_each_unit() -> None:
    page = "<div><span class=x>أول<p>ثان</p>ثالث</span></div>".encode()
    units = HtmlFilter().extract(page, "p.html")
    assert [u.source.codes for u in units] == [(Code(CodeKind.OPEN, 1, "span"),), (), (Code(CodeKind.CLOSE, 1, "span"),)]
    merged = HtmlFilter().merge(page, english(units), "p.html")
    assert merged == b'<div><span class=x>word0 <p>word1 </p>word2 </span></div>'


def test_preformatted_text_keeps_its_line_breaks_as_codes() -> None:
    page = "<pre>سطر أول\n  سطر ثان</pre>".encode()
    (unit,) = HtmlFilter().extract(page, "p.html")
    assert unit.source == TaggedText(("سطر أول", Code(CodeKind.PLACEHOLDER, 1, "lb"), "  سطر ثان"))
    merged = HtmlFilter().merge(page, {unit.id: TaggedText(("one", Code(CodeKind.PLACEHOLDER, 1, "lb"), "  two"))}, "p.html")
    assert merged == b"<pre>one\n  two</pre>"


def test_a_page_in_another_encoding_comes_back_in_utf8_and_says_so() -> None:
    page = '<html><head><meta charset="windows-1256"></head><body><p>مرحبا بكم في الموقع</p></body></html>'
    merged = HtmlFilter().merge(page.encode("cp1256"), {}, "p.html")
    assert merged.decode("utf-8") == page.replace("windows-1256", "utf-8").replace("<html>", '<html lang="en" dir="ltr">')


def test_deep_nesting_is_read_flat_in_bounded_time() -> None:
    depth = 10_000  # far past any parser's nesting limit (libxml2: 256)
    page = ("<div>" * depth + "<p>نص عميق</p>" + "</div>" * depth + "<p>" + "<span>" * depth + "نص" + "</span>" * depth + "</p>").encode()
    started = time.monotonic()
    units = HtmlFilter().extract(page, "deep.html")
    assert [u.source.plain for u in units] == ["نص عميق", "نص"]
    assert len(units[1].source.codes) == 2 * depth
    assert time.monotonic() - started < 30


def test_blobs_are_never_text_and_binary_or_oversized_pages_are_refused_in_one_line() -> None:
    blob = "ب" * 5000
    units = units_by_text(f'<p title="{blob}">نص قصير</p>'.encode())
    assert list(units) == ["نص قصير"]
    with pytest.raises(TarjamaError, match="binary"):
        HtmlFilter().extract(b"<p>\x00\x01\x02</p>", "bin.html")
    bomb = gzip.compress(b"<p>" + b"a" * (65 * 2**20) + b"</p>", 1)
    with pytest.raises(TarjamaError, match=r"bomb.html: a compressed web page .* larger than 64 MiB"):
        HtmlFilter().extract(bomb, "bomb.html")


def test_the_read_limits_stop_a_page_while_it_is_read() -> None:
    with pytest.raises(TextLimitExceeded, match="characters"):
        HtmlFilter().extract(DATA, "page.html", ReadLimits(chars=20))
    with pytest.raises(TextLimitExceeded, match="paragraphs"):
        HtmlFilter().extract(DATA, "page.html", ReadLimits(paragraphs=3))


def test_a_page_without_text_is_refused() -> None:
    with pytest.raises(TarjamaError, match="no text"):
        HtmlFilter().extract(b"<html><body><img src=a.png><script>x()</script></body></html>", "empty.html")
