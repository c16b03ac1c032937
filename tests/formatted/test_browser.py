"""A merged web page in a real browser: Debian's Chromium, headless, renders NAME.en.html as a reader would.

The page is rebuilt by ``tarjama merge`` from an XLIFF whose targets a
post-editor filled in (placeholder English words that keep every code).  The
page's own script must still run (it marks the DOM), the links and the picture
must be as they were, the page must be English and left to right, and no
Arabic may be left in what the reader sees.  Skips where Chromium is absent;
CI installs it (.ci/run).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from translate.formatted.html import HtmlFilter
from translate.formatted.tagged import TaggedText
from translate.formatted.units import segment_units
from translate.formatted.xliff import formatted_xliff2, merge_xliff
from translate.model import Provenance

CHROMIUM = next((p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p), None)
pytestmark = [pytest.mark.heavy, pytest.mark.skipif(CHROMIUM is None, reason="needs Chromium (Debian: apt-get install chromium); CI installs it")]
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-extensions", "--hide-scrollbars"]

PAGE = """<!DOCTYPE html>
<html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>عنوان الصفحة</title>
<style>h1 { color: #333 }</style></head>
<body>
<nav><a href="/home.html">الرئيسية</a></nav>
<h1>خبر <b>عاجل</b></h1>
<p dir="rtl">قال الوزير <a href="https://example.test/a?b=1&amp;c=2">اليوم</a> إن الاجتماع انتهى. <img src="m.png" alt="صورة"> وغادر الوفد.</p>
<ul><li>أول</li><li><i>ثان</i></li></ul>
<script>document.body.setAttribute("data-script-ran", "yes " + document.querySelectorAll("a").length);</script>
</body></html>
""".encode()
PROBE = """<script>
document.documentElement.setAttribute("data-probe", JSON.stringify({
  lang: document.documentElement.lang,
  direction: getComputedStyle(document.body).direction,
  paragraph: getComputedStyle(document.querySelector("p")).direction,
  text: document.body.innerText,
  title: document.title,
  links: Array.from(document.querySelectorAll("a")).map(a => a.getAttribute("href")),
  images: Array.from(document.querySelectorAll("img")).map(i => [i.getAttribute("src"), i.getAttribute("alt")]),
  tags: Array.from(document.querySelectorAll("body *")).map(e => e.tagName.toLowerCase()).filter(t => t !== "script"),
  ran: document.body.getAttribute("data-script-ran"),
}));
</script>"""


def test_chromium_renders_the_merged_page_in_english_with_its_links_picture_and_script(tmp_path: Path) -> None:
    units = segment_units(HtmlFilter().extract(PAGE, "news.html"), "ar", "news.html")
    english = {}
    for n in range(len(units.units)):
        for i, sentence in zip(units.segment_ids(n), units.splits[n].segments):
            english[i] = TaggedText(tuple(re.sub("[\u0600-\u06ff]+", "word", p) if isinstance(p, str) else p for p in sentence.parts))
    result = merge_xliff(formatted_xliff2(units, english, PAGE, "html", Provenance("t", "s", "a")).encode(), "news.xliff2.xlf")
    page = tmp_path / "news.en.html"
    page.write_bytes(result.document.replace(b"</body>", PROBE.encode() + b"</body>"))
    proc = subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom", page.as_uri()],
                          capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0 and "data-probe" in proc.stdout, proc.stderr[-3000:]
    raw = re.search(r'data-probe="([^"]*)"', proc.stdout).group(1)
    probe = json.loads(raw.replace("&quot;", '"').replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&"))
    assert probe["lang"] == "en" and probe["direction"] == "ltr" and probe["paragraph"] == "ltr"
    assert not re.search("[\u0600-\u06ff]", probe["text"] + probe["title"]), probe["text"]
    assert probe["links"] == ["/home.html", "https://example.test/a?b=1&c=2"]
    assert probe["images"] == [["m.png", "word"]]
    assert probe["tags"] == ["nav", "a", "h1", "b", "p", "a", "img", "ul", "li", "li", "i"]
    assert probe["ran"] == "yes 2", "the page's own script is intact and runs"
    shot = chromium_screenshot(tmp_path, page)
    print(f"screenshot: {shot}")


def chromium_screenshot(tmp_path: Path, page: Path) -> Path:
    shot = tmp_path / "news.en.png"
    subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}", f"--screenshot={shot}", "--window-size=900,600", page.as_uri()],
                   capture_output=True, timeout=180, check=True)
    assert shot.stat().st_size > 0
    return shot
