"""Finding sentence boundaries and building documents from them.

Only offsets are computed: the text is never normalised, so every span points
into the original (diacritics, tatweel and odd spacing included) and the
input can be rebuilt from the segments and the whitespace between them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from translate import arabic
from translate.errors import TarjamaError
from translate.model import Document, Paragraph, ParagraphKind, Segment
from translate.segmentation import rules

SEGMENTER_NAME = "tarjama-rules"
SEGMENTER_VERSION = "2"

_CANDIDATE = re.compile(
    f"(?P<term>[{re.escape(rules.TERMINATORS)}]+)(?:(?P<close>[{re.escape(rules.CLOSERS)}]*)(?=\\s)|(?=[{arabic.CORE_LETTER_RANGES}]))"
)
"""Every possible boundary: final punctuation (and closing quotes) followed by whitespace,
or a terminator glued between a word and an Arabic letter (a lost space)."""
_WORD_END = re.compile(f"[\\s{re.escape(rules.TERMINATORS)}]")

_NON_SPACE = re.compile(r"\S")
_TOKEN_WINDOW = 40
"""Longer "tokens" before a period are URLs or noise, never abbreviations."""
_WORD = re.compile(f"\\S{{0,{_TOKEN_WINDOW}}}")
_CLAUSE_WINDOW = 200
"""Enough text after a quote to hold the first words of an attribution."""


def check_lang(lang: str) -> None:
    if lang not in rules.LANGUAGES:
        raise TarjamaError(f"unsupported language {lang!r} (use ar or en)")


def signature(lang: str) -> str:
    """What an output records so that the same segmentation can be reproduced."""
    check_lang(lang)
    return f"{SEGMENTER_NAME}/{SEGMENTER_VERSION} lang={lang} paragraphs=lines"


def _token_before(text: str, end: int) -> tuple[int, str]:
    """The whitespace-delimited token ending at ``end`` and where it starts."""
    floor = max(0, end - _TOKEN_WINDOW)
    chunk = text[floor:end]
    if not chunk or chunk[-1].isspace():
        return end, ""
    token = chunk.rsplit(None, 1)[-1]  # str.split's whitespace is str.isspace's
    start = end - len(token)
    if start == floor and start > 0 and not text[start - 1].isspace():
        return start, ""  # too long to be an abbreviation: an ordinary word
    return start, token


def _previous_token(text: str, start: int) -> str:
    """The token before the one that starts at ``start`` (skipping the whitespace between)."""
    end = start
    while end > 0 and text[end - 1].isspace():
        end -= 1
    return _token_before(text, end)[1] if end else ""


def _next_word(text: str, pos: int) -> str:
    """The word at ``pos`` without the opening quotes or brackets in front of it."""
    return _WORD.match(text, pos).group().lstrip(rules.OPENERS)  # type: ignore[union-attr]


def _is_boundary(text: str, match: re.Match[str], nxt: int, first: int, lang: str) -> bool:
    """Decide whether the candidate ``match``, followed by a word at ``nxt``, ends a sentence.

    ``first`` is where the text's first token starts, to recognise list markers ("1. ").
    """
    term, close = match.group("term"), match.group("close")
    begin = match.start()
    if begin and text[begin - 1] in "([":  # "(?)", "(!)": a remark, not an ending
        return False
    following = text[nxt]
    if following in rules.CONTINUATION or following.islower():
        return False
    word = _next_word(text, nxt)
    # '"Really?" Smith asked.' is one sentence; after '."' the quoted sentence is complete.
    if term != "." and any(ch in rules.CLOSING_QUOTES for ch in close) and rules.is_attribution(text[nxt : nxt + _CLAUSE_WINDOW].split(), lang):
        return False
    if any(ch in rules.STRONG_TERMINATORS for ch in term):
        return True
    if term != ".":  # an ellipsis ("...", "…", "..")
        return rules.ELLIPSIS_SPLITS[lang] and word[:1].isupper()
    if close:  # 'in the U.S." He': a quote or bracket closing after the period closes the sentence
        return True
    start, token = _token_before(text, begin)
    head = token.lstrip(rules.OPENERS)
    kind = rules.classify(head, _previous_token(text, start), lang, at_start=start == first)
    return rules.starts_sentence(kind, word, lang)


def _is_glued_boundary(text: str, match: re.Match[str]) -> bool:
    term = match.group("term")
    begin, end = match.start(), match.end()
    if len(term) > 1 or term not in rules.GLUED_TERMINATORS or not begin:
        return False
    if not (text[begin - 1].isalnum() or text[begin - 1] in rules.CLOSERS):
        return False
    start = begin
    floor = max(0, begin - _TOKEN_WINDOW)
    while start > floor and not (text[start - 1].isspace() or text[start - 1] in rules.TERMINATORS):
        start -= 1
    stop = _WORD_END.search(text, end, min(len(text), end + _TOKEN_WINDOW))
    after = text[end : stop.start() if stop else min(len(text), end + _TOKEN_WINDOW)]
    return rules.is_glued_boundary(text[start:begin], term, after)


def _boundaries(text: str, lang: str) -> Iterator[int]:
    first = _NON_SPACE.search(text)
    if first is None:
        return
    for match in _CANDIDATE.finditer(text):
        if match.group("close") is None:  # glued to the next word
            if _is_glued_boundary(text, match):
                yield match.end()
            continue
        nxt = _NON_SPACE.search(text, match.end())
        if nxt is not None and _is_boundary(text, match, nxt.start(), first.start(), lang):
            yield match.end()


def _stripped(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The span without surrounding whitespace, or None when only whitespace is there."""
    found = _NON_SPACE.search(text, start, end)
    if found is None:
        return None
    right = end
    while text[right - 1].isspace():
        right -= 1
    return found.start(), right


def split_sentences(text: str, lang: str) -> list[tuple[int, int]]:
    """Sentence spans inside ``text``; everything outside them is whitespace."""
    check_lang(lang)
    spans = []
    pos = 0
    for end in [*_boundaries(text, lang), len(text)]:
        span = _stripped(text, pos, end)
        if span:
            spans.append(span)
        pos = end
    return spans


def _lines(text: str) -> Iterator[tuple[int, int] | None]:
    """Each line's stripped span, or None for a blank line; every line break str.splitlines knows counts."""
    pos = 0
    for line in text.splitlines(keepends=True):
        yield _stripped(text, pos, pos + len(line))
        pos += len(line)


def _kind(segments: list[Segment]) -> ParagraphKind:
    """Headlines, captions, subheadings and list items are single segments without final punctuation."""
    if len(segments) == 1 and not rules.FINAL_PUNCTUATION.search(segments[0].text):
        return ParagraphKind.HEADING
    return ParagraphKind.BODY


def _document(text: str, lang: str, name: str, groups: list[list[tuple[int, int]]]) -> Document:
    """Number segments across the document and wrap each group of spans as a paragraph."""
    paragraphs = []
    seg_id = 0
    for index, spans in enumerate(groups):
        segments = [Segment(seg_id + i, text[s:e], s, e, index) for i, (s, e) in enumerate(spans)]
        seg_id += len(segments)
        paragraphs.append(Paragraph(index, _kind(segments), spans[0][0], spans[-1][1], tuple(segments)))
    return Document(lang, text, tuple(paragraphs), name)


def segment_document(text: str, lang: str, name: str = "") -> Document:
    """One paragraph per non-blank line (scraped news has one per line), split into sentences."""
    check_lang(lang)
    groups = []
    for line in _lines(text):
        if line:
            start, end = line
            groups.append([(start + s, start + e) for s, e in split_sentences(text[start:end], lang)])
    return _document(text, lang, name, groups)


def presegmented_document(text: str, lang: str, name: str = "") -> Document:
    """One segment per non-blank line, as the user split it; blank lines separate paragraphs."""
    check_lang(lang)
    groups: list[list[tuple[int, int]]] = []
    current: list[tuple[int, int]] = []
    for line in _lines(text):
        if line:
            current.append(line)
        elif current:
            groups.append(current)
            current = []
    if current:
        groups.append(current)
    return _document(text, lang, name, groups)
