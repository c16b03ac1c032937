"""Word in, Word out: ``tarjama translate news.docx`` writes news.en.docx, checked with python-docx and the real LibreOffice.

The tiny random-weight model stands in for a real one, so these tests check
the document's structure (paragraphs, styles, table, picture, link, spans,
direction, language), never the English wording.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import docx
import pytest

from tests.formatted.wordfiles import LINK, article, png

ARABIC = re.compile(r"[\u0600-\u06FF]")
PICTURE = png(rgb=(9, 99, 199))


def tarjama(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "translate", *args], capture_output=True, timeout=600)


@pytest.fixture(scope="module")
def translated(tiny_model: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("word")
    source = folder / "news.docx"
    source.write_bytes(article(PICTURE))
    proc = tarjama("translate", str(source), "--model", str(tiny_model), "--device", "cpu", "--no-tm", "-q", "-o", str(folder / "out"))
    assert proc.returncode == 0, proc.stderr.decode()
    return source, folder / "out"


def texts(document) -> list[str]:  # type: ignore[no-untyped-def]
    return [p.text for p in document.paragraphs]


def test_a_word_input_comes_back_as_word_with_its_structure(translated: tuple[Path, Path]) -> None:
    source, out = translated
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == ["news.en.docx", "news.en.txt", "news.html", "news.tmx"]
    before = docx.Document(str(source))
    after = docx.Document(str(out / "news.en.docx"))
    # one English paragraph per paragraph, each with its style
    assert [bool(t.strip()) for t in texts(after)] == [bool(t.strip()) for t in texts(before)]
    assert [p.style.name for p in after.paragraphs] == [p.style.name for p in before.paragraphs]
    # the table, the picture (same bytes), the link target
    assert len(after.tables) == 1 and len(after.tables[0].rows) == 2 and all(c.text.strip() for r in after.tables[0].rows for c in r.cells)
    with zipfile.ZipFile(out / "news.en.docx") as package:
        assert PICTURE in [package.read(n) for n in package.namelist() if n.startswith("word/media/")]
        xml = "".join(package.read(n).decode() for n in package.namelist() if n.endswith(".xml") and "settings" not in n)
    assert LINK in [r.target_ref for r in after.part.rels.values() if r.is_external]
    link_paragraph = next(p for p in after.paragraphs if p.hyperlinks)
    assert link_paragraph.hyperlinks[0].text.strip()
    # every bold, italic and underlined span is on English words
    runs = [r for p in after.paragraphs for r in p.runs]
    assert [bool(r.text.strip()) for r in runs if r.bold] == [True]
    assert [bool(r.text.strip()) for r in runs if r.italic] == [True]
    assert [bool(r.text.strip()) for r in runs if r.underline] == [True]
    # no Arabic in body, table, header or footer; no right-to-left property; English language tags
    section = after.sections[0]
    visible = texts(after) + [c.text for r in after.tables[0].rows for c in r.cells] + texts(section.header) + texts(section.footer)
    assert all(t.strip() for t in texts(section.header) + texts(section.footer))
    assert not ARABIC.search("\n".join(visible))
    assert "<w:bidi" not in xml and "<w:rtl" not in xml and "ar-SA" not in xml
    # the draft and the review page hold the same units (table cells, header and footer too)
    draft = (out / "news.en.txt").read_text(encoding="utf-8")
    assert len([p for p in draft.split("\n\n") if p.strip()]) == 12


def soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        pytest.skip("needs LibreOffice (Debian package libreoffice-writer-nogui): soffice is not installed")
    return found


def convert(program: str, files: list[Path], to: str, out: Path, profile: Path) -> None:
    """LibreOffice headless, with a profile of its own (another soffice running elsewhere is never joined)."""
    command = [program, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", to, "--outdir", str(out), *map(str, files)]
    proc = subprocess.run(command, capture_output=True, timeout=240, env={**os.environ, "HOME": str(profile)})
    assert proc.returncode == 0, proc.stderr.decode(errors="replace")


def test_libreoffice_reads_every_word_output_as_english_text_and_prints_it(
    translated: tuple[Path, Path], tiny_model: Path, tmp_path: Path
) -> None:
    program = soffice()
    _, out = translated
    text_input = tmp_path / "plain.txt"
    text_input.write_text("قال الوزير إن الخطة جديدة.\n\nوأضاف أن المدارس ستفتح.\n", encoding="utf-8")
    proc = tarjama("translate", str(text_input), "--model", str(tiny_model), "--device", "cpu", "--no-tm", "-q", "--to", "docx", "-o", str(tmp_path / "draft"))
    assert proc.returncode == 0, proc.stderr.decode()
    outputs = [out / "news.en.docx", tmp_path / "draft" / "plain.en.docx"]  # the formatted document and the flattened draft
    convert(program, outputs, "txt:Text (encoded):UTF8", tmp_path / "txt", tmp_path / "profile")
    convert(program, outputs, "pdf", tmp_path / "pdf", tmp_path / "profile")
    for output in outputs:
        text = (tmp_path / "txt" / (output.stem + ".txt")).read_text(encoding="utf-8-sig")
        words = [p.text for p in docx.Document(str(output)).paragraphs if p.text.strip()]
        assert words and all(w.strip() in text for w in words)
        assert not ARABIC.search(text)
        pdf = (tmp_path / "pdf" / (output.stem + ".pdf")).read_bytes()
        assert pdf.startswith(b"%PDF") and len(pdf) > 1000


def test_a_word_file_with_macros_is_one_error_and_nothing_is_written(tmp_path: Path) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(article()), "r") as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            target.writestr(info, source.read(info.filename))
        target.writestr("word/vbaProject.bin", b"\x00macro")
    path = tmp_path / "macro.docx"
    path.write_bytes(out.getvalue())
    proc = tarjama("translate", str(path), "--model", str(tmp_path / "no-model"), "-o", str(tmp_path / "out"))
    err = proc.stderr.decode()
    assert proc.returncode == 2 and len(err.splitlines()) == 1 and "macros" in err, err
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_the_memory_serves_a_word_document_again_with_the_same_formatted_result(tiny_model: Path, tmp_path: Path) -> None:
    source = tmp_path / "news.docx"
    source.write_bytes(article(PICTURE))
    outputs = []
    for run in ("first", "second"):
        proc = tarjama("translate", str(source), "--model", str(tiny_model), "--device", "cpu", "--tm", str(tmp_path / "tm.sqlite"),
                       "--to", "formatted", "-o", str(tmp_path / run))
        assert proc.returncode == 0, proc.stderr.decode()
        outputs.append((tmp_path / run / "news.en.docx").read_bytes())
    assert "13 from the translation memory" in proc.stderr.decode()
    assert outputs[0] == outputs[1]  # a memory hit is placed and written exactly as the fresh translation was


PAGE = """<html dir="rtl" lang="ar"><head><meta charset="utf-8"><title>خبر</title></head><body>
<h1>الحكومة تعلن خطة جديدة</h1>
<p>قال <b>وزير التعليم</b> يوم الأحد إن <i>الخطة</i> تبدأ في <u>سبتمبر</u> المقبل. وأضاف أن <a href="https://example.org/x">الموقع</a> جاهز.</p>
<ul><li>بناء مدارس جديدة.</li><li>تدريب المعلمين.</li></ul>
<table border="1"><tr><td>المدينة</td><td>العدد</td></tr><tr><td>القاهرة</td><td>عشرون</td></tr></table>
<p>السطر الأول<br>السطر الثاني</p></body></html>"""


def test_a_word_file_written_by_libreoffice_merges_back_to_the_same_text_left_aligned(tmp_path: Path) -> None:
    """Not only python-docx's markup: LibreOffice's own .docx (revision ids, bookmarks, explicit alignment, direction on every run)."""
    from translate.formatted.docx import WordFilter

    program = soffice()
    (tmp_path / "page.html").write_text(PAGE, encoding="utf-8")
    convert(program, [tmp_path / "page.html"], "docx:MS Word 2007 XML", tmp_path, tmp_path / "profile")
    original = (tmp_path / "page.docx").read_bytes()
    units = WordFilter().extract(original, "page.docx")
    assert [c.label for c in units[1].source.codes] == ["b", "b", "i", "i", "u", "u", "link", "link"]
    (tmp_path / "merged.docx").write_bytes(WordFilter().merge(original, {u.id: u.source for u in units}, "page.docx"))
    convert(program, [tmp_path / "page.docx", tmp_path / "merged.docx"], "txt:Text (encoded):UTF8", tmp_path / "txt", tmp_path / "profile")
    assert (tmp_path / "txt" / "merged.txt").read_text(encoding="utf-8-sig") == (tmp_path / "txt" / "page.txt").read_text(encoding="utf-8-sig")
    merged = docx.Document(str(tmp_path / "merged.docx"))
    assert {p.alignment for p in merged.paragraphs if p.text.strip()} <= {None, docx.enum.text.WD_ALIGN_PARAGRAPH.LEFT}
