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
from collections.abc import Callable, Sequence
from dataclasses import dataclass

Splitter = Callable[[str], list[str]]

_LINE_BREAK = re.compile(r"(\r\n|\r|\n)")
# A tag, comment, doctype or processing instruction; the text between them is translated.
_MARKUP = re.compile(r"(<!--.*?-->|<![^>]*>|<\?.*?\?>|<[A-Za-z/][^>]*>)", re.S)
_RAW_TEXT = re.compile(r"<(script|style|textarea|code|pre)\b[^>]*>.*?</\1\s*>", re.S | re.I)


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
    for raw in _RAW_TEXT.finditer(text):
        _markup(builder, text[position : raw.start()])
        builder.keep(raw.group(0))
        position = raw.end()
    _markup(builder, text[position:])
    return builder.plan(escape=True)


def _markup(builder: _Builder, text: str) -> None:
    for piece in _MARKUP.split(text):
        if _MARKUP.fullmatch(piece):
            builder.keep(piece)
        elif piece:
            builder.text(piece, escape=True)
