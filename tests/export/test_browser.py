"""The review page in a real browser: Debian's Chromium, headless.

Chromium loads the page from disk as a reviewer would.  For the layout
checks the test appends its own probe script to a copy of the page (the page
itself has none); the probe reads the computed styles and where the text
actually sits in each cell, and writes its findings into the DOM, which
``--dump-dom`` hands back.  Hostile text in every field (sentences, names,
flags, provenance) must stay text: nothing from the content may run.

A screenshot is saved as a test artifact; its path is printed (pytest -s)
and it lies in the test's tmp_path.  Skips where Chromium is absent; CI
installs it (.ci/run).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from translate.export import get_exporter, with_languages
from translate.flags import Flag
from translate.model import Alignment, Bead, Origin, ParagraphKind, Provenance, assemble_document

CHROMIUM = next((p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p), None)
pytestmark = [pytest.mark.heavy, pytest.mark.skipif(CHROMIUM is None, reason="needs Chromium (Debian: apt-get install chromium); CI installs it")]

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--hide-scrollbars",
]

MARK = "document.documentElement.setAttribute('data-pwned', '{}')"
PAYLOADS = [
    f"<script>{MARK.format('script')}</script>",
    f"<img src=x onerror=\"{MARK.format('img')}\">",
    f"<svg onload=\"{MARK.format('svg')}\"></svg>",
    f"</td></tr></table><script>{MARK.format('breakout')}</script>",
    f"<iframe srcdoc=\"<script>parent.{MARK.format('iframe')}</script>\"></iframe>",
]

PROBE = """<script>
(function () {
  var out = {cells: [], scripts: document.scripts.length};
  document.querySelectorAll('tbody td[lang]').forEach(function (td) {
    var cs = getComputedStyle(td), box = td.getBoundingClientRect();
    var range = document.createRange(); range.selectNodeContents(td);
    var rects = Array.prototype.slice.call(range.getClientRects());
    var bottom = Math.max.apply(null, rects.map(function (r) { return r.top; }));
    rects = rects.filter(function (r) { return r.top > bottom - 2; });  // the last line: the one alignment shows on
    var right = Math.max.apply(null, rects.map(function (r) { return r.right; }));
    var left = Math.min.apply(null, rects.map(function (r) { return r.left; }));
    out.cells.push({lang: td.lang, dir: td.dir, direction: cs.direction, textAlign: cs.textAlign,
      gapRight: box.right - parseFloat(cs.paddingRight) - parseFloat(cs.borderRightWidth) - right,
      gapLeft: left - box.left - parseFloat(cs.paddingLeft) - parseFloat(cs.borderLeftWidth),
      width: box.width});
  });
  out.sticky = getComputedStyle(document.querySelector('thead th')).position;
  var rules = Array.prototype.slice.call(document.styleSheets[0].cssRules);
  out.hover = rules.some(function (r) { return (r.selectorText || '').indexOf('tr:hover') >= 0; });
  out.print = rules.some(function (r) { return r.media && r.media.mediaText === 'print'; });
  var pre = document.createElement('pre'); pre.id = 'probe'; pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
})();
</script>"""


def chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    profile = tmp_path / "chromium-profile"
    return subprocess.run(
        [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True,
        text=True,
        timeout=180,
    )


def dump_dom(tmp_path: Path, page: Path) -> str:
    proc = chromium(tmp_path, "--dump-dom", page.as_uri())
    assert proc.returncode == 0 and "<html" in proc.stdout, proc.stderr[-3000:]
    return proc.stdout


class _Dom(HTMLParser):
    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.starts: list[tuple[str, dict[str, str | None]]] = []
        self.probe = ""
        self._in_probe = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.starts.append((tag, dict(attrs)))
        self._in_probe = tag == "pre" and dict(attrs).get("id") == "probe"

    def handle_endtag(self, tag):
        if tag == "pre":
            self._in_probe = False

    def handle_data(self, data):
        if self._in_probe:
            self.probe += data


@pytest.fixture
def hostile(provenance: Provenance) -> Alignment:
    """The sample's shape with a script payload in every place the page shows content."""
    h, b = ParagraphKind.HEADING, ParagraphKind.BODY
    ar = ["عنوان الخبر " + PAYLOADS[0], "قال الوزير إن الاقتصاد ينمو بسرعة كبيرة هذا العام. " + PAYLOADS[1], "جملة ثالثة " + PAYLOADS[2], "سطر ختامي " + PAYLOADS[3]]
    en = ["The headline " + PAYLOADS[0], "The minister said the economy grows. " + PAYLOADS[1], "A third sentence " + PAYLOADS[4], "A closing line."]
    source = assemble_document("ar", [(h, ar[:1]), (b, ar[1:3]), (b, ar[3:])], name="خبر " + PAYLOADS[3])
    target = assemble_document("en", [(h, en[:1]), (b, en[1:3]), (b, en[3:])], name="news " + PAYLOADS[4])
    beads = (
        Bead((0,), (0,), 0.95, Origin.MT),
        Bead((1,), (1,), 0.5, Origin.MT, (Flag("numbers", PAYLOADS[1]),)),
        Bead((2,), (2,), None, Origin.TM),
        Bead((3,), (), None, Origin.MT, (Flag("empty"),)),
        Bead((), (3,), None, Origin.HUMAN, (Flag("empty"),)),
    )
    hostile_provenance = Provenance("0.1.0", PAYLOADS[0], PAYLOADS[2], model_id=PAYLOADS[3], created=provenance.created)
    return Alignment(source, target, beads, hostile_provenance)


def test_arabic_cells_render_right_to_left_and_right_aligned(hostile: Alignment, tmp_path: Path) -> None:
    html = get_exporter("html").render(with_languages(hostile, "ar-SA", "en-US"))
    assert "<script" not in html
    page = tmp_path / "probed.html"
    page.write_text(html.replace("</body>", PROBE + "\n</body>"), encoding="utf-8")
    probe = json.loads(_Dom(dump_dom(tmp_path, page)).probe)

    arabic = [c for c in probe["cells"] if c["lang"] == "ar-SA"]
    english = [c for c in probe["cells"] if c["lang"] == "en-US"]
    assert len(arabic) == 4 and len(english) == 4
    for cell in arabic:
        assert (cell["dir"], cell["direction"], cell["textAlign"]) == ("rtl", "rtl", "right"), cell
        assert abs(cell["gapRight"]) <= 2, f"the Arabic text ends against the right edge: {cell}"
    for cell in english:
        assert (cell["dir"], cell["direction"], cell["textAlign"]) == ("ltr", "ltr", "left"), cell
        assert abs(cell["gapLeft"]) <= 2, f"the English text starts against the left edge: {cell}"
    # The last line of a right-aligned paragraph leaves its slack on the left (the English ones on the
    # right); how much depends on where the lines wrap (fonts, column widths), so only its side is checked.
    assert all(cell["gapLeft"] > cell["gapRight"] + 4 for cell in arabic), arabic
    assert all(cell["gapRight"] > cell["gapLeft"] + 4 for cell in english), english
    assert probe["sticky"] == "sticky", "the column headings stay on screen"
    assert probe["hover"] and probe["print"], "Chromium parsed the hover rules and the print stylesheet"
    assert probe["scripts"] == 1, "the probe is the only script in the page"


def test_no_script_from_the_content_runs(hostile: Alignment, tmp_path: Path) -> None:
    page = tmp_path / "hostile.html"
    get_exporter("html").write(hostile, tmp_path, "hostile")
    dom = dump_dom(tmp_path, page)
    parsed = _Dom(dom)
    tags = [tag for tag, _ in parsed.starts]
    assert "script" not in tags and "img" not in tags and "svg" not in tags and "iframe" not in tags
    assert not any("onerror" in attrs or "onload" in attrs for _, attrs in parsed.starts)
    assert not any("data-pwned" in attrs for _, attrs in parsed.starts), "a payload ran"
    assert PAYLOADS[0].replace("<", "&lt;").replace(">", "&gt;") in dom, "the payload is shown as text"


def test_screenshot_is_saved(sample: Alignment, tmp_path: Path) -> None:
    page = get_exporter("html").write(sample, tmp_path, "review")
    shot = tmp_path / "review.png"
    proc = chromium(tmp_path, f"--screenshot={shot}", "--window-size=1280,1400", page.as_uri())
    assert proc.returncode == 0, proc.stderr[-3000:]
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000
    print(f"review page screenshot: {shot}")
