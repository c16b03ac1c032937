"""Web pages whatever they carry: every paragraph of the article reaches the draft, or the page is refused."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
from pathlib import Path

import pytest

from translate.errors import TarjamaError
from translate.inputs import html as html_input
from translate.inputs import load_document

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ntrex"
ROOT = Path(__file__).resolve().parents[2]
MB = 1_000_000


def real_paragraphs(count: int = 27) -> list[str]:
    """Real Arabic news paragraphs (NTREX), one per line in the fixtures."""
    lines = [" ".join(line.split()) for name in ("nytimes.184860.ar.txt", "bbc.381790.ar.txt") for line in (FIXTURES / name).read_text(encoding="utf-8").splitlines()]
    return [line for line in lines if line][:count]


BLOBS = {
    "data-image": lambda size: f'<figure><img src="data:image/png;base64,{base64.b64encode(os.urandom(size * 3 // 4)).decode()}" alt="صورة"></figure>',
    "style-element": lambda size: "<style>" + ".a{color:red}" * (size // 13) + "</style>",
    "script-element": lambda size: '<script>var state = "' + "x" * size + '";</script>',
    "long-attribute": lambda size: f'<div data-state="{"y" * size}"></div>',
    "svg-path": lambda size: f'<svg><path d="{"M0 0 L1 1 " * (size // 10)}"/></svg>',
}


def news_page(paragraphs: list[str], blob: str, after: int = 5) -> str:
    body = []
    for index, paragraph in enumerate(paragraphs, start=1):
        body.append(f"<p>{paragraph}</p>")
        if index == after:
            body.append(blob)
    return (
        '<!DOCTYPE html><html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>أخبار</title></head><body>'
        '<nav><a href="/">الرئيسية</a></nav><article>' + "\n".join(body) + "</article><footer>جميع الحقوق محفوظة</footer></body></html>"
    )


@pytest.mark.parametrize("kind", sorted(BLOBS))
def test_every_paragraph_survives_an_inline_blob_after_the_fifth(tmp_path, kind):
    """A 12 MB inline image after paragraph 5 gave 3 segments instead of 27, exit 0, no warning."""
    paragraphs = real_paragraphs()
    path = tmp_path / "page.html"
    path.write_text(news_page(paragraphs, BLOBS[kind](12 * MB)), encoding="utf-8")
    assert path.stat().st_size > 12 * MB
    document = load_document(str(path), "ar", "page")
    got = [" ".join(s.text for s in p.segments) for p in document.paragraphs]
    assert got == paragraphs


def test_the_cli_translates_every_paragraph_of_a_page_with_an_inline_image(tmp_path, tiny_model):
    paragraphs = real_paragraphs()
    path = tmp_path / "page.html"
    path.write_text(news_page(paragraphs, BLOBS["data-image"](12 * MB)), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "translate", "translate", str(path), "--model", str(tiny_model), "--no-tm", "-o", str(tmp_path / "out"), "--quiet"],
        capture_output=True, text=True, env=env, timeout=600,
    )
    assert done.returncode == 0, done.stderr
    drafts = list((tmp_path / "out").glob("page*.txt"))
    assert drafts, list((tmp_path / "out").iterdir())
    draft = [line for line in drafts[0].read_text(encoding="utf-8").split("\n\n") if line.strip()]
    assert len(draft) >= len(paragraphs)  # one draft paragraph per source paragraph (a heading line may come first)


def test_an_extraction_missing_most_of_the_page_is_refused():
    paragraphs = real_paragraphs()
    with pytest.raises(TarjamaError, match=r"page.html: the article could not be extracted reliably: 22 of the page's 27 paragraphs"):
        html_input.check_coverage(paragraphs, paragraphs[:5], "page.html")
    html_input.check_coverage(paragraphs, paragraphs, "page.html")
    html_input.check_coverage(paragraphs[:2], [], "short.html")  # too little text on the page to judge


def test_navigation_footers_and_comments_are_not_article_text():
    page = news_page(real_paragraphs(3), "").replace(
        "<footer>", '<div class="comments-section"><p>' + "تعليق طويل جدا من أحد القراء على هذا الخبر " * 3 + "</p></div><footer><p>" + "حقوق " * 20 + "</p>"
    )
    tree = html_input.parse_page(page.encode("utf-8"), "page.html")
    assert html_input.reference_paragraphs(tree) == [p for p in real_paragraphs(3) if len(p) >= 40]  # bylines and one-liners do not count


def test_a_page_over_the_size_limit_is_refused_by_name(tmp_path, monkeypatch):
    monkeypatch.setattr(html_input, "MAX_HTML_BYTES", 2**20)
    path = tmp_path / "huge.html"
    path.write_text(news_page(real_paragraphs(), BLOBS["data-image"](2 * MB)), encoding="utf-8")
    with pytest.raises(TarjamaError, match="huge.html: larger than 1 MiB, the limit for a web page"):
        load_document(str(path), "ar")
