"""The export options of ``tarjama translate`` / ``align`` end to end, and ``tarjama validate`` on what they write."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import docx
from lxml import etree

ROOT = Path(__file__).resolve().parents[1]
ARTICLE = ROOT / "tests" / "fixtures" / "article.ar.txt"
NTREX = ROOT / "tests" / "fixtures" / "ntrex"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def tarjama(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "translate", *args], capture_output=True, text=True, timeout=600, cwd=ROOT)


def test_translate_to_every_format_with_locale_codes(tiny_model, tmp_path):
    out = tmp_path / "out"
    proc = tarjama(
        "translate", str(ARTICLE), "--model", str(tiny_model), "-o", str(out),
        "--to", "txt,tmx,html,xlf,docx", "--src-lang", "ar-SA", "--tgt-lang", "en-US", "--tmx-dedupe",
    )
    assert proc.returncode == 0, proc.stderr
    names = sorted(p.name for p in out.iterdir() if p.name != ".tarjama-outputs")
    assert names == ["article.ar.en.docx", "article.ar.en.txt", "article.ar.html", "article.ar.tmx", "article.ar.xlf"]

    check = tarjama("validate", str(out / "article.ar.tmx"), str(out / "article.ar.xlf"))
    assert check.returncode == 0, check.stdout
    assert "valid TMX 1.4" in check.stdout and "valid XLIFF 1.2" in check.stdout

    tmx = etree.parse(str(out / "article.ar.tmx")).getroot()
    assert tmx.find("header").get("srclang") == "ar-SA"
    assert {tuv.get(XML_LANG) for tuv in tmx.iter("tuv")} == {"ar-SA", "en-US"}
    pairs = [tuple(seg.text for seg in tu.iter("seg")) for tu in tmx.iter("tu")]
    assert len(pairs) == len(set(pairs)), "--tmx-dedupe: the repeated title is one unit"
    assert {p.get("type") for p in tmx.iter("prop")} >= {"x-origin", "x-model", "x-model-revision", "x-bead"}

    xliff = etree.parse(str(out / "article.ar.xlf")).getroot()
    ns = {"x": "urn:oasis:names:tc:xliff:document:1.2"}
    assert xliff.find("x:file", ns).get("target-language") == "en-US"
    # The unit's own target (an <alt-trans> proposal holds the MT again, with its confidence as match-quality).
    assert {t.get("state") for t in xliff.iterfind(".//x:trans-unit/x:target", ns)} == {"needs-review-translation"}
    assert {a.get("match-quality").isdigit() for a in xliff.iterfind(".//x:trans-unit/x:alt-trans", ns)} == {True}

    page = (out / "article.ar.html").read_text(encoding="utf-8")
    assert 'lang="ar-SA" dir="rtl"' in page and 'lang="en-US" dir="ltr"' in page

    draft = docx.Document(str(out / "article.ar.en.docx"))
    text = (out / "article.ar.en.txt").read_text(encoding="utf-8")
    assert "\n\n".join(p.text for p in draft.paragraphs) + "\n" == text
    assert draft.paragraphs[0].style.name == "Heading 1"


def test_bad_language_code_fails_before_the_model_loads(tmp_path):
    proc = tarjama("translate", str(ARTICLE), "--model", str(tmp_path / "no-such-model"), "--src-lang", "en-US", "-o", str(tmp_path))
    assert proc.returncode == 2
    assert proc.stderr.strip() == "tarjama: error: --src-lang en-US: this side is ar; give a code of that language such as ar or ar-XX"
    assert list(tmp_path.iterdir()) == []


def test_align_writes_xliff_and_refuses_docx(tmp_path):
    src, tgt = NTREX / "bbc.381790.ar.txt", NTREX / "bbc.381790.en.txt"
    proc = tarjama("align", str(src), str(tgt), "--presegmented", "-o", str(tmp_path), "--to", "tmx,xliff", "--tgt-lang", "en-GB")
    assert proc.returncode == 0, proc.stderr
    check = tarjama("validate", str(tmp_path / "bbc.381790.ar.tmx"), str(tmp_path / "bbc.381790.ar.xlf"))
    assert check.returncode == 0, check.stdout
    assert "ar → en-GB" in check.stdout
    proc = tarjama("align", str(src), str(tgt), "-o", str(tmp_path), "--to", "docx")
    assert proc.returncode == 2 and "output format 'docx' is not available here" in proc.stderr
