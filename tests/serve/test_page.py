"""The page for translators in headless Chromium: the form, a pasted article, the review rows, the TMX download.

Chromium cannot submit a form from the command line, so a Python client posts
the form exactly as a browser does (multipart/form-data), and Chromium loads
the form from the server and renders the result page; a probe script appended
to a copy of the result reads the computed direction of the cells.  Hostile
text must stay text.
"""

from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path

import pytest

from tests.export.test_browser import CHROMIUM, PAYLOADS, _Dom, chromium
from tests.serve.conftest import HAVE_SERVE, Server

pytestmark = [
    pytest.mark.heavy,
    pytest.mark.skipif(not HAVE_SERVE, reason="needs the serve extra: pip install -e '.[serve]'"),
    pytest.mark.skipif(CHROMIUM is None, reason="needs Chromium (Debian: apt-get install chromium); CI installs it"),
]

# Arabic enough to pass the language check (as a real article quoting hostile text would): long sentences, one each.
FIRST = "قال وزير الاقتصاد في مؤتمر صحفي عقده صباح الأحد في العاصمة إن الاقتصاد الوطني ينمو بسرعة كبيرة وإن الأسعار ستنخفض في العام المقبل مع زيادة الإنتاج المحلي والصادرات. "
SECOND = "وأضاف الوزير في جملة ثانية من فقرة ثانية أن الحكومة ستواصل دعم المشروعات الصغيرة والمتوسطة في جميع المحافظات خلال السنوات الخمس القادمة. "
ARTICLE = FIRST + PAYLOADS[0] + "\n" + SECOND + PAYLOADS[1] + "\n"

PROBE = """<script>
(function () {
  var out = {cells: [], scripts: document.scripts.length, links: []};
  document.querySelectorAll('tbody td[lang]').forEach(function (td) {
    out.cells.push({lang: td.lang, direction: getComputedStyle(td).direction, text: td.textContent});
  });
  document.querySelectorAll('nav.downloads a[download]').forEach(function (a) { out.links.push(a.getAttribute('href')); });
  out.legend = document.querySelectorAll('footer dl dt').length;
  var pre = document.createElement('pre'); pre.id = 'probe'; pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
})();
</script>"""


def _post_form(server: Server, fields: dict[str, str]) -> tuple[int, str]:
    boundary = "----chromiumFormBoundary7"
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode() for k, v in fields.items()]
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename=""\r\nContent-Type: application/octet-stream\r\n\r\n\r\n'.encode())
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    status, _, html = server.request("POST", "/", body, {"Content-Type": f"multipart/form-data; boundary={boundary}"}, timeout=120)
    return status, html.decode("utf-8")


def test_the_form_renders_without_scripts(open_server: Server, tmp_path: Path) -> None:
    proc = chromium(tmp_path, "--dump-dom", open_server.url)
    assert proc.returncode == 0, proc.stderr[-2000:]
    dom = _Dom(proc.stdout)
    tags = {tag for tag, _ in dom.starts}
    assert "script" not in tags and "link" not in tags
    form = next(attrs for tag, attrs in dom.starts if tag == "form")
    assert (form["method"], form["action"], form["enctype"]) == ("post", "/", "multipart/form-data")
    textarea = next(attrs for tag, attrs in dom.starts if tag == "textarea")
    assert (textarea["dir"], textarea["lang"]) == ("rtl", "ar")
    assert any(tag == "input" and attrs.get("type") == "file" for tag, attrs in dom.starts)


def test_paste_an_article_review_rows_rtl_and_tmx(open_server: Server, tmp_path: Path, validate_tmx) -> None:
    status, html = _post_form(open_server, {"text": ARTICLE})
    assert status == 200
    assert "<script" not in html and "data-pwned" not in html.replace("data-pwned', '", "")
    page = tmp_path / "result.html"
    page.write_text(html.replace("</body>", PROBE + "\n</body>"), encoding="utf-8")
    proc = chromium(tmp_path, "--dump-dom", page.as_uri())
    assert proc.returncode == 0, proc.stderr[-2000:]
    parsed = _Dom(proc.stdout)
    probe = json.loads(parsed.probe)
    arabic = [c for c in probe["cells"] if c["lang"] == "ar"]
    english = [c for c in probe["cells"] if c["lang"] == "en"]
    assert len(arabic) == 4 and len(english) == 4, probe["cells"]
    assert all(c["direction"] == "rtl" for c in arabic) and all(c["direction"] == "ltr" for c in english)
    assert any(PAYLOADS[0] in c["text"] for c in arabic), "the payload is shown as text"
    assert probe["scripts"] == 1, "the probe is the only script"
    assert not any("data-pwned" in attrs for _, attrs in parsed.starts), "a payload ran"
    assert probe["legend"] > 10, "the legend and the flags are explained"
    links = probe["links"]
    assert [re.sub(r"^/download_file/[0-9a-f]{32}\.", "", link) for link in links] == [
        "pasted.en.txt", "pasted.tmx", "pasted.xlf", "pasted.en.docx", "pasted.html",
    ]
    status, headers, tmx = open_server.request("GET", unescape(links[1]))
    assert status == 200
    path = tmp_path / "pasted.tmx"
    path.write_bytes(tmx)
    root = validate_tmx(path)
    assert len(root.findall("./body/tu")) == 4
    status, _, draft = open_server.request("GET", unescape(links[0]))
    assert status == 200 and draft.decode().count("\n\n") == 1, "two paragraphs in the draft"


def test_an_empty_submission_comes_back_as_the_form_with_an_error(open_server: Server) -> None:
    status, html = _post_form(open_server, {"text": "   "})
    assert status == 400 and 'role="alert"' in html and "Paste an Arabic text" in html
    status, html = _post_form(open_server, {"text": "<b>نص</b>", "api_key": "x"})
    assert status == 200  # no key needed here; the text is translated


def test_the_form_states_the_limits_in_force_and_the_summary_its_plurals() -> None:
    from translate.serve import page
    from translate.serve.config import Limits

    form = page.form(api_key=False, limits=Limits(file_bytes=2_500_000, file_segments=900))
    assert form.count("At most 2.5 MB") == 2 and form.count("900 sentences") == 2 and "10,000,000" not in form
    assert "4,096 sentences" in page.form(api_key=False), "the queue bounds a document too"
    review = "<html><head><style></style></head><body>\n</body></html>"
    assert "1 sentence pair, 0 flagged" in page.result(review, [], 1, 0)
    assert "2 sentence pairs, 1 flagged" in page.result(review, [], 2, 1)
