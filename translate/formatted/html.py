"""Web pages translated as web pages: the page is kept byte for byte, only its text is replaced.

The page is read as a stream of tokens (start tags, end tags, text, comments)
with their offsets in the page, never as a tree that is serialised again: the
markup between units, scripts, styles, links and images are copied from the
original unchanged, and each unit's text is replaced in place.  This is what
makes a merge with targets equal to the sources give the page back exactly,
and what keeps a page's markup out of reach of the translation.

Units: the text between two block boundaries (any element that is not inline
text formatting: ``p``, ``li``, ``td``, ``h1``, ``div``, …).  Inline elements
(``a``, ``b``, ``strong``, ``i``, ``em``, ``u``, ``span``, ``sup``, ``sub``, …)
are OPEN/CLOSE codes, ``br``, ``img``, ``wbr`` and ``input`` PLACEHOLDERs, so a
sentence with a link in it is translated as one sentence.  The ``alt``,
``title``, ``placeholder`` and ``aria-label`` attributes and the page's
``<meta name="description">`` are units of their own (``where="attribute"``).

Unlike the text reader (:mod:`translate.inputs.html`), which keeps only the
article, every visible text is translated: navigation, headers, footers and
forms too, so the English page has no Arabic left in it.  The unit's
``where`` says which ("navigation", "header", "footer", "aside", "table",
"title"), for the translator's context.  Script, style, template, textarea,
``svg`` and ``math`` contents are never text.

On the way out the page becomes English: ``lang`` and ``dir="ltr"`` on
``<html>``, ``dir="rtl"`` anywhere becomes ``ltr``, Arabic ``lang`` tags become
the target language, a CSS ``direction: rtl`` in a ``style`` attribute becomes
``ltr``, and the page is written in UTF-8 (a ``<meta charset>`` naming another
encoding is changed to say so).

Safety: the page's size is limited as for the text reader; the tokenizer is
flat (no recursion, so no nesting depth can exhaust the stack); attribute
values longer than ``MAX_ATTRIBUTE_CHARS`` are data and never translated; the
text is limited by :class:`ReadLimits` while it is read.
"""

from __future__ import annotations

import bisect
import codecs
import html
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import ClassVar

from translate.errors import TarjamaError, shown
from translate.formatted.base import Filter, TextUnit
from translate.formatted.tagged import Code, CodeKind, Part, TaggedText
from translate.inputs.html import MAX_ATTRIBUTE_CHARS, MAX_HTML_BYTES
from translate.inputs.structure import ReadLimits, TextLimitExceeded
from translate.model import ParagraphKind

INLINE = frozenset(
    ["a", "abbr", "acronym", "b", "bdi", "bdo", "big", "cite", "code", "data", "del", "dfn", "em", "font", "i", "ins", "kbd", "label", "mark", "nobr", "q", "s", "samp", "small", "span", "strike", "strong", "sub", "sup", "time", "tt", "u", "var"]
)
"""Text formatting inside a sentence: an OPEN/CLOSE code, never a unit boundary."""
PLACEHOLDERS = frozenset({"br", "img", "wbr", "input"})
"""Void elements that sit in a sentence: a PLACEHOLDER code."""
NEVER_TEXT = frozenset({"script", "style", "template", "textarea", "svg", "math"})
"""Elements whose content is copied as it is, never translated."""
TRANSLATED_ATTRIBUTES = ("alt", "title", "placeholder", "aria-label")
HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6", "title"})
_CONTEXTS = {"title": "title", "nav": "navigation", "header": "header", "footer": "footer", "aside": "aside",
             "td": "table", "th": "table", "caption": "table"}

_SPACE = " \t\n\r\f"
_COLLAPSED = re.compile("[ \t\n\r\f\u2028\u2029]+")
_TAG_NAME = re.compile(r"<([a-zA-Z][^\t\n\r\f />\x00]*)(?:\s|/(?!>))*")
_ATTRIBUTE = re.compile(r"""((?<=['"\s/])[^\s/>][^\s/=>]*)(\s*=+\s*('[^']*'|"[^"]*"|(?!['"])[^>\s]*))?(?:\s|/(?!>))*""")
_RTL_STYLE = re.compile(r"(direction\s*:\s*)rtl", re.IGNORECASE)
_CHARSET = re.compile(r"(charset\s*=\s*)([A-Za-z0-9._:-]+)", re.IGNORECASE)


@dataclass(slots=True)
class _Unit:
    """A unit being read: its parts, where it lies in the page, and the markup of each of its codes."""

    parts: list[Part] = field(default_factory=list)
    start: int = -1
    end: int = -1
    codes: dict[tuple[CodeKind, int], tuple[str, int | None]] = field(default_factory=dict)
    """(kind, id) -> (the markup as in the page, the offset of the start tag when it may be rewritten)."""
    opened: list[tuple[str, int]] = field(default_factory=list)
    next_id: int = 1

    def add_code(self, kind: CodeKind, label: str, raw: str, tag: int | None, code_id: int | None = None) -> None:
        if code_id is None:
            code_id, self.next_id = self.next_id, self.next_id + 1
        self.parts.append(Code(kind, code_id, label))
        self.codes[(kind, code_id)] = (raw, tag)


_Attrs = tuple[tuple[str, str | None], ...]


@dataclass(frozen=True, slots=True)
class _Tag:
    raw: str
    name: str
    attrs: _Attrs


@dataclass(slots=True)
class _Page:
    """What one reading of a page found: the units, where each lies, and the start tags merge may rewrite."""

    units: list[TextUnit] = field(default_factory=list)
    regions: dict[str, tuple[int, int]] = field(default_factory=dict)
    codes: dict[str, dict[tuple[CodeKind, int], tuple[str, int | None]]] = field(default_factory=dict)
    attributes: dict[str, tuple[int, str]] = field(default_factory=dict)
    """Attribute unit id -> (its start tag's offset, the attribute's name)."""
    tags: dict[int, tuple[int, _Tag]] = field(default_factory=dict)
    """Start tag offset -> (its end, the tag), for tags with a translated attribute or a direction or language to change."""


class _Reader(HTMLParser):
    """Tokens with their offsets, turned into units as they come (one token of delay, to know where each ends)."""

    def __init__(self, text: str, label: str, limits: ReadLimits) -> None:
        super().__init__(convert_charrefs=True)
        self.text, self.label, self.limits = text, label, limits
        self.lines = [0] + [m.end() for m in re.finditer("\n", text)]
        self.page = _Page()
        self.unit: _Unit | None = None
        self.pending: tuple[str, int, str, _Attrs] | None = None
        self.skipping: tuple[str, int] | None = None  # inside a never-text element: (its name, how deeply nested)
        self.pre = 0
        self.contexts: dict[str, int] = {}
        self.chars = 0
        self.counted = 0

    # tokens: each is handled when the next one starts, which is where it ends

    def _offset(self) -> int:
        line, column = self.getpos()
        return self.lines[line - 1] + column

    def _token(self, kind: str, value: str, attrs: _Attrs = ()) -> None:
        start = self._offset()
        if self.pending is not None:
            self._handle(*self.pending, start)
        self.pending = (kind, start, value, attrs)

    def finish(self) -> _Page:
        self.close()
        if self.pending is not None:
            self._handle(*self.pending, len(self.text))
            self.pending = None
        self._flush()
        return self.page

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._token("start", tag, tuple(attrs))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._token("startend", tag, tuple(attrs))

    def handle_endtag(self, tag: str) -> None:
        self._token("end", tag)

    def handle_data(self, data: str) -> None:
        self._token("data", data)

    def handle_comment(self, data: str) -> None:
        self._token("comment", data)

    def handle_decl(self, decl: str) -> None:
        self._token("other", decl)

    def handle_pi(self, data: str) -> None:
        self._token("other", data)

    def unknown_decl(self, data: str) -> None:
        self._token("other", data)

    # what each token means for the units

    def _handle(self, kind: str, start: int, value: str, attrs: _Attrs, end: int) -> None:
        raw = self.text[start:end]
        if self.skipping is not None:
            name, depth = self.skipping
            if kind == "start" and value == name:
                self.skipping = (name, depth + 1)
            elif kind == "end" and value == name:
                self.skipping = (name, depth - 1) if depth > 1 else None
                if self.skipping is None:
                    self._boundary()
            return
        if kind == "data":
            self._data(value, start, end, raw)
        elif kind in ("start", "startend"):
            self._start(_Tag(raw, value, attrs), start, end, void=kind == "startend")
        elif kind == "end":
            self._end(value, start, end, raw)
        elif kind == "comment" and self.unit is not None:
            self.unit.add_code(CodeKind.PLACEHOLDER, "comment", raw, None)
            self.unit.end = end
        else:
            self._boundary()

    def _data(self, data: str, start: int, end: int, raw: str) -> None:
        if self.pre:  # every character counts: line breaks are codes, spaces are text
            unit = self._open(start)
            for i, piece in enumerate(re.split("(\r\n|[\n\r\u2028\u2029])", data)):
                if i % 2:
                    unit.add_code(CodeKind.PLACEHOLDER, "lb", piece, None)
                else:
                    unit.parts.append(piece)
            unit.end = end
            return
        text = _COLLAPSED.sub(" ", data)
        if self.unit is None:
            lead = len(raw) - len(raw.lstrip(_SPACE))
            if lead == len(raw):
                return  # whitespace between blocks: the skeleton's
            self.unit = _Unit(start=start + lead)
            text = text.lstrip(" ")
        self.unit.parts.append(text)
        if raw.strip(_SPACE):
            self.unit.end = end - (len(raw) - len(raw.rstrip(_SPACE)))

    def _start(self, tag: _Tag, start: int, end: int, void: bool) -> None:
        self._note_tag(tag, start, end)
        name = tag.name
        if name in NEVER_TEXT and not void:
            self._boundary()
            self.skipping = (name, 1)
            return
        if name in INLINE and not void:
            unit = self._open(start)
            unit.add_code(CodeKind.OPEN, name, tag.raw, start, unit.next_id)
            unit.opened.append((name, unit.next_id))
            unit.next_id += 1
            unit.end = end
            return
        if name in PLACEHOLDERS or (name in INLINE and void):
            if self.unit is None and name != "img":
                return  # a line break between blocks stays in the skeleton
            unit = self._open(start)
            unit.add_code(CodeKind.PLACEHOLDER, name, tag.raw, start)
            unit.end = end
            return
        self._boundary()
        if name == "pre":
            self.pre += 1
        if name in HEADINGS or name in _CONTEXTS:
            self.contexts[name] = self.contexts.get(name, 0) + 1

    def _end(self, name: str, start: int, end: int, raw: str) -> None:
        if name in INLINE:
            unit = self._open(start)
            for index in range(len(unit.opened) - 1, -1, -1):
                if unit.opened[index][0] == name:
                    _, code_id = unit.opened.pop(index)
                    unit.add_code(CodeKind.CLOSE, name, raw, None, code_id)
                    break
            else:
                unit.add_code(CodeKind.CLOSE, name, raw, None)  # its start is in another unit: an isolated code
            unit.end = end
            return
        if name in PLACEHOLDERS:
            return  # </br>, </img>: nothing a browser shows
        self._boundary()
        if name == "pre" and self.pre:
            self.pre -= 1
        if name in ("tr", "table"):
            for cell in ("td", "th"):
                self.contexts.pop(cell, None)
        if name in HEADINGS:
            for heading in HEADINGS - {"title"}:
                self.contexts.pop(heading, None)
        if self.contexts.get(name):
            self.contexts[name] -= 1

    def _open(self, start: int) -> _Unit:
        if self.unit is None:
            self.unit = _Unit(start=start)
        return self.unit

    def _boundary(self) -> None:
        self._flush()

    def _flush(self) -> None:
        unit, self.unit = self.unit, None
        if unit is None:
            return
        parts = unit.parts
        if parts and isinstance(parts[-1], str) and not self.pre:
            parts[-1] = parts[-1].rstrip(_SPACE)
        text = TaggedText(tuple(parts))
        if not text.plain.strip():
            return  # codes alone (a picture between blocks): nothing to translate, the skeleton keeps them
        unit_id = self._add(text, self._kind(), self._where())
        self.page.regions[unit_id] = (unit.start, unit.end)
        self.page.codes[unit_id] = unit.codes

    def _add(self, text: TaggedText, kind: ParagraphKind, where: str) -> str:
        unit_id = str(len(self.page.units) + 1)
        self.chars += len(text.plain)
        self.counted += 1
        if self.chars > self.limits.chars:
            raise TextLimitExceeded(f"{shown(self.label)}: more than {self.limits.chars} characters of text, the limit for one document")
        if self.limits.paragraphs is not None and self.counted > self.limits.paragraphs:
            raise TextLimitExceeded(f"{shown(self.label)}: more than {self.limits.paragraphs} paragraphs of text, the limit for one document")
        self.page.units.append(TextUnit(unit_id, text, kind, where))
        return unit_id

    def _kind(self) -> ParagraphKind:
        return ParagraphKind.HEADING if any(self.contexts.get(h) for h in HEADINGS) else ParagraphKind.BODY

    def _where(self) -> str:
        for name in ("title", "nav", "header", "footer", "aside", "td", "th", "caption"):
            if self.contexts.get(name):
                return _CONTEXTS[name]
        return "body"

    def _note_tag(self, tag: _Tag, start: int, end: int) -> None:
        """Attribute units, and the start tags that merge rewrites (translated attributes, direction, language, charset)."""
        seen: set[str] = set()
        rewrite = tag.name == "html"
        for name, value in tag.attrs:
            if name in seen:
                continue
            seen.add(name)
            if value is None:
                continue
            translated = name in TRANSLATED_ATTRIBUTES or (
                tag.name == "meta" and name == "content" and (dict(tag.attrs).get("name") or "").lower() in ("description", "keywords")
            )
            if translated and len(value) <= MAX_ATTRIBUTE_CHARS:
                plain = _COLLAPSED.sub(" ", value).strip(" ")
                if any(ch.isalpha() for ch in plain):
                    unit_id = self._add(TaggedText.of(plain), ParagraphKind.BODY, "attribute")
                    self.page.attributes[unit_id] = (start, name)
                    rewrite = True
            elif name in ("dir", "lang", "xml:lang", "style", "charset") or (name == "content" and tag.name == "meta"):
                rewrite = True
        if rewrite:
            self.page.tags[start] = (end, tag)


def _read(data: bytes, label: str, limits: ReadLimits | None) -> tuple[str, _Page]:
    from trafilatura.utils import decode_file

    if len(data) > MAX_HTML_BYTES:
        raise TarjamaError(f"{shown(label)}: web page larger than the {MAX_HTML_BYTES // 2**20} MiB limit")
    try:
        text = decode_file(data, MAX_HTML_BYTES)  # the text reader's decoding: a compressed page is unpacked within the limit
    except ValueError:
        raise TarjamaError(f"{shown(label)}: web page larger than the {MAX_HTML_BYTES // 2**20} MiB limit once decompressed") from None
    if data[:3] == b"\x1f\x8b\x08" and text.startswith("\x1f"):  # still compressed: the decompression was refused
        raise TarjamaError(f"{shown(label)}: a compressed web page that is damaged or larger than {MAX_HTML_BYTES // 2**20} MiB once decompressed")
    if "\x00" in text:
        raise TarjamaError(f"{shown(label)}: not a web page (it holds binary data)")
    reader = _Reader(text, label, limits or ReadLimits())
    reader.feed(text)
    return text, reader.finish()


class HtmlFilter(Filter):
    name: ClassVar[str] = "html"
    suffixes: ClassVar[tuple[str, ...]] = (".html", ".htm")
    media_type: ClassVar[str] = "text/html"

    def extract(self, data: bytes, label: str, limits: ReadLimits | None = None) -> tuple[TextUnit, ...]:
        _, page = _read(data, label, limits)
        if not page.units:
            raise TarjamaError(f"{shown(label)}: no text found to translate in this web page")
        return tuple(page.units)

    def merge(self, data: bytes, targets: Mapping[str, TaggedText], label: str, target_lang: str = "en") -> bytes:
        text, page = _read(data, label, None)
        sources = {unit.id: unit.source for unit in page.units}
        unknown = sorted(set(targets) - set(sources))
        if unknown:
            raise TarjamaError(f"{shown(label)}: no unit {unknown[0]} in this web page (the targets were made from another page)")
        attribute_values: dict[int, dict[str, str]] = {}
        for unit_id, (tag_start, name) in page.attributes.items():
            target = targets.get(unit_id, sources[unit_id])
            if target.codes:
                raise TarjamaError(f"{shown(label)}: the target of attribute unit {unit_id} holds inline codes, which an attribute cannot")
            attribute_values.setdefault(tag_start, {})[name] = target.plain
        rewritten = {start: _rewrite(tag, attribute_values.get(start, {}), target_lang) for start, (_, tag) in page.tags.items()}
        edits: list[tuple[int, int, str]] = []
        for unit_id, (start, end) in page.regions.items():
            source = sources[unit_id]
            target = targets.get(unit_id, source)
            _check_codes(unit_id, source, target, label)
            codes = page.codes[unit_id]
            changed = any(tag in rewritten and rewritten[tag] != raw for raw, tag in codes.values())
            if target == source and not changed:
                continue  # the page's own bytes: a merge of the sources gives the page back exactly
            edits.append((start, end, _render(target, codes, rewritten)))
        covered = sorted((start, end) for start, end, _ in edits)
        for start, new in rewritten.items():
            end = page.tags[start][0]
            if new != page.tags[start][1].raw and not _inside(start, covered):
                edits.append((start, end, new))
        edits.sort()
        out: list[str] = []
        pos = 0
        for start, end, new in edits:
            out.append(text[pos:start])
            out.append(new)
            pos = end
        out.append(text[pos:])
        return "".join(out).encode("utf-8", "surrogatepass")


def _check_codes(unit_id: str, source: TaggedText, target: TaggedText, label: str) -> None:
    wanted = sorted((c.kind.value, c.id) for c in source.codes)
    got = sorted((c.kind.value, c.id) for c in target.codes)
    if wanted != got:
        raise TarjamaError(f"{shown(label)}: the target of unit {unit_id} does not hold exactly the unit's inline codes")
    if any(ch in target.plain for ch in "\n\r\u2028\u2029"):
        raise TarjamaError(f"{shown(label)}: the target of unit {unit_id} holds a line break in its text")


def _inside(offset: int, regions: list[tuple[int, int]]) -> bool:
    """Whether ``offset`` lies in one of ``regions`` (sorted, not overlapping): a bisection, so a page of many tags stays linear."""
    index = bisect.bisect_right(regions, (offset, float("inf"))) - 1
    return index >= 0 and regions[index][0] <= offset < regions[index][1]


def _render(target: TaggedText, codes: Mapping[tuple[CodeKind, int], tuple[str, int | None]], rewritten: Mapping[int, str]) -> str:
    out: list[str] = []
    for part in target.parts:
        if isinstance(part, str):
            out.append(html.escape(part, quote=False))
        else:
            raw, tag = codes[(part.kind, part.id)]
            out.append(rewritten.get(tag, raw) if tag is not None else raw)
    return "".join(out)


def _rewrite(tag: _Tag, translations: Mapping[str, str], target_lang: str) -> str:
    """The start tag with translated attributes, left-to-right and in ``target_lang``; everything else as it was."""
    values = {name: value for name, value in tag.attrs if value is not None}
    changes: dict[str, str] = dict(translations)
    if tag.name == "html":
        changes["lang"], changes["dir"] = target_lang, "ltr"
        if "xml:lang" in values:
            changes["xml:lang"] = target_lang
    for name in ("lang", "xml:lang"):
        if name in values and values[name].lower().split("-")[0] == "ar":
            changes[name] = target_lang
    if (values.get("dir") or "").lower() == "rtl":
        changes["dir"] = "ltr"
    if "style" in values and _RTL_STYLE.search(values["style"]):
        changes["style"] = _RTL_STYLE.sub(r"\1ltr", values["style"])
    if tag.name == "meta":
        if "charset" in values and not _is_utf8(values["charset"]):
            changes["charset"] = "utf-8"
        content = values.get("content") or ""
        if (values.get("http-equiv") or "").lower() == "content-type":
            match = _CHARSET.search(content)
            if match and not _is_utf8(match.group(2)):
                changes["content"] = _CHARSET.sub(r"\1utf-8", content)
    if all(values.get(name) == value for name, value in changes.items()):
        return tag.raw
    return _set_attributes(tag.raw, changes)


def _is_utf8(name: str) -> bool:
    try:
        return codecs.lookup(name.strip()).name == "utf-8"
    except LookupError:
        return False


def _set_attributes(raw: str, changes: Mapping[str, str]) -> str:
    match = _TAG_NAME.match(raw)
    if match is None:  # pragma: no cover - the tokenizer gave a start tag
        return raw
    pending = dict(changes)
    out = [raw[: match.end()]]
    pos = match.end()
    while pos < len(raw):
        found = _ATTRIBUTE.match(raw, pos)
        if found is None or found.end() == pos:
            break
        name = found.group(1).lower()
        if name in pending:
            value = html.escape(pending.pop(name), quote=True)
            if found.group(3) is not None:
                out.append(raw[pos : found.start(3)] + f'"{value}"' + raw[found.end(3) : found.end()])
            else:
                out.append(raw[pos : found.end(1)] + f'="{value}"' + raw[found.end(1) : found.end()])
        else:
            out.append(raw[pos : found.end()])
        pos = found.end()
    rest = raw[pos:]
    if pending:
        added = "".join(f' {name}="{html.escape(value, quote=True)}"' for name, value in pending.items())
        tail = 2 if rest.endswith("/>") else 1 if rest.endswith(">") else 0
        rest = rest[: len(rest) - tail] + added + rest[len(rest) - tail :]
    out.append(rest)
    return "".join(out)
