"""The Word filter: units with their formatting as codes, and the original rebuilt from targets with everything else kept."""

from __future__ import annotations

import io
import re
import zipfile

import docx
import pytest

from tests.formatted.wordfiles import LINK, article, png
from translate.errors import TarjamaError
from translate.formatted import Code, CodeKind, TaggedText, filter_for
from translate.formatted.docx import WordFilter
from translate.inputs.structure import ReadLimits, TextLimitExceeded
from translate.model import ParagraphKind

ARABIC = re.compile(r"[\u0600-\u06FF]")


def by_id(data: bytes) -> dict[str, TaggedText]:
    return {u.id: u.source for u in WordFilter().extract(data, "a.docx")}


def test_every_paragraph_is_a_unit_with_its_formatting_as_codes() -> None:
    units = WordFilter().extract(article(), "a.docx")
    where = [u.where for u in units]
    assert where == ["body"] * 5 + ["table"] * 4 + ["body", "header", "footer"]
    assert units[0].kind is ParagraphKind.HEADING
    bold = units[1].source
    assert [(c.kind, c.label) for c in bold.codes] == [
        (CodeKind.OPEN, "b"), (CodeKind.CLOSE, "b"), (CodeKind.OPEN, "i"), (CodeKind.CLOSE, "i"), (CodeKind.OPEN, "u"), (CodeKind.CLOSE, "u")
    ]
    assert bold.plain.startswith("قال وزير التعليم يوم الأحد")  # one sentence across runs, never run by run
    assert [c.label for c in units[2].source.codes] == ["link", "link"]
    assert filter_for("x.DOCX").name == "docx"  # the registry finds this filter


def test_identity_targets_give_back_the_text_the_picture_and_the_link() -> None:
    picture = png(rgb=(1, 2, 3))
    original = article(picture)
    merged = WordFilter().merge(original, by_id(original), "a.docx")
    assert by_id(merged) == by_id(original)
    with zipfile.ZipFile(io.BytesIO(original)) as a, zipfile.ZipFile(io.BytesIO(merged)) as b:
        assert a.namelist() == b.namelist()
        media = [n for n in a.namelist() if n.startswith("word/media/")]
        assert media and all(a.read(n) == b.read(n) for n in media)
        assert picture in [b.read(n) for n in media]
        assert a.read("word/_rels/document.xml.rels") == b.read("word/_rels/document.xml.rels")
        body = b.read("word/document.xml").decode()
    assert LINK in [r.target_ref for r in docx.Document(io.BytesIO(merged)).part.rels.values() if r.is_external]
    assert "<w:bidi" not in body and "<w:rtl" not in body and 'w:bidi="ar-SA"' not in body
    assert 'w:val="en-US"' in body


def english(units: dict[str, TaggedText]) -> dict[str, TaggedText]:
    """Hand-made English targets with the codes on the corresponding words (what placement aims at)."""
    targets = {}
    for unit_id, source in units.items():
        codes = list(source.codes)
        if not codes:
            targets[unit_id] = TaggedText.of(f"English text of {unit_id}.")
        elif [c.label for c in codes] == ["b", "b", "i", "i", "u", "u"]:
            b1, b2, i1, i2, u1, u2 = codes
            targets[unit_id] = TaggedText(
                ("The ", b1, "education minister", b2, " said on Sunday that ", i1, "the plan", i2, " starts next ", u1, "September", u2,
                 ". He added that schools will open early.")
            )
        else:
            l1, l2 = codes
            targets[unit_id] = TaggedText(("For details see ", l1, "the ministry's site", l2, " online."))
    return targets


def test_the_formatting_lands_on_the_english_words_and_no_arabic_or_right_to_left_is_left() -> None:
    original = article()
    merged = WordFilter().merge(original, english(by_id(original)), "a.docx")
    document = docx.Document(io.BytesIO(merged))
    paragraphs = [p for p in document.paragraphs if p.text]
    assert paragraphs[0].style.name == "Heading 1" and paragraphs[3].style.name == "List Bullet"
    runs = paragraphs[1].runs
    assert [r.text for r in runs if r.bold] == ["education minister"]
    assert [r.text for r in runs if r.italic] == ["the plan"]
    assert [r.text for r in runs if r.underline] == ["September"]
    assert paragraphs[1].text == "The education minister said on Sunday that the plan starts next September. He added that schools will open early."
    assert paragraphs[2].text == "For details see the ministry's site online."
    assert [link.text for link in paragraphs[2].hyperlinks] == ["the ministry's site"]
    assert paragraphs[2].hyperlinks[0].address == LINK
    assert paragraphs[5].runs[0].font.size == docx.shared.Pt(14)  # the run's own size kept on the English words
    assert len(document.tables) == 1 and document.tables[0].cell(1, 1).text.startswith("English text")
    assert len(document.inline_shapes) == 1
    section = document.sections[0]
    everything = "\n".join([p.text for p in document.paragraphs] + [c.text for row in document.tables[0].rows for c in row.cells]
                           + [section.header.paragraphs[0].text, section.footer.paragraphs[0].text])
    assert not ARABIC.search(everything)
    with zipfile.ZipFile(io.BytesIO(merged)) as package:
        xml = "".join(package.read(n).decode() for n in package.namelist() if n.endswith(".xml"))
    assert "<w:bidi" not in xml and "<w:rtl" not in xml


def test_a_target_with_codes_lost_or_invented_is_refused() -> None:
    original = article()
    units = by_id(original)
    bold_unit = next(i for i, t in units.items() if t.codes and t.codes[0].label == "b")
    dropped = TaggedText.of("The minister said.")
    with pytest.raises(TarjamaError, match="inline codes"):
        WordFilter().merge(original, {bold_unit: dropped}, "a.docx")
    invented = TaggedText(("x", Code(CodeKind.PLACEHOLDER, 99, "image")))
    with pytest.raises(TarjamaError, match="inline codes"):
        WordFilter().merge(original, {next(iter(units)): invented}, "a.docx")


def test_units_without_a_target_keep_their_source() -> None:
    original = article()
    units = by_id(original)
    first = next(iter(units))
    merged = WordFilter().merge(original, {first: TaggedText.of("A heading")}, "a.docx")
    again = by_id(merged)
    assert again[first] == TaggedText.of("A heading")
    assert all(again[i] == units[i] for i in units if i != first)


W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def with_body_xml(data: bytes, xml: str) -> bytes:
    """The article with raw paragraphs added at the end of the body (fields, text boxes: python-docx makes neither)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "word/document.xml":
                content = content.replace(b"<w:sectPr", xml.encode() + b"<w:sectPr", 1)
            target.writestr(info, content)
    return out.getvalue()


FIELD = (
    '<w:p><w:r><w:t xml:space="preserve">الصفحة </w:t></w:r>'
    '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'
    '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>3</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>'
    '<w:r><w:tab/><w:t>من التقرير</w:t></w:r></w:p>'
)
TAB = '<w:p><w:r><w:t>التاريخ:</w:t><w:tab/><w:t>اليوم</w:t><w:br/><w:t xml:space="preserve"> غدا</w:t></w:r></w:p>'


def test_a_tab_or_line_break_between_words_is_a_space_to_the_model_and_nothing_in_the_document() -> None:
    original = with_body_xml(article(), TAB)
    unit = WordFilter().extract(original, "a.docx")[-3]
    assert unit.source.plain == "التاريخ: اليوم غدا"  # never "التاريخ:اليوم"
    assert by_id(WordFilter().merge(original, {unit.id: unit.source}, "a.docx"))[unit.id] == unit.source
    tab, br = unit.source.codes
    merged = WordFilter().merge(original, {unit.id: TaggedText(("Date:", tab, " today", br, " tomorrow"))}, "a.docx")
    with zipfile.ZipFile(io.BytesIO(merged)) as package:
        body = package.read("word/document.xml").decode()
    assert '<w:t xml:space="preserve">Date:</w:t></w:r><w:r><w:tab/></w:r><w:r><w:t xml:space="preserve">today</w:t>' in body
    # a space at the start of a line after a break is the one thing this costs: it is not written back
    assert '<w:br/></w:r><w:r><w:t xml:space="preserve">tomorrow</w:t>' in body
TEXTBOX = (
    '<w:p><w:r><w:t>قبل الصندوق</w:t></w:r><w:r><w:pict><v:shape xmlns:v="urn:schemas-microsoft-com:vml"><v:textbox>'
    '<w:txbxContent><w:p><w:r><w:t>نص داخل الصندوق</w:t></w:r></w:p></w:txbxContent></v:textbox></v:shape></w:pict></w:r></w:p>'
)


def test_fields_tabs_and_text_boxes_are_kept_and_the_text_box_is_translated() -> None:
    original = with_body_xml(article(), FIELD + TEXTBOX)
    units = WordFilter().extract(original, "a.docx")
    field, outer, inner = units[-5:-2]
    assert field.source.plain == "الصفحة من التقرير"
    assert [c.label for c in field.source.codes] == ["field", "tab"]
    assert (outer.where, inner.where) == ("body", "textbox")
    f, tab = field.source.codes
    (box,) = outer.source.codes
    targets = {field.id: TaggedText(("Page ", f, tab, "of the report")), outer.id: TaggedText(("Before the box", box)),
               inner.id: TaggedText.of("Text inside the box")}
    merged = WordFilter().merge(original, targets, "a.docx")
    with zipfile.ZipFile(io.BytesIO(merged)) as package:
        body = package.read("word/document.xml").decode()
    assert "<w:instrText xml:space=\"preserve\"> PAGE </w:instrText>" in body and body.count("fldCharType") == 3
    assert "Text inside the box" in body and "نص داخل الصندوق" not in body
    again = {u.id: u.source for u in WordFilter().extract(merged, "a.docx")}
    assert again[field.id] == targets[field.id] and again[inner.id] == targets[inner.id]


def test_bad_word_files_are_one_clear_error() -> None:
    original = article()
    with pytest.raises(TarjamaError, match="not a readable Word"):
        WordFilter().extract(original[: len(original) // 2], "cut.docx")
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(original)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            target.writestr(info, source.read(info.filename))
        target.writestr("word/vbaProject.bin", b"macro")
    with pytest.raises(TarjamaError, match="macros"):
        WordFilter().extract(out.getvalue(), "m.docx")
    deep = with_body_xml(original, "<w:p>" + "<w:ins>" * 300 + "</w:ins>" * 300 + "</w:p>")
    with pytest.raises(TarjamaError, match="nested"):
        WordFilter().extract(deep, "deep.docx")
    with pytest.raises(TextLimitExceeded):
        WordFilter().extract(original, "a.docx", ReadLimits(chars=20))


def with_parts(data: bytes, edit: dict[str, bytes | None]) -> bytes:
    """The package with parts replaced or added (bytes), edited by a function of the old bytes, or kept (None)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info, edit.pop(info.filename, None) or source.read(info.filename))
        for name, content in edit.items():
            if content is not None:
                target.writestr(name, content)
    return out.getvalue()


FOOTNOTES = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:footnotes {W}>'
    '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
    '<w:footnote w:id="1"><w:p><w:pPr><w:bidi/></w:pPr><w:r><w:rPr><w:rtl/></w:rPr><w:footnoteRef/></w:r>'
    '<w:r><w:rPr><w:rtl/></w:rPr><w:t xml:space="preserve"> المصدر وزارة التعليم.</w:t></w:r></w:p></w:footnote></w:footnotes>'
).encode()


def test_footnotes_are_units_and_their_references_stay_in_the_sentence() -> None:
    original = article()
    with zipfile.ZipFile(io.BytesIO(original)) as package:
        rels = package.read("word/_rels/document.xml.rels").decode()
        types = package.read("[Content_Types].xml").decode()
        body = package.read("word/document.xml").decode()
    rels = rels.replace("</Relationships>", '<Relationship Id="rIdFn" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes" Target="footnotes.xml"/></Relationships>')
    types = types.replace("</Types>", '<Override PartName="/word/footnotes.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"/></Types>')
    body = body.replace("<w:sectPr", '<w:p><w:r><w:t>وأعلن الوزير الخطة</w:t></w:r><w:r><w:footnoteReference w:id="1"/></w:r><w:r><w:t>.</w:t></w:r></w:p><w:sectPr', 1)
    data = with_parts(original, {"word/_rels/document.xml.rels": rels.encode(), "[Content_Types].xml": types.encode(), "word/document.xml": body.encode(), "word/footnotes.xml": FOOTNOTES})
    units = {u.id: u for u in WordFilter().extract(data, "a.docx")}
    note = units["word/footnotes.xml#1"]
    assert note.where == "footnote" and note.source.plain == " المصدر وزارة التعليم."
    referring = next(u for u in units.values() if any(c.label == "footnote" for c in u.source.codes) and u.where == "body")
    (mark,) = note.source.codes
    (reference,) = referring.source.codes
    merged = WordFilter().merge(data, {note.id: TaggedText((mark, " Source: the education ministry.")),
                                        referring.id: TaggedText(("The minister announced the plan", reference, "."))}, "a.docx")
    with zipfile.ZipFile(io.BytesIO(merged)) as package:
        notes = package.read("word/footnotes.xml").decode()
        body = package.read("word/document.xml").decode()
    assert "Source: the education ministry." in notes and "<w:footnoteRef/>" in notes and "<w:rtl" not in notes and "<w:bidi" not in notes
    assert re.search(r"The minister announced the plan</w:t></w:r><w:r>(<w:rPr/>)?<w:footnoteReference w:id=\"1\"/></w:r><w:r><w:t xml:space=\"preserve\">\.</w:t>", body)


def test_complex_script_bold_stays_bold_in_english_and_arabic_fonts_give_way() -> None:
    original = article()
    run = ('<w:p><w:pPr><w:bidi/></w:pPr><w:r><w:rPr><w:rFonts w:ascii="Traditional Arabic" w:hAnsi="Traditional Arabic" w:cs="Traditional Arabic"/>'
           '<w:rtl/></w:rPr><w:t xml:space="preserve">قال يوم الأحد </w:t></w:r><w:r><w:rPr><w:rFonts w:ascii="Traditional Arabic" w:hAnsi="Traditional Arabic" w:cs="Traditional Arabic"/>'
           '<w:bCs/><w:szCs w:val="32"/><w:rtl/></w:rPr><w:t>الوزير</w:t></w:r></w:p>')
    data = with_body_xml(original, run)
    unit = WordFilter().extract(data, "a.docx")[-3]
    b1, b2 = unit.source.codes
    assert b1.label == "b"
    merged = WordFilter().merge(data, {unit.id: TaggedText(("On Sunday said the ", b1, "minister", b2))}, "a.docx")
    paragraph = [p for p in docx.Document(io.BytesIO(merged)).paragraphs if p.text.startswith("On Sunday")][0]
    assert [(r.text, bool(r.bold), r.font.name) for r in paragraph.runs] == [("On Sunday said the ", False, "Calibri"), ("minister", True, "Calibri")]
    assert paragraph.runs[1].font.size == docx.shared.Pt(16)


def test_an_external_entity_in_a_part_is_refused_in_one_line() -> None:
    original = article()
    with zipfile.ZipFile(io.BytesIO(original)) as package:
        body = package.read("word/document.xml").decode()
    head, _, rest = body.partition("?>")
    hostile = head + '?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>' + rest.replace("الخطة", "&x;", 1)
    assert hostile != body
    with pytest.raises(TarjamaError) as caught:
        WordFilter().extract(with_parts(original, {"word/document.xml": hostile.encode()}), "x.docx")
    assert "x.docx" in str(caught.value) and "\n" not in str(caught.value)


def test_right_to_left_alignment_is_mirrored_with_the_direction() -> None:
    paragraphs = "".join(
        f'<w:p><w:pPr><w:bidi/><w:jc w:val="{jc}"/></w:pPr><w:r><w:rPr><w:rtl/></w:rPr><w:t>فقرة عربية</w:t></w:r></w:p>'
        for jc in ("right", "left", "center", "both")
    )
    merged = WordFilter().merge(with_body_xml(article(), paragraphs), {}, "a.docx")
    document = docx.Document(io.BytesIO(merged))
    found = [p.alignment for p in document.paragraphs if p.text == "فقرة عربية"]
    align = docx.enum.text.WD_ALIGN_PARAGRAPH
    assert found == [align.LEFT, align.RIGHT, align.CENTER, align.JUSTIFY]  # the start (seen right in Arabic) is the left in English
