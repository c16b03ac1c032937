"""Web pages: the article's text and headings, without scripts, navigation and boilerplate.

Extraction is trafilatura's (maintained, benchmarked on news sites); we only
map its blocks to paragraphs and headings.
"""

from __future__ import annotations

from translate.errors import TarjamaError
from translate.model import ParagraphKind

_BLOCKS = {"head": ParagraphKind.HEADING, "p": ParagraphKind.BODY, "item": ParagraphKind.BODY, "quote": ParagraphKind.BODY, "cell": ParagraphKind.BODY}


def html_paragraphs(data: bytes, label: str) -> list[tuple[ParagraphKind, str]]:
    import trafilatura
    from lxml import etree

    extracted = trafilatura.extract(data, output_format="xml", include_comments=False, include_tables=True, favor_recall=True)
    if not extracted:
        raise TarjamaError(f"{label}: no article text found in this web page")
    root = etree.fromstring(extracted.encode("utf-8"))
    main = root.find("main")
    paragraphs = []
    for element in (main if main is not None else root).iter(*_BLOCKS):
        if any(ancestor.tag in _BLOCKS for ancestor in element.iterancestors()):
            continue  # a list item inside a quote, say: the outer block holds its text
        text = " ".join("".join(element.itertext()).split())
        if text:
            paragraphs.append((_BLOCKS[element.tag], text))
    if not paragraphs:
        raise TarjamaError(f"{label}: no article text found in this web page")
    return paragraphs
