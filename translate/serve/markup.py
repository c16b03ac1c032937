"""What of a ``q`` is translated, and how the answer is put back together around it.

A text is cut into its sentences (each line as an article's paragraph is) and
everything else — line breaks, blank lines, the spaces around a line, and
with ``format=html`` every tag, comment and the content of ``script`` and
``style`` — is kept exactly.  A :class:`Plan` lists the sentences to
translate and rebuilds the answer from their translations, so the engine
sees only sentences and the client gets its own layout back.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

Splitter = Callable[[str], list[str]]

_LINE_BREAK = re.compile(r"(\r\n|\r|\n)")
# Where markup may start: a comment, a doctype or other ``<!``, a processing instruction, an end tag, a start tag.
_OPENER = re.compile(r"<(?:!--|[!?/]|[A-Za-z])")
_TAG_NAME = re.compile(r"[A-Za-z][^ \t\n\r\f/>]*")
_TAG_STOP = re.compile(r"[>=]")
_QUOTED = re.compile(r"[ \t\n\r\f]*([\"'])")
# Elements whose content is kept as it is (code, not prose), up to their end tag.
_RAW = {name: re.compile(rf"</{name}[ \t\n\r\f]*>", re.I) for name in ("script", "style", "textarea", "code", "pre")}

@dataclass(frozen=True, slots=True)
class Plan:
    """The kept parts of a text (strings) and the places of its sentences (indexes into ``sentences``)."""

    parts: tuple[str | tuple[int, ...], ...]
    sentences: tuple[str, ...]
    escape: bool = False
    """HTML: the translations are escaped when put back between the tags."""

    def render(self, translations: Sequence[str]) -> str:
        """The text with each run of sentences replaced by their translations, joined by a space."""
        if len(translations) != len(self.sentences):
            raise ValueError(f"{len(translations)} translations for {len(self.sentences)} sentences")
        out = []
        for part in self.parts:
            if isinstance(part, str):
                out.append(part)
            else:
                joined = " ".join(translations[i] for i in part)
                out.append(html.escape(joined, quote=False) if self.escape else joined)
        return "".join(out)


class _Builder:
    def __init__(self, split: Splitter) -> None:
        self.split = split
        self.parts: list[str | tuple[int, ...]] = []
        self.sentences: list[str] = []

    def keep(self, text: str) -> None:
        if text:
            self.parts.append(text)

    def text(self, text: str, escape: bool = False) -> None:
        """Plain text: line by line, the spaces around each line kept, the line's sentences translated."""
        for piece in _LINE_BREAK.split(text):
            if not piece.strip() or _LINE_BREAK.fullmatch(piece):
                self.keep(piece)
                continue
            core = piece.strip()
            lead = piece[: len(piece) - len(piece.lstrip())]
            trail = piece[len(piece.rstrip()) :]
            sentences = self.split(html.unescape(core) if escape else core) or [core]
            self.keep(lead)
            start = len(self.sentences)
            self.sentences.extend(sentences)
            indexes = tuple(range(start, len(self.sentences)))
            self.parts.append(indexes)
            self.keep(trail)

    def plan(self, escape: bool = False) -> Plan:
        return Plan(tuple(self.parts), tuple(self.sentences), escape)


def plan_text(text: str, split: Splitter) -> Plan:
    builder = _Builder(split)
    builder.text(text)
    return builder.plan()


def plan_html(text: str, split: Splitter) -> Plan:
    """Markup kept as it is; the text between tags unescaped, translated and escaped again."""
    builder = _Builder(split)
    position = 0
    for start, end in _markup_spans(text):
        if start > position:
            builder.text(text[position:start], escape=True)
        builder.keep(text[start:end])
        position = end
    if position < len(text):
        builder.text(text[position:], escape=True)
    return builder.plan(escape=True)


def _markup_spans(text: str) -> Iterator[tuple[int, int]]:
    """The (start, end) of every tag, comment, doctype, processing instruction and raw element, in order.

    One pass from left to right, every search starting where the last one
    ended: the work is linear in the text.  (Regular expressions such as
    ``<!--.*?-->`` rescanned to the end of the text for every opener left
    open, so ``"<!--" * 2500`` cost millions of steps and held the server.)
    A construct left open runs to the end of the text, as it does in a
    browser, and is kept as it is: nothing of it is shown, so nothing of it
    is translated.  A quoted attribute value ends at its own quote, so a
    ``>`` inside it does not end the tag.
    """
    end_of_text = len(text)
    position = 0
    while (opener := _OPENER.search(text, position)) is not None:
        start, kind = opener.start(), opener.group()
        if kind == "<!--":
            close = text.find("-->", opener.end())
            end = end_of_text if close < 0 else close + 3
        elif kind == "<?":
            close = text.find("?>", opener.end())
            end = end_of_text if close < 0 else close + 2
        elif kind == "<!":
            close = text.find(">", opener.end())
            end = end_of_text if close < 0 else close + 1
        elif kind == "</":
            end = _tag_end(text, opener.end())
        else:
            name = _TAG_NAME.match(text, start + 1)
            assert name is not None  # the opener matched a letter
            end = _tag_end(text, name.end())
            raw = _RAW.get(name.group().lower())
            if raw is not None and end < end_of_text:
                closing = raw.search(text, end)
                end = end_of_text if closing is None else closing.end()
        yield start, end
        position = end


def _tag_end(text: str, position: int) -> int:
    """Just past the ``>`` that ends a tag (one inside a quoted attribute value does not), or the end of the text."""
    while (stop := _TAG_STOP.search(text, position)) is not None:
        if stop.group() == ">":
            return stop.end()
        quoted = _QUOTED.match(text, stop.end())  # a value is quoted only when the quote follows its "="
        if quoted is None:
            position = stop.end()
            continue
        close = text.find(quoted.group(1), quoted.end())
        if close < 0:
            return len(text)
        position = close + 1
    return len(text)
