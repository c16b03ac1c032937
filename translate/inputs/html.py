"""Web pages: the article's text and headings, without scripts, navigation and boilerplate.

Extraction is trafilatura's (maintained, benchmarked on news sites); we only
parse the page for it and map its blocks to paragraphs and headings.

We parse the page ourselves because of how it failed: trafilatura's parser is
lxml's default one, which stops at the first attribute or text node over
10 MB (libxml2's limit without ``huge_tree``), so a news page with an inline
``data:`` image after its fifth paragraph lost every paragraph after it.  Here
the page is parsed without that limit, and everything that is never text is
neutralised before extraction (script, style and template contents; ``data:``
URIs and attributes longer than ``MAX_ATTRIBUTE_CHARS``), so no later stage
of the extractor meets a blob either.  Then the result is checked against the
page's own paragraphs: a draft silently shorter than the article is worse
than no draft, so an extraction that misses most of the page's paragraph text
is refused.
"""

from __future__ import annotations

import logging

from translate.errors import TarjamaError, shown
from translate.model import ParagraphKind

logger = logging.getLogger(__name__)

MAX_HTML_BYTES = 64 * 2**20
"""The largest web page read (64 MiB): a long article with inline images is a few MB."""

MAX_ATTRIBUTE_CHARS = 4096
"""Longer attribute values (inline images, serialised page state) are data, never the article's text."""

_BLOCKS = {"head": ParagraphKind.HEADING, "p": ParagraphKind.BODY, "item": ParagraphKind.BODY, "quote": ParagraphKind.BODY, "cell": ParagraphKind.BODY}
_NEVER_TEXT = ("script", "style", "template")
_NOT_ARTICLE = frozenset({"nav", "header", "footer", "aside", "form", "menu", "figcaption"})

MIN_REFERENCE_CHARS = 1000
"""Below this much paragraph text on the page, the coverage check says nothing."""
MIN_COVERAGE = 0.5
"""The share of the page's paragraph text (outside navigation, footers, comments) the extraction must hold."""
_REFERENCE_PARAGRAPH_CHARS = 40
"""Shorter ``<p>`` elements (bylines, "Read more") do not count as article text."""


def html_paragraphs(data: bytes, label: str) -> list[tuple[ParagraphKind, str]]:
    import trafilatura
    from lxml import etree

    tree = parse_page(data, label)
    reference = reference_paragraphs(tree)
    extracted = trafilatura.extract(tree, output_format="xml", include_comments=False, include_tables=True, favor_recall=True)
    if not extracted:
        raise TarjamaError(f"{shown(label)}: no article text found in this web page")
    root = etree.fromstring(extracted.encode("utf-8"), parser=etree.XMLParser(huge_tree=True))
    main = root.find("main")
    paragraphs = []
    for element in (main if main is not None else root).iter(*_BLOCKS):
        if any(ancestor.tag in _BLOCKS for ancestor in element.iterancestors()):
            continue  # a list item inside a quote, say: the outer block holds its text
        text = " ".join("".join(element.itertext()).split())
        if text:
            paragraphs.append((_BLOCKS[element.tag], text))
    if not paragraphs:
        raise TarjamaError(f"{shown(label)}: no article text found in this web page")
    check_coverage(reference, [text for _, text in paragraphs], label)
    return paragraphs


def parse_page(data: bytes, label: str):  # -> lxml.html.HtmlElement
    """The page as an lxml tree with no size limit on a node, and nothing in it that is never text."""
    from lxml import html
    from trafilatura.utils import decode_file, repair_faulty_html

    if len(data) > MAX_HTML_BYTES:
        raise TarjamaError(f"{shown(label)}: web page larger than the {MAX_HTML_BYTES // 2**20} MiB limit; save the article's text as .txt and translate that")
    try:
        text = decode_file(data, MAX_HTML_BYTES)  # guesses the encoding; a compressed page is unpacked within the limit
    except ValueError:
        raise TarjamaError(f"{shown(label)}: web page larger than the {MAX_HTML_BYTES // 2**20} MiB limit once decompressed") from None
    text = repair_faulty_html(text, text[:50].lower())
    parser = html.HTMLParser(huge_tree=True, collect_ids=False, default_doctype=False, remove_comments=True, remove_pis=True, encoding="utf-8")
    try:
        tree = html.fromstring(text.encode("utf-8", "surrogatepass"), parser=parser)
    except Exception as exc:  # lxml raises ParserError, ValueError or XMLSyntaxError for what is not HTML at all
        raise TarjamaError(f"{shown(label)}: not a readable web page ({type(exc).__name__})") from exc
    neutralise(tree)
    return tree


def neutralise(tree) -> int:
    """Empty script, style and template elements and drop blob attributes; returns how many blobs went."""
    removed = 0
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        if element.tag in _NEVER_TEXT and (len(element) or element.text):
            for child in list(element):
                element.remove(child)
            element.text = None
            removed += 1
        for name, value in list(element.attrib.items()):
            if len(value) > MAX_ATTRIBUTE_CHARS or value.lstrip()[:5].lower() == "data:":
                del element.attrib[name]
                removed += 1
    if removed:
        logger.debug("%d inline blobs (scripts, styles, data: URIs, long attributes) set aside before extraction", removed)
    return removed


def reference_paragraphs(tree) -> list[str]:
    """The page's own paragraph text outside navigation, headers, footers, forms and comment sections."""
    found = []
    for element in tree.iter("p"):
        if any(_outside_article(a) for a in (element, *element.iterancestors())):
            continue
        text = " ".join(element.text_content().split())
        if len(text) >= _REFERENCE_PARAGRAPH_CHARS:
            found.append(text)
    return found


def _outside_article(element) -> bool:
    if element.tag in _NOT_ARTICLE:
        return True
    marks = f"{element.get('class', '')} {element.get('id', '')}".lower()
    return "comment" in marks


def check_coverage(reference: list[str], extracted: list[str], label: str) -> None:
    """Refuse an extraction that holds less than ``MIN_COVERAGE`` of the page's paragraph text.

    A paragraph counts as extracted when its text is found in the extraction
    (whitespace aside): the extractor keeps paragraphs whole, it does not reword them.
    """
    total = sum(len(p) for p in reference)
    if total < MIN_REFERENCE_CHARS:
        return
    haystack = " ".join(" ".join(extracted).split())
    found = sum(len(p) for p in reference if p in haystack)
    if found < MIN_COVERAGE * total:
        missing = sum(1 for p in reference if p not in haystack)
        raise TarjamaError(
            f"{shown(label)}: the article could not be extracted reliably: {missing} of the page's {len(reference)} paragraphs "
            f"({total - found} of {total} characters) are missing from it; save the article's text as .txt and translate that"
        )
