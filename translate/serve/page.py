"""The page for translators: a form to paste or drop an article, and the review page with its downloads.

Plain HTML forms and no script at all: it works in any browser, loads
nothing from the network, and no text in it can run.  The result is the very
review page ``tarjama translate --to html`` writes (the same renderer), with a
bar of download links put in front of it; every text from the request is
escaped here, every text of the review by its renderer.
"""

from __future__ import annotations

from functools import lru_cache
from html import escape
from importlib.resources import files
from string import Template

from translate import TOOL_NAME, __version__
from translate.serve.config import Limits, size

LABELS = {
    "txt": "English draft (.txt)",
    "docx": "English draft (.docx)",
    "tmx": "Translation memory (.tmx)",
    "xliff": "XLIFF 1.2 (.xlf)",
    "html": "This review page (.html)",
}

_BAR_CSS = (
    "nav.downloads { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: center; padding: .6rem .8rem;"
    " margin: 0 0 1rem; background: #eef3fb; border: 1px solid #b8c8e6; border-radius: .4rem; }"
    " nav.downloads a { font-weight: bold; } nav.downloads .again { margin-inline-start: auto; }"
)


@lru_cache(maxsize=1)
def _template() -> Template:
    return Template(files("translate.serve").joinpath("static/form.html").read_text(encoding="utf-8"))


def form(*, api_key: bool, error: str = "", text: str = "", limits: Limits = Limits()) -> str:
    """The form, with an error above it and the pasted text kept when a submission was refused.

    The limits it states are the ones the server enforces on the pasted text and the file alike.
    """
    key_field = (
        '<div><label for="api_key">API key</label><input id="api_key" name="api_key" type="password" autocomplete="off" required>'
        '<p class="hint">This server asks for a key; the operator gives it to you.</p></div>'
        if api_key
        else ""
    )
    return _template().substitute(
        generator=escape(f"{TOOL_NAME} {__version__}"),
        version=escape(__version__),
        error=f'<p class="error" role="alert">{escape(error, quote=False)}</p>' if error else "",
        text=escape(text, quote=False),
        max_file=size(limits.file_bytes),
        max_sentences=f"{limits.document_segments:,}",
        api_key=key_field,
    )


def result(review_html: str, links: list[tuple[str, str]], segments: int, flagged: int) -> str:
    """The review page with the download bar at the top of its body."""
    anchors = " ".join(
        f'<a href="{escape(url, quote=True)}" download>{escape(LABELS.get(kind, kind), quote=False)}</a>' for kind, url in links
    )
    summary = f"{segments:,} sentence pair{'' if segments == 1 else 's'}, {flagged:,} flagged for review."
    bar = (
        f'<nav class="downloads" aria-label="Downloads"><span>{escape(summary, quote=False)}</span> {anchors}'
        ' <a class="again" href="/">Translate another text</a></nav>'
    )
    page = review_html.replace("</style>", f"{_BAR_CSS}\n</style>", 1)
    return page.replace("<body>\n", f"<body>\n{bar}\n", 1)
