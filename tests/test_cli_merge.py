"""``tarjama merge``: a formatted document's XLIFF back into the document, end to end."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from translate.formatted.html import HtmlFilter
from translate.formatted.units import segment_units
from translate.formatted.xliff import formatted_xliff, formatted_xliff2
from translate.model import Provenance

ROOT = Path(__file__).resolve().parents[1]
PAGE = """<!DOCTYPE html>
<html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>الخبر</title></head>
<body><h1>خبر <b>عاجل</b></h1>
<p>قال الوزير <a href="https://example.test/a">اليوم</a> إن الاجتماع انتهى. <img src="m.png" alt="صورة"> وغادر الوفد.</p>
</body></html>
""".encode()


def tarjama(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "translate", *args], capture_output=True, text=True, timeout=300, cwd=ROOT)


def write_xliff(folder: Path, version: str = "1.2", targets: bool = True) -> Path:
    units = segment_units(HtmlFilter().extract(PAGE, "news.html"), "ar", "news.html")
    identity = {i: s for n in range(len(units.units)) for i, s in zip(units.segment_ids(n), units.splits[n].segments)}
    writer = formatted_xliff if version == "1.2" else formatted_xliff2
    path = folder / ("news.xlf" if version == "1.2" else "news.xliff2.xlf")
    path.write_text(writer(units, identity if targets else {}, PAGE, "html", Provenance("t", "s", "a")), encoding="utf-8")
    return path


@pytest.mark.parametrize("version", ["1.2", "2.0"])
def test_merge_writes_name_en_html_beside_the_xliff_with_the_post_edits(tmp_path, version) -> None:
    xliff = write_xliff(tmp_path, version)
    xliff.write_text(re.sub("(<target[^>]*>)الخبر<", r"\1The news<", xliff.read_text(encoding="utf-8"), count=1), encoding="utf-8")
    proc = tarjama("merge", str(xliff))
    assert proc.returncode == 0, proc.stderr
    out = tmp_path / "news.en.html"
    assert proc.stderr.strip() == f"{out}: rebuilt from {xliff}"  # reports go to stderr, as translate's
    page = out.read_bytes()
    assert page == PAGE.replace(b'<html lang="ar" dir="rtl">', b'<html lang="en" dir="ltr">').replace(
        "<title>الخبر</title>".encode(), b"<title>The news</title>"
    )


def test_segments_without_a_target_keep_their_source_and_are_reported(tmp_path) -> None:
    xliff = write_xliff(tmp_path, targets=False)
    proc = tarjama("merge", str(xliff), "-o", str(tmp_path / "out" / "page.html"))
    assert proc.returncode == 0, proc.stderr
    assert re.search(r"warning: .*news.xlf: 5 segments without a target kept their Arabic source: trans-unit 1:1, ", proc.stderr)
    assert (tmp_path / "out" / "page.html").is_file()


def damage(kind: str, xliff: Path) -> list[str]:
    text = xliff.read_text(encoding="utf-8")
    if kind == "truncated":
        xliff.write_text(text[: len(text) // 2], encoding="utf-8")
    elif kind == "external entity":
        xliff.write_text(text.replace("?>", '?><!DOCTYPE xliff [<!ENTITY e SYSTEM "file:///etc/passwd">]>', 1).replace("الخبر", "&e;"), encoding="utf-8")
    elif kind == "missing original":
        xliff.write_text(re.sub(r"<skl>.*?</skl>", "", text), encoding="utf-8")
    elif kind == "wrong original":
        xliff.write_text(re.sub(r"<skl>.*?</skl>", "", text), encoding="utf-8")
        other = xliff.parent / "other.html"
        other.write_bytes(PAGE.replace("الخبر".encode(), "خبر آخر".encode()))
        return ["--original", str(other)]
    elif kind == "no such original":
        return ["--original", str(xliff.parent / "absent.html")]
    elif kind == "empty":
        xliff.write_bytes(b"")
    return []


@pytest.mark.parametrize("kind", ["truncated", "external entity", "missing original", "wrong original", "no such original", "empty"])
def test_bad_input_is_one_line_exit_2_and_nothing_written(tmp_path, kind) -> None:
    xliff = write_xliff(tmp_path)
    extra = damage(kind, xliff)
    out = tmp_path / "out.html"
    proc = tarjama("merge", str(xliff), "-o", str(out), *extra)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.startswith("tarjama: error: ") and proc.stderr.count("\n") == 1, proc.stderr
    assert "Traceback" not in proc.stderr and not out.exists()


def test_the_output_never_replaces_the_xliff_or_a_file_tarjama_did_not_write(tmp_path) -> None:
    xliff = write_xliff(tmp_path)
    proc = tarjama("merge", str(xliff), "-o", str(xliff))
    assert proc.returncode == 2 and "would overwrite the input" in proc.stderr
    mine = tmp_path / "news.en.html"
    mine.write_text("my own page", encoding="utf-8")
    proc = tarjama("merge", str(xliff))
    assert proc.returncode == 2 and "not a file tarjama wrote" in proc.stderr
    assert mine.read_text(encoding="utf-8") == "my own page"
    assert tarjama("merge", str(xliff), "--overwrite").returncode == 0
    assert mine.read_bytes().startswith(b"<!DOCTYPE html>")
