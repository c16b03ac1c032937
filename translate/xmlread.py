"""The one way tarjama reads XML: every reader (``validate``, ``tm import``, ``align --mt``) goes through here.

Why one policy: when ``validate`` and ``tm import`` parsed with different
parsers, ``validate`` called files "valid TMX" that the import refused (an
external entity, UTF-16 bytes declared as UTF-8), and crashed on a harmless
internal entity that the import read.  With one parser and one set of
checks, what validates imports, and what any reader refuses is an error
everywhere, with the same one-line reason.

The policy, for files that come from anywhere (CAT tools, clients, the web):

* nothing is fetched: no network, no external DTD or entity is loaded, and a
  document that *declares* an external entity (``SYSTEM``/``PUBLIC``) is
  refused, so no file can make tarjama read ``/etc/passwd`` or a URL;
* internal entities (``<!ENTITY co "Acme">``) are expanded, bounded by
  libxml2's amplification guard (an entity bomb is refused);
* elements nested deeper than :data:`MAX_DEPTH` are refused while parsing,
  so no later walk over the tree can run out of stack;
* files over :data:`MAX_XML_BYTES` are refused before parsing; within that,
  a text node may be of any size (``huge_tree``): a TMX that tarjama writes
  for a 20 MB segment holds a 20 MB ``<seg>``, and libxml2's own 10 MB limit
  on one text node made ``validate`` and ``tm import`` refuse it.  The size
  limit is the file's; the depth limit is ours (``huge_tree`` would raise
  libxml2's to 2048); the entity amplification guard holds either way;
* the bytes must agree with the XML declaration (a UTF-16 file declared as
  UTF-8 is refused, where libxml2 alone would let the byte-order mark win
  and other tools would not).
"""

from __future__ import annotations

import codecs
import io
import os
import re
from collections.abc import Iterator
from pathlib import Path

from lxml import etree

from translate.errors import TarjamaError

MAX_XML_BYTES = 256 * 1024 * 1024
"""Largest XML file read (256 MiB): far above any TMX or XLIFF of articles, small enough to parse in memory."""
MAX_DEPTH = 256
"""libxml2's own nesting limit without ``huge_tree``; real TMX and XLIFF files nest fewer than 20 levels."""
_HEAD_BYTES = 1 << 20  # the prolog (declaration, DOCTYPE) is looked for in the first MiB

_DECLARED = re.compile(r"""^\s*<\?xml[^>]*?\bencoding\s*=\s*["']([A-Za-z0-9._:-]+)["']""")
_EXTERNAL_ENTITY = re.compile(r"""<!ENTITY\s+(%\s+)?([^\s>]+)\s+(SYSTEM|PUBLIC)\s+("[^"]*"|'[^']*')""")
_POSITION = re.compile(r",? line \d+, column \d+.*$")


class XmlError(TarjamaError):
    """A file the XML policy refuses: ``label:line: reason`` on one line; ``validate`` reports it as an error."""

    def __init__(self, label: str, line: int | None, reason: str) -> None:
        super().__init__(f"{label}:{line}: {reason}" if line else f"{label}: {reason}")
        self.label, self.line, self.reason = label, line, reason


def parser_options() -> dict[str, object]:
    """The keyword arguments of every parse (``iterparse``; the depth guard is :func:`_within_depth`)."""
    return {
        "load_dtd": False,
        "no_network": True,
        "resolve_entities": "internal",
        "huge_tree": True,
        "remove_comments": True,
        "remove_pis": True,
    }


def parse_xml(data: bytes | str | Path, label: str | None = None) -> etree._Element:
    """The root of a whole document (bytes, or a path), or an :class:`XmlError` naming the file and line."""
    if not isinstance(data, bytes):
        label = label or str(data)
        data = _read(Path(data), label)
    label = label or "<xml>"
    check_prolog(data[:_HEAD_BYTES], label, len(data))
    events = etree.iterparse(io.BytesIO(data), events=("start", "end"), **parser_options())
    try:
        for _ in _within_depth(events, label):
            pass
    except etree.XMLSyntaxError as exc:
        raise _syntax_error(exc, label) from exc
    return events.root


def iter_xml(data: bytes | str | Path, label: str | None = None, tag: str = "", root: str = "") -> Iterator[etree._Element]:
    """Each finished ``tag`` element of a document, streamed: memory stays bounded whatever the file's size.

    The caller reads each element when it is yielded; it is cleared (and its
    earlier siblings dropped) afterwards.  ``root``: the document element's
    name, refused with one line when it is another (an XLIFF given for a TMX).
    """
    if isinstance(data, bytes):
        label = label or "<xml>"
        check_prolog(data[:_HEAD_BYTES], label, len(data))
        stream: io.BufferedIOBase = io.BytesIO(data)
    else:
        path = Path(data)
        label = label or str(data)
        try:
            stream = path.open("rb")
            size = os.fstat(stream.fileno()).st_size
            head = stream.read(_HEAD_BYTES)
            stream.seek(0)
        except OSError as exc:
            raise _unreadable(exc, label) from exc
    with stream:
        if not isinstance(data, bytes):
            check_prolog(head, label, size)
        try:
            started = False
            events = etree.iterparse(stream, events=("start", "end"), **parser_options())
            for event, element in _within_depth(events, label):
                if not started:
                    started = True
                    name = etree.QName(element).localname
                    if root and name != root:
                        raise XmlError(label, element.sourceline, f"not a {root.upper()} file: the root element is <{name}>, expected <{root}>")
                if event != "end" or element.tag != tag:
                    continue
                yield element
                element.clear()
                while element.getprevious() is not None:
                    del element.getparent()[0]
        except etree.XMLSyntaxError as exc:
            raise _syntax_error(exc, label) from exc


def _within_depth(events: Iterator[tuple[str, etree._Element]], label: str) -> Iterator[tuple[str, etree._Element]]:
    """The parser's events, or an :class:`XmlError` at the first element nested deeper than :data:`MAX_DEPTH`."""
    depth = 0
    for event, element in events:
        if event == "start":
            depth += 1
            if depth > MAX_DEPTH:
                raise XmlError(label, element.sourceline, _TOO_DEEP)
        else:
            depth -= 1
        yield event, element


_TOO_DEEP = f"elements nested more than {MAX_DEPTH} deep: refused (no TMX or XLIFF nests that deep; the file is broken or hostile)"


def element_text(element: etree._Element, skip: frozenset[str] = frozenset()) -> str:
    """The text of ``element`` and its descendants, without the content of ``skip`` elements (their tails stay).

    Iterative (``iterwalk``), so no nesting depth can exhaust the stack.
    """
    parts: list[str] = []
    skipping = 0
    for event, node in etree.iterwalk(element, events=("start", "end")):
        if event == "start":
            if skipping or node.tag in skip:
                skipping += 1
            elif node.text:
                parts.append(node.text)
        else:
            if skipping:
                skipping -= 1
                if skipping:
                    continue  # inside a skipped element: its descendants' tails are skipped too
            if node is not element and node.tail:
                parts.append(node.tail)
    return "".join(parts)


def check_prolog(head: bytes, label: str, size: int) -> None:
    """Refuse, before parsing, what the parser would not: too large, encoding contradicting the declaration, external entities."""
    if size > MAX_XML_BYTES:
        raise XmlError(label, None, f"{size / 2**20:.0f} MiB: over the {MAX_XML_BYTES // 2**20} MiB limit for XML files; split it")
    actual, text = _sniff(head)
    match = _DECLARED.match(text)
    declared = match.group(1) if match else None
    family = (declared or "").lower().replace("_", "-").replace("-", "")
    if actual in ("UTF-16", "UTF-32"):
        if declared and not family.startswith(actual.lower().replace("-", "")):
            raise XmlError(label, 1, f'the file is {actual} (by its first bytes) but its XML declaration says encoding="{declared}"; save it as UTF-8 or fix the declaration')
    elif actual == "UTF-8 with BOM":
        if declared and family != "utf8":
            raise XmlError(label, 1, f'the file starts with a UTF-8 byte-order mark but its XML declaration says encoding="{declared}"; fix the declaration')
    elif family.startswith(("utf16", "utf32", "ucs")):
        raise XmlError(label, 1, f'the XML declaration says encoding="{declared}" but the file is not {declared} (no byte-order mark, one byte per character); fix the declaration or save it as UTF-8')
    external = _EXTERNAL_ENTITY.search(text)
    if external:
        kind = "parameter entity %" if external.group(1) else "entity &"
        line = text.count("\n", 0, external.start()) + 1
        raise XmlError(
            label,
            line,
            f"declares the external {kind}{external.group(2)}; ({external.group(3)} {external.group(4)}): refused, tarjama never reads files or URLs named inside a document",
        )


def _sniff(head: bytes) -> tuple[str, str]:
    """The encoding family the first bytes show, and the head decoded in it (for the declaration and DOCTYPE)."""
    for bom, name, codec in (
        (codecs.BOM_UTF32_LE, "UTF-32", "utf-32"),
        (codecs.BOM_UTF32_BE, "UTF-32", "utf-32"),
        (codecs.BOM_UTF8, "UTF-8 with BOM", "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "UTF-16", "utf-16"),
        (codecs.BOM_UTF16_BE, "UTF-16", "utf-16"),
    ):
        if head.startswith(bom):
            return name, head.decode(codec, errors="replace")
    if head.startswith((b"<\x00", b"\x00<")):
        return "UTF-16", head.decode("utf-16-le" if head[0] else "utf-16-be", errors="replace")
    return "8-bit", head.decode("latin-1")


def _syntax_error(exc: etree.XMLSyntaxError, label: str) -> XmlError:
    message = " ".join(_POSITION.sub("", exc.msg or str(exc)).split())
    if "Excessive depth" in message:  # libxml2's own guard (2048 with huge_tree), met before ours when it parses ahead
        reason = _TOO_DEEP
    elif "amplification" in message or "entity reference loop" in message.lower():
        reason = "entity expansion too large: refused (an entity bomb)"
    else:
        where = f" (column {exc.offset})" if exc.offset else ""
        reason = f"not well-formed XML{where}: {message}"
    return XmlError(label, exc.lineno or None, reason)


def _read(path: Path, label: str) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_XML_BYTES:
            check_prolog(b"", label, size)
        return path.read_bytes()
    except OSError as exc:
        raise _unreadable(exc, label) from exc


def _unreadable(exc: OSError, label: str) -> TarjamaError:
    """The one line for a file that cannot be opened, the same for every reader."""
    if isinstance(exc, IsADirectoryError):
        return TarjamaError(f"{label}: is a directory, expected an XML file")
    if isinstance(exc, FileNotFoundError):
        return TarjamaError(f"{label}: no such file")
    return TarjamaError(f"cannot read {label}: {exc.strerror or exc}")
