"""Input formats and batch naming: what translators are actually sent."""

from __future__ import annotations

import logging

import pytest

from translate.errors import TarjamaError
from translate.inputs import collect_inputs, load_document
from translate.model import ParagraphKind

PAGE = """<!DOCTYPE html><html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>أخبار</title>
<script>document.write("لا تترجمني")</script><style>p{color:red}</style></head>
<body><nav><a href="/">الرئيسية</a> | <a href="/world">العالم</a> | <a href="/sport">رياضة</a></nav>
<article>
<h1>روسيا تعلن استعادة السيطرة على منطقة كورسك</h1>
<p>أعلنت وزارة الدفاع الروسية يوم السبت أن قواتها أكملت "تحرير كورسك بالكامل". وتعد هذه المنطقة من أهم المناطق الحدودية في البلاد.</p>
<h2>ردود الفعل الدولية.</h2>
<p>قال د. أحمد سالم، أستاذ العلاقات الدولية في جامعة القاهرة، إن 86% من السكان غادروا المنطقة منذ بداية القتال في الصيف الماضي.</p>
<script>alert("x")</script>
</article>
<footer>جميع الحقوق محفوظة © 2025 — اشترك في النشرة البريدية</footer>
</body></html>"""


def kinds_and_texts(document):
    return [(p.kind, " ".join(s.text for s in p.segments)) for p in document.paragraphs]


def test_html_keeps_article_text_and_headings_and_drops_boilerplate(tmp_path):
    path = tmp_path / "page.html"
    path.write_text(PAGE, encoding="utf-8")
    document = load_document(str(path), "ar", "page")
    paragraphs = kinds_and_texts(document)
    assert paragraphs[0] == (ParagraphKind.HEADING, "روسيا تعلن استعادة السيطرة على منطقة كورسك")
    assert paragraphs[2] == (ParagraphKind.HEADING, "ردود الفعل الدولية.")  # marked a heading though it ends with a period
    assert [k for k, _ in paragraphs] == [ParagraphKind.HEADING, ParagraphKind.BODY, ParagraphKind.HEADING, ParagraphKind.BODY]
    text = document.text
    for unwanted in ("لا تترجمني", "alert", "الرئيسية", "color:red", "الحقوق محفوظة"):
        assert unwanted not in text
    assert len(document.paragraphs[1].segments) == 2


def test_docx_keeps_paragraphs_and_heading_styles(tmp_path):
    docx = pytest.importorskip("docx")
    made = docx.Document()
    made.add_heading("روسيا تعلن استعادة السيطرة على منطقة كورسك", level=1)
    made.add_paragraph("أعلنت وزارة الدفاع الروسية يوم السبت أن قواتها أكملت المهمة. وتعد هذه المنطقة مهمة.")
    made.add_paragraph("")
    made.add_heading("ردود الفعل", level=2)
    made.add_paragraph("قال د. أحمد سالم إن 86% من السكان غادروا.")
    path = tmp_path / "article.docx"
    made.save(path)
    paragraphs = kinds_and_texts(load_document(str(path), "ar"))
    assert [k for k, _ in paragraphs] == [ParagraphKind.HEADING, ParagraphKind.BODY, ParagraphKind.HEADING, ParagraphKind.BODY]
    assert paragraphs[3][1] == "قال د. أحمد سالم إن 86% من السكان غادروا."


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("broken.docx", b"PK\x03\x04 not really a zip", "not a readable Word .docx"),
        ("empty.html", b"  ", "empty"),
        ("nav.html", b"<html><body><nav><a href='/'>home</a></nav></body></html>", "no article text"),
    ],
)
def test_bad_structured_inputs_are_named(tmp_path, name, data, message):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(TarjamaError, match=message):
        load_document(str(path), "ar")


def test_folder_inputs_keep_their_relative_paths_and_name_the_files_they_skip(tmp_path, caplog):
    (tmp_path / "in" / "sub").mkdir(parents=True)
    for rel in ("a.txt", "sub/b.html", "sub/notes.md", "sub/LICENSE", ".hidden/c.txt", ".hidden/d.pdf", ".DS_Store"):
        (tmp_path / "in" / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "in" / rel).write_text("نص.", encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="translate"):
        found = collect_inputs([str(tmp_path / "in")])
    assert [(f.path.removeprefix(str(tmp_path / "in") + "/"), f.stem) for f in found] == [("a.txt", "a"), ("sub/b.html", "sub/b")]
    assert all(f.in_folder for f in found) and not collect_inputs([found[0].path])[0].in_folder
    warned = [record.getMessage() for record in caplog.records]
    assert [w.split(":")[0].removeprefix(str(tmp_path / "in") + "/") for w in warned] == ["sub/LICENSE", "sub/notes.md"]
    assert "not .md files" in warned[1] and "files without a suffix" in warned[0]


def test_files_of_other_formats_are_named_up_to_a_bound_then_counted(tmp_path, caplog):
    from translate.inputs import MAX_NAMED

    (tmp_path / "a.txt").write_text("نص.", encoding="utf-8")
    for n in range(MAX_NAMED + 5):
        (tmp_path / f"photo{n:02d}.jpg").write_bytes(b"\xff\xd8")
    with caplog.at_level(logging.WARNING, logger="translate"):
        collect_inputs([str(tmp_path)])
    warned = [record.getMessage() for record in caplog.records]
    assert len(warned) == MAX_NAMED + 1 and warned[-1].startswith("… and 5 more files of other formats")


def test_same_names_in_different_folders_do_not_overwrite_each_other(tmp_path):
    for folder in ("first", "second"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "x.txt").write_text("نص.", encoding="utf-8")
    stems = [f.stem for f in collect_inputs([str(tmp_path / "first" / "x.txt"), str(tmp_path / "second" / "x.txt")])]
    assert stems == ["first/x", "second/x"]


def test_output_names_never_leave_the_output_folder(tmp_path):
    evil = tmp_path / "..evil..txt"
    evil.write_text("نص.", encoding="utf-8")
    (stem,) = [f.stem for f in collect_inputs([str(evil)])]
    assert stem == "..evil." and "/" not in stem
    assert collect_inputs(["-"])[0].stem == "stdin"
    with pytest.raises(TarjamaError, match="only once"):
        collect_inputs(["-", "-"])


def test_empty_folder_is_an_error(tmp_path):
    with pytest.raises(TarjamaError, match="no input files"):
        collect_inputs([str(tmp_path)])
