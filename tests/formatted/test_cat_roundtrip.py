"""The CAT round trip end to end: ``tarjama translate`` writes a Word document's or web page's XLIFF with inline codes,
and ``tarjama merge`` rebuilds the document from it.

The tiny random-weight model stands in for a real one: these tests compare
documents with each other (the merge of the untouched XLIFF with NAME.en.*,
targets copied from sources with the original), never the English wording.
"""

from __future__ import annotations

import copy
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import docx
import pytest
from lxml import etree

from tests.formatted.wordfiles import LINK, article, png
from translate.formatted import filter_for
from translate.validation import validate_bytes

ROOT = Path(__file__).resolve().parents[2]
PAGE = """<!DOCTYPE html>
<html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>الخبر</title></head>
<body><h1>خبر <b>عاجل</b> من العاصمة</h1>
<p>قال الوزير <a href="https://example.test/a">اليوم</a> إن الاجتماع انتهى. <img src="m.png" alt="صورة الوفد"> وغادر الوفد مساء أمس.</p>
</body></html>
""".encode()
NS = {"x1": "urn:oasis:names:tc:xliff:document:1.2", "x2": "urn:oasis:names:tc:xliff:document:2.0"}


def tarjama(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "translate", *args], capture_output=True, text=True, timeout=600, cwd=ROOT)


@pytest.fixture(scope="module", params=["docx", "html"])
def translated(request: pytest.FixtureRequest, tiny_model: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp(f"cat-{request.param}")
    source = folder / f"news.{request.param}"
    source.write_bytes(article(png()) if request.param == "docx" else PAGE)
    proc = tarjama("translate", str(source), "--model", str(tiny_model), "--device", "cpu", "--no-tm", "-q",
                   "--to", "formatted,xliff,xliff2", "-o", str(folder / "out"))
    assert proc.returncode == 0, proc.stderr
    return source


def units(path: Path) -> list[str]:
    found = filter_for(str(path))
    assert found is not None
    return [unit.source.plain for unit in found.extract(path.read_bytes(), str(path))]


def out(source: Path, name: str) -> Path:
    return source.parent / "out" / name


@pytest.mark.parametrize("name", ["news.xlf", "news.xliff2.xlf"])
def test_the_xliff_has_inline_codes_and_is_valid(translated: Path, name: str) -> None:
    data = out(translated, name).read_bytes()
    assert validate_bytes(data, name).errors == 0
    codes = ("<g ", "<x ", "<bx ", "<ex ") if name == "news.xlf" else ("<pc ", "<ph ", "<sc ", "<ec ")
    assert any(code in data.decode() for code in codes)
    assert b"internal-file" in data or b"skeleton" in data  # the original travels with it


@pytest.mark.parametrize("name", ["news.xlf", "news.xliff2.xlf"])
def test_merging_the_untouched_xliff_gives_the_formatted_translation(translated: Path, name: str, tmp_path: Path) -> None:
    merged = tmp_path / f"merged{translated.suffix}"
    proc = tarjama("merge", str(out(translated, name)), "-o", str(merged))
    assert proc.returncode == 0, proc.stderr
    assert units(merged) == units(out(translated, f"news.en{translated.suffix}"))


def _targets_from_sources(data: bytes, version: str) -> bytes:
    root = etree.fromstring(data)
    ns = "x1" if version == "1.2" else "x2"
    holders = root.iterfind(".//x1:trans-unit", NS) if version == "1.2" else root.iterfind(".//x2:segment", NS)
    for holder in holders:
        source, target = holder.find(f"{ns}:source", NS), holder.find(f"{ns}:target", NS)
        assert source is not None and target is not None
        target.text = source.text
        target[:] = [copy.deepcopy(child) for child in source]
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


@pytest.mark.parametrize(("name", "version"), [("news.xlf", "1.2"), ("news.xliff2.xlf", "2.0")])
def test_targets_equal_to_sources_give_back_the_original_text_and_a_post_edit_appears(
    translated: Path, name: str, version: str, tmp_path: Path
) -> None:
    edited = tmp_path / name
    edited.write_bytes(_targets_from_sources(out(translated, name).read_bytes(), version))
    merged = tmp_path / f"same{translated.suffix}"
    assert tarjama("merge", str(edited), "-o", str(merged)).returncode == 0
    assert units(merged) == units(translated)
    if translated.suffix == ".docx":  # the picture's bytes and the link's target come back too
        with zipfile.ZipFile(merged) as package:
            assert png() in [package.read(n) for n in package.namelist() if n.startswith("word/media/")]
        assert LINK in [r.target_ref for r in docx.Document(str(merged)).part.rels.values() if r.is_external]
    else:
        assert b'href="https://example.test/a"' in merged.read_bytes() and b'src="m.png"' in merged.read_bytes()

    # a post-editor's change: the first target's first text run rewritten
    text = edited.read_text(encoding="utf-8")
    first = re.search(r"(<target[^>]*>)([^<]+)", text)
    assert first is not None
    edited.write_text(text[: first.start(2)] + "Post-edited words" + text[first.end(2) :], encoding="utf-8")
    merged = tmp_path / f"edited{translated.suffix}"
    proc = tarjama("merge", str(edited), "-o", str(merged))
    assert proc.returncode == 0, proc.stderr
    assert any("Post-edited words" in unit for unit in units(merged))
