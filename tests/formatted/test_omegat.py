"""A real CAT tool round trip: Debian's OmegaT 3.6 opens our XLIFF of a web page, translates it, and ``tarjama merge`` reads it back.

OmegaT 3.6's XLIFF filter translates the ``<target>`` (its convention, as
Okapi Rainbow writes XLIFF with a copy of the source as target; see
tests/export/test_omegat.py), so the file given to it holds targets equal to
the sources.  The test first asks OmegaT how it sees every segment (its
pseudo-translation TMX: our inline codes as its own tags, ``<g0>…</g0>``,
``<x1/>``), then gives it a memory with an English version of each segment
that keeps those tags, as a translator's memory would.  OmegaT applies it,
writes the translated XLIFF, and ``tarjama merge`` must rebuild the page
from it with every code in place and no Arabic left.

A Word document makes the same trip (its runs' formatting as OmegaT's tags).  XLIFF 2.0 is not tried: OmegaT 3.6's filters read XLIFF 1.2 only.
Skips where OmegaT is not installed; CI installs it (.ci/run).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from lxml import etree
from lxml import html as lxml_html

from tests.export.test_omegat import PROJECT as OMEGAT_PROJECT
from translate.formatted.html import HtmlFilter
from translate.formatted.units import segment_units
from translate.formatted.xliff import formatted_xliff, merge_xliff
from translate.model import Provenance
from translate.validation import validate_bytes

OMEGAT = shutil.which("omegat")
pytestmark = [pytest.mark.heavy, pytest.mark.skipif(OMEGAT is None, reason="needs OmegaT (Debian: apt-get install omegat); CI installs it")]

PROJECT = OMEGAT_PROJECT.format(source="AR", target="EN")  # the project the TMX and XLIFF exports are tested in

PAGE = """<!DOCTYPE html>
<html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>عنوان الصفحة</title></head>
<body>
<nav><a href="/">الرئيسية</a> | <a href="/news">الأخبار</a></nav>
<h1>خبر <b>عاجل</b> اليوم</h1>
<p>قال الوزير <a href="https://example.test/news?id=1&amp;x=2" title="رابط الخبر">اليوم</a> إن <b>الاجتماع
   انتهى. وغادر</b> الوفد <img src="minister.png" alt="صورة الوزير"> مساء.</p>
<ul><li>البند <i>الأول</i></li><li>البند الثاني</li></ul>
<table><tr><td>خلية <u>مسطرة</u></td></tr></table>
</body></html>
""".encode()
ARABIC = re.compile("[\u0600-\u06ff]+")


def omegat(project: Path, home: Path, *args: str) -> str:
    proc = subprocess.run(
        [OMEGAT, str(project), *args],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "HOME": str(home), "LC_ALL": "C.UTF-8"},
    )
    log = proc.stdout + proc.stderr
    assert proc.returncode == 0 and "Finished" in log, log[-3000:]
    return log


def _project(tmp_path: Path, xliff: str) -> Path:
    """An OmegaT project whose one source file is ``xliff``."""
    project = tmp_path / "project"
    for folder in ("source", "target", "tm/auto", "glossary", "dictionary", "omegat"):
        (project / folder).mkdir(parents=True)
    (project / "omegat.project").write_text(PROJECT, encoding="utf-8")
    (project / "source" / "news.xlf").write_text(xliff, encoding="utf-8")
    return project


def test_omegat_translates_our_xliff_of_a_web_page_and_merge_rebuilds_the_page(tmp_path) -> None:
    units = segment_units(HtmlFilter().extract(PAGE, "news.html"), "ar", "news.html")
    identity = {i: s for n in range(len(units.units)) for i, s in zip(units.segment_ids(n), units.splits[n].segments)}
    xliff = formatted_xliff(units, identity, PAGE, "html", Provenance("test", "segmenter", "aligner"))
    project = _project(tmp_path, xliff)

    # how OmegaT sees each segment: a TMX whose targets are its sources, tags included
    seen = tmp_path / "seen.tmx"
    omegat(project, tmp_path / "home", "--mode=console-createpseudotranslatetmx", f"--pseudotranslatetmx={seen}", "--pseudotranslatetype=equal")
    tmx = etree.parse(str(seen))
    segments = tmx.findall(".//tu")
    assert len(segments) == len(set(s.text for s in units.document.segments))
    assert any("<g0>" in (tu.findtext("tuv/seg") or "") for tu in segments), "our codes reach OmegaT as its tags"
    for tu in segments:
        target = tu.findall("tuv")[1].find("seg")
        target.text = ARABIC.sub("word", target.text or "")  # an English version that keeps every tag where it was
    tmx.write(str(project / "tm" / "auto" / "english.tmx"), encoding="utf-8", xml_declaration=True)

    omegat(project, tmp_path / "home", "--mode=console-translate")
    written = (project / "target" / "news.xlf").read_bytes()
    report = validate_bytes(written, "omegat-output.xlf")
    assert report.errors == 0, report.lines()

    result = merge_xliff(written, "omegat-output.xlf")
    assert result.untranslated == () and result.repaired == ()
    before, after = lxml_html.fromstring(PAGE), lxml_html.fromstring(result.document)
    assert [e.tag for e in before.iter()] == [e.tag for e in after.iter()]
    assert [a.get("href") for a in after.iter("a")] == ["/", "/news", "https://example.test/news?id=1&x=2"]
    assert after.find(".//img").get("src") == "minister.png" and after.find(".//img").get("alt") == "word word"
    assert [e.tag for e in after.find(".//h1")] == ["b"] and after.find(".//h1/b").text == "word"
    assert after.find(".//li/i").text == "word" and after.find(".//td/u").text == "word"
    assert not ARABIC.search(after.text_content()), after.text_content()
    assert after.get("lang") == "en" and after.get("dir") == "ltr"


def test_omegat_translates_our_xliff_of_a_word_document_and_merge_rebuilds_it(tmp_path) -> None:
    """The same round trip for a Word document: OmegaT sees its runs' formatting as tags, and the rebuilt .docx
    keeps the picture's bytes, the link's target and every bold, italic and underlined span, with no Arabic left."""
    import io
    import zipfile

    import docx

    from tests.formatted.wordfiles import LINK, article, png
    from translate.formatted.docx import WordFilter

    picture = png(rgb=(1, 2, 3))
    original = article(picture)
    units = segment_units(WordFilter().extract(original, "news.docx"), "ar", "news.docx")
    identity = {i: s for n in range(len(units.units)) for i, s in zip(units.segment_ids(n), units.splits[n].segments)}
    xliff = formatted_xliff(units, identity, original, "docx", Provenance("test", "segmenter", "aligner"), original_name="news.docx")
    project = _project(tmp_path, xliff)

    seen = tmp_path / "seen.tmx"
    omegat(project, tmp_path / "home", "--mode=console-createpseudotranslatetmx", f"--pseudotranslatetmx={seen}", "--pseudotranslatetype=equal")
    tmx = etree.parse(str(seen))
    assert any("<g" in (tu.findtext("tuv/seg") or "") for tu in tmx.findall(".//tu")), "the runs' formatting reaches OmegaT as its tags"
    for tu in tmx.findall(".//tu"):
        target = tu.findall("tuv")[1].find("seg")
        target.text = ARABIC.sub("word", target.text or "")
    tmx.write(str(project / "tm" / "auto" / "english.tmx"), encoding="utf-8", xml_declaration=True)

    omegat(project, tmp_path / "home", "--mode=console-translate")
    result = merge_xliff((project / "target" / "news.xlf").read_bytes(), "omegat-output.xlf")
    assert result.untranslated == () and result.repaired == ()
    rebuilt = WordFilter().extract(result.document, "rebuilt.docx")
    assert len(rebuilt) == len(units.units) and not any(ARABIC.search(u.source.plain) for u in rebuilt)
    with zipfile.ZipFile(io.BytesIO(result.document)) as package:
        assert picture in [package.read(n) for n in package.namelist() if n.startswith("word/media/")]
    after = docx.Document(io.BytesIO(result.document))
    assert LINK in [r.target_ref for r in after.part.rels.values() if r.is_external]
    runs = [r for p in after.paragraphs for r in p.runs]
    assert all(any(getattr(r, kind) and r.text.strip() for r in runs) for kind in ("bold", "italic", "underline"))
