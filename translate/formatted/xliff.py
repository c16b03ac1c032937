"""XLIFF 1.2 and 2.0 of a formatted document (Word, web page), and the merge that rebuilds the document from it.

Tikal's round trip (Okapi): extract to XLIFF with inline codes and the
skeleton, translate in any CAT tool, merge back into the original.  Here the
skeleton is the original file itself, carried inside the XLIFF (base64, with
its SHA-256 and the filter's name), so the XLIFF alone is enough to merge and
cannot be merged into another version of the document: the merge extracts the
carried original again (extraction is deterministic), checks that every
unit's source is the one the XLIFF holds, and writes the targets where the
units came from.  A CAT tool that drops the skeleton leaves a file that
merges only with ``--original FILE`` (the same bytes, checked by the hash).

Layout, one sentence per translatable segment (what CAT tools and memories
work with), the document's unit (paragraph, table cell, ``alt`` text) around
it:

- 1.2: ``<group resname="UNIT">`` per unit, one ``<trans-unit id="UNIT:K">``
  per sentence; the original in ``<header><skl><internal-file form="base64">``;
- 2.0: ``<unit name="UNIT">`` per unit, one ``<segment>`` per sentence and an
  ``<ignorable>`` for what lies between sentences (spaces, a code there); the
  original in ``<skeleton><tarjama:original>``.

What lies between sentences is never translated; the merge takes it from the
original, so a merge of targets equal to the sources gives the text back
exactly.  Inline codes carry only their ids (the markup stays in the
original): a span whose two ends are in one sentence and nest properly is
``<g>`` (2.0 ``<pc>``), an end whose partner is elsewhere ``<bx>``/``<ex>``
(2.0 ``<sc>``/``<ec>``, ``isolated="yes"`` when the partner is in another
unit), a picture, a field or a line break ``<x/>`` (2.0 ``<ph/>``).

A post-editor's target is taken as it is, with two repairs (each a warning):
a code the target lost is put back at the sentence's edge (an opening code
at its start, anything else at its end) and a code the source does not have
is dropped, so the rebuilt document has exactly the original's formatting.
A segment without a target keeps its source and is reported.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import logging
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import PurePath, PureWindowsPath

from lxml import etree

from translate import TOOL_NAME, __version__
from translate.errors import TarjamaError, shown
from translate.export.base import confidence_text, primary, utc, xml_attrs, xml_text
from translate.formatted.base import filter_for, filter_named
from translate.formatted.tagged import Code, CodeKind, Part, TaggedText
from translate.formatted.units import SegmentedUnits, segment_units
from translate.model import Origin, Provenance
from translate.xmlread import parse_xml

log = logging.getLogger(__name__)

XLIFF12 = "urn:oasis:names:tc:xliff:document:1.2"
XLIFF20 = "urn:oasis:names:tc:xliff:document:2.0"
TARJAMA = "urn:x-tarjama:formatted:1"
"""Our namespace in XLIFF 2.0's skeleton (the original) and its attributes."""

MAX_NESTED_SPANS = 32
"""Spans nested deeper in one sentence are written as ``bx``/``ex`` (``sc``/``ec``): readers limit the XML's nesting."""

_STATES12: dict[Origin, tuple[str, str | None]] = {
    Origin.MT: ("needs-review-translation", "mt-suggestion"),
    Origin.TM: ("needs-review-translation", "leveraged-tm"),
    Origin.HUMAN: ("translated", None),
}
_CTYPES = {"b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underlined", "a": "link", "link": "link"}
"""XLIFF 1.2's own ``ctype`` of a span (``g``, ``bx``); its placeholders (``x``) have others, below."""
_PLACEHOLDER_CTYPES = {"img": "image", "image": "image", "br": "lb", "lb": "lb"}
_TYPES20 = {"b": ("fmt", "xlf:b"), "strong": ("fmt", "xlf:b"), "i": ("fmt", "xlf:i"), "em": ("fmt", "xlf:i"),
            "u": ("fmt", "xlf:u"), "br": ("fmt", "xlf:lb"), "lb": ("fmt", "xlf:lb"), "a": ("link", None),
            "link": ("link", None), "img": ("image", None), "image": ("image", None)}
_LABEL = re.compile(r"[^A-Za-z0-9._-]")


# writing


def formatted_xliff(
    segmented: SegmentedUnits,
    targets: Mapping[int, TaggedText],
    original: bytes,
    filter_name: str,
    provenance: Provenance,
    *,
    original_name: str | None = None,
    source_lang: str | None = None,
    target_lang: str = "en",
    origins: Mapping[int, Origin] | None = None,
    confidences: Mapping[int, float] | None = None,
) -> str:
    """XLIFF 1.2 of a formatted document: ``targets`` maps a segment id of ``segmented.document`` to its target
    with codes (empty: a file to translate in the CAT tool); ``origins`` (default MT) sets each target's state;
    ``source_lang`` and ``target_lang`` are the codes written (``ar-SA``, ``en-US``; the source's default: the document's)."""
    document = segmented.document
    source_lang = source_lang or document.lang
    name = original_name or document.name or f"untitled.{filter_name}"
    file_attrs = {
        "original": name,
        "source-language": source_lang,
        "target-language": target_lang,
        "datatype": filter_name if filter_name in ("html", "xml", "plaintext") else f"x-{filter_name}",
        "tool-id": TOOL_NAME,
        "date": utc(provenance.created).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    tool = {"tool-id": TOOL_NAME, "tool-name": TOOL_NAME, "tool-version": __version__}
    about = "; ".join(f"{key}: {value}" for key, value in provenance.items())
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<xliff version="1.2" xmlns="{XLIFF12}">',
        f"  <file{xml_attrs(file_attrs)}>",
        "    <header>",
        f'      <skl><internal-file form="base64">{base64.b64encode(original).decode("ascii")}</internal-file></skl>',
        f"      <tool{xml_attrs(tool)}/>",
        f'      <note from="{TOOL_NAME}">{xml_text(about)}</note>',
        f'      <note from="{TOOL_NAME}-skeleton">{xml_text(_skeleton_note(original, filter_name))}</note>',
        "    </header>",
        "    <body>",
    ]
    written = 0
    for index, unit in enumerate(segmented.units):
        ids = segmented.segment_ids(index)
        if not ids:
            continue  # nothing to translate (a picture alone): the original keeps it
        split = segmented.splits[index]
        attrs = {"id": f"g{index + 1}", "resname": unit.id, "restype": f"x-{unit.kind.value}"}
        lines.append(f"      <group{xml_attrs(attrs)}>")
        lines.append(f'        <note from="{TOOL_NAME}">{xml_text(_where(unit.where, len(ids)))}</note>')
        for k, (segment_id, source) in enumerate(zip(ids, split.segments), start=1):
            lines.append(f'        <trans-unit{xml_attrs({"id": f"{unit.id}:{k}"})} xml:space="preserve">')
            lines.append(f"          <source{xml_attrs({'xml:lang': source_lang})}>{_inline12(source)}</source>")
            target = targets.get(segment_id)
            if target is not None:
                origin = (origins or {}).get(segment_id, Origin.MT)
                state, qualifier = _STATES12[origin]
                tattrs = {"xml:lang": target_lang, "state": state}
                if qualifier:
                    tattrs["state-qualifier"] = qualifier
                lines.append(f"          <target{xml_attrs(tattrs)}>{_inline12(target)}</target>")
                details = [f"origin: {origin.value}"]
                confidence = (confidences or {}).get(segment_id)
                if confidence is not None:
                    details.append(f"confidence: {confidence_text(confidence)}")
                lines.append(f'          <note from="{TOOL_NAME}">{xml_text("; ".join(details))}</note>')
            lines.append("        </trans-unit>")
            written += 1
        lines.append("      </group>")
    if not written:
        raise TarjamaError(f"{shown(name)}: no text found to translate")
    lines += ["    </body>", "  </file>", "</xliff>", ""]
    return "\n".join(lines)


def formatted_xliff2(
    segmented: SegmentedUnits,
    targets: Mapping[int, TaggedText],
    original: bytes,
    filter_name: str,
    provenance: Provenance,
    *,
    original_name: str | None = None,
    source_lang: str | None = None,
    target_lang: str = "en",
    origins: Mapping[int, Origin] | None = None,
    confidences: Mapping[int, float] | None = None,
) -> str:
    """XLIFF 2.0 of a formatted document; the arguments as for :func:`formatted_xliff`."""
    document = segmented.document
    source_lang = source_lang or document.lang
    name = original_name or document.name or f"untitled.{filter_name}"
    about = "; ".join(f"{key}: {value}" for key, value in provenance.items())
    skeleton = {"filter": filter_name, "sha256": hashlib.sha256(original).hexdigest()}
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<xliff xmlns="{XLIFF20}" version="2.0"{xml_attrs({"srcLang": source_lang, "trgLang": target_lang})}>',
        f"  <file{xml_attrs({'id': 'f1', 'original': name})}>",
        f'    <skeleton><tarjama:original xmlns:tarjama="{TARJAMA}"{xml_attrs(skeleton)}>'
        f"{base64.b64encode(original).decode('ascii')}</tarjama:original></skeleton>",
        f'    <notes><note category="{TOOL_NAME}:provenance">{xml_text(about)}</note></notes>',
    ]
    written = 0
    for index, unit in enumerate(segmented.units):
        ids = segmented.segment_ids(index)
        if not ids:
            continue
        split = segmented.splits[index]
        paired = _paired_in(split.joined())
        lines.append(f'    <unit{xml_attrs({"id": f"u{index + 1}", "name": unit.id, "type": f"{TOOL_NAME}:{unit.kind.value}"})}>')
        notes = [_where(unit.where, len(ids))]
        if confidences:
            notes += [f"sentence {k}: confidence {confidence_text(confidences[i])}" for k, i in enumerate(ids, start=1) if i in confidences]
        lines.append("      <notes>" + "".join(f'<note category="{TOOL_NAME}">{xml_text(n)}</note>' for n in notes) + "</notes>")
        for k, gap in enumerate(split.gaps):
            if gap.parts:
                lines.append(f'      <ignorable id="i{k + 1}"><source xml:space="preserve">{_inline20(gap, paired)}</source></ignorable>')
            if k == len(split.segments):
                break
            segment_id, source = ids[k], split.segments[k]
            target = targets.get(segment_id)
            if target is not None:
                origin = (origins or {}).get(segment_id, Origin.MT)
                lines.append(f'      <segment id="s{k + 1}" state="translated" subState="{TOOL_NAME}:{origin.value}">')
            else:
                lines.append(f'      <segment id="s{k + 1}">')
            lines.append(f'        <source xml:space="preserve">{_inline20(source, paired)}</source>')
            if target is not None:
                lines.append(f'        <target xml:space="preserve">{_inline20(target, paired)}</target>')
            lines.append("      </segment>")
            written += 1
        lines.append("    </unit>")
    if not written:
        raise TarjamaError(f"{shown(name)}: no text found to translate")
    lines += ["  </file>", "</xliff>", ""]
    return "\n".join(lines)


def _skeleton_note(original: bytes, filter_name: str) -> str:
    return f"filter: {filter_name}; sha256: {hashlib.sha256(original).hexdigest()}"


def _where(where: str, sentences: int) -> str:
    return f"where: {where}" + (f"; {sentences} sentences" if sentences > 1 else "")


def _nesting(text: TaggedText) -> set[int]:
    """The ids of spans whose OPEN and CLOSE are both in ``text`` and nest properly (within the depth limit)."""
    closes = {c.id for c in text.codes if c.kind is CodeKind.CLOSE}
    stack: list[int] = []
    good: set[int] = set()
    for code in text.codes:
        if code.kind is CodeKind.OPEN and code.id in closes and len(stack) < MAX_NESTED_SPANS:
            stack.append(code.id)
        elif code.kind is CodeKind.CLOSE and code.id in stack:
            if stack[-1] == code.id:
                good.add(code.id)
                stack.pop()
            else:
                stack.remove(code.id)
    return good


def _paired_in(text: TaggedText) -> set[int]:
    """Span ids with both ends in ``text`` (one unit): in XLIFF 2.0 their ``sc``/``ec`` pair across segments."""
    opens = {c.id for c in text.codes if c.kind is CodeKind.OPEN}
    return {c.id for c in text.codes if c.kind is CodeKind.CLOSE and c.id in opens}


def _ctype(label: str, placeholder: bool = False) -> str:
    return (_PLACEHOLDER_CTYPES if placeholder else _CTYPES).get(label) or "x-" + (_LABEL.sub("-", label) or "code")


def _inline12(text: TaggedText) -> str:
    good = _nesting(text)
    both = _paired_in(text)  # an end whose partner is in another sentence has no rid (1.2's keyref wants a bx for each ex rid)
    out: list[str] = []
    for part in text.parts:
        if isinstance(part, str):
            out.append(xml_text(part))
        elif part.kind is CodeKind.PLACEHOLDER:
            out.append(f'<x id="{part.id}" ctype="{_ctype(part.label, placeholder=True)}"/>')
        elif part.id in good:
            out.append(f'<g id="{part.id}" ctype="{_ctype(part.label)}">' if part.kind is CodeKind.OPEN else "</g>")
        elif part.kind is CodeKind.OPEN:
            rid = f' rid="{part.id}"' if part.id in both else ""
            out.append(f'<bx id="{part.id}"{rid} ctype="{_ctype(part.label)}"/>')
        else:
            out.append(f'<ex id="{part.id}" rid="{part.id}"/>' if part.id in both else f'<ex id="{part.id}"/>')
    return "".join(out)


def _type20(label: str) -> str:
    kind, sub = _TYPES20.get(label, ("other", None))
    return f' type="{kind}"' + (f' subType="{sub}"' if sub else "")


def _inline20(text: TaggedText, paired: set[int]) -> str:
    good = _nesting(text)
    out: list[str] = []
    for part in text.parts:
        if isinstance(part, str):
            out.append(xml_text(part))
        elif part.kind is CodeKind.PLACEHOLDER:
            out.append(f'<ph id="{part.id}"{_type20(part.label)}/>')
        elif part.id in good:
            out.append(f'<pc id="{part.id}"{_type20(part.label)}>' if part.kind is CodeKind.OPEN else "</pc>")
        elif part.kind is CodeKind.OPEN:
            isolated = "" if part.id in paired else ' isolated="yes"'
            out.append(f'<sc id="{part.id}"{_type20(part.label)}{isolated}/>')
        elif part.id in paired:
            out.append(f'<ec startRef="{part.id}"/>')
        else:
            out.append(f'<ec id="{part.id}" isolated="yes"/>')
    return "".join(out)


# reading


@dataclass(frozen=True, slots=True)
class XliffSegment:
    """One sentence as the XLIFF holds it: its unit's id, its place in the unit, its source and target (None: none)."""

    unit: str
    number: int
    """1 for the unit's first sentence."""
    source: TaggedText
    target: TaggedText | None
    label: str
    """How to find it in the XLIFF (the trans-unit's id, or the unit and segment), for messages."""
    dropped: tuple[str, ...] = ()
    """What reading the target had to change: inline elements we never write (another tool's native codes)
    removed, codes doubled or closed before they opened put right."""


@dataclass(frozen=True, slots=True)
class XliffDocument:
    """What a formatted document's XLIFF holds: the original (when carried), what to rebuild it with, the segments."""

    version: str
    filter_name: str
    original_name: str
    source_lang: str
    target_lang: str
    original: bytes | None
    sha256: str | None
    segments: tuple[XliffSegment, ...]


@dataclass(frozen=True, slots=True)
class MergeResult:
    document: bytes
    filter_name: str
    original_name: str
    suffix: str
    """The rebuilt document's file suffix (".html", ".docx")."""
    untranslated: tuple[str, ...]
    """The segments that had no target and kept their source (their XLIFF labels)."""
    repaired: tuple[str, ...]
    """One line per target whose codes were repaired (a code lost or invented by the CAT tool)."""


def read_xliff(data: bytes, label: str) -> XliffDocument:
    """A formatted document's XLIFF 1.2 or 2.0; anything else (not XLIFF, a plain-text XLIFF, damaged) is one TarjamaError."""
    root = parse_xml(data, label)
    namespace = etree.QName(root).namespace if isinstance(root.tag, str) else None
    if not isinstance(root.tag, str) or etree.QName(root).localname != "xliff" or namespace not in (XLIFF12, XLIFF20):
        raise TarjamaError(f"{shown(label)}: not an XLIFF 1.2 or 2.0 file")
    files = root.findall(f"{{{namespace}}}file")
    if len(files) != 1:
        raise TarjamaError(f"{shown(label)}: holds {len(files)} <file> elements; tarjama merges an XLIFF of one document")
    if namespace == XLIFF12:
        return _read12(root, files[0], label)
    return _read20(root, files[0], label)


def _read12(root: etree._Element, file: etree._Element, label: str) -> XliffDocument:
    ns = f"{{{XLIFF12}}}"
    datatype = file.get("datatype") or ""
    filter_name, sha = datatype.removeprefix("x-"), None
    for note in file.iterfind(f"{ns}header/{ns}note"):
        if note.get("from") == f"{TOOL_NAME}-skeleton":
            fields = dict(item.split(": ", 1) for item in (note.text or "").split("; ") if ": " in item)
            filter_name, sha = fields.get("filter", filter_name), fields.get("sha256")
    carried = file.find(f"{ns}header/{ns}skl/{ns}internal-file")
    original = _base64(carried.text or "", label, carried) if carried is not None else None
    segments: list[XliffSegment] = []
    for unit in file.iter(f"{ns}trans-unit"):
        unit_id, _, number = (unit.get("id") or "").rpartition(":")
        if not unit_id or not number.isdigit():
            raise TarjamaError(f"{shown(label)}:{unit.sourceline}: trans-unit id {unit.get('id')!r} is not one tarjama wrote (UNIT:SENTENCE)")
        source = unit.find(f"{ns}source")
        if source is None:
            raise TarjamaError(f"{shown(label)}:{unit.sourceline}: trans-unit {unit.get('id')} has no <source>")
        target = unit.find(f"{ns}target")
        parsed_source, _ = _tagged(source, XLIFF12, label)
        parsed_target, dropped = _tagged(target, XLIFF12, label) if target is not None else (None, ())
        segments.append(XliffSegment(unit_id, int(number), parsed_source, _nonempty(parsed_target), f"trans-unit {unit.get('id')}", dropped))
    return XliffDocument("1.2", filter_name, file.get("original") or "", file.get("source-language") or "ar",
                         file.get("target-language") or "en", original, sha, tuple(segments))


def _read20(root: etree._Element, file: etree._Element, label: str) -> XliffDocument:
    ns = f"{{{XLIFF20}}}"
    carried = file.find(f"{ns}skeleton/{{{TARJAMA}}}original")
    original = _base64(carried.text or "", label, carried) if carried is not None else None
    filter_name = carried.get("filter", "") if carried is not None else ""
    sha = carried.get("sha256") if carried is not None else None
    segments: list[XliffSegment] = []
    for unit in file.iter(f"{ns}unit"):
        unit_id = unit.get("name") or ""
        if not unit_id:
            raise TarjamaError(f"{shown(label)}:{unit.sourceline}: unit {unit.get('id')} has no name (the document's unit id tarjama wrote)")
        for number, segment in enumerate(unit.iterfind(f"{ns}segment"), start=1):
            source = segment.find(f"{ns}source")
            if source is None:
                raise TarjamaError(f"{shown(label)}:{segment.sourceline}: a segment of unit {unit.get('id')} has no <source>")
            target = segment.find(f"{ns}target")
            parsed_source, _ = _tagged(source, XLIFF20, label)
            parsed_target, dropped = _tagged(target, XLIFF20, label) if target is not None else (None, ())
            segments.append(XliffSegment(unit_id, number, parsed_source, _nonempty(parsed_target),
                                         f"unit {unit.get('id')} segment {segment.get('id') or number}", dropped))
    return XliffDocument("2.0", filter_name, file.get("original") or "", root.get("srcLang") or "ar",
                         root.get("trgLang") or "en", original, sha, tuple(segments))


def _nonempty(text: TaggedText | None) -> TaggedText | None:
    """An empty ``<target/>`` (a CAT tool's untranslated segment) is no target."""
    return text if text is not None and (text.plain.strip() or text.codes) else None


def _base64(text: str, label: str, element: etree._Element) -> bytes:
    try:
        return base64.b64decode("".join(text.split()), validate=True)
    except (binascii.Error, ValueError):
        raise TarjamaError(f"{shown(label)}:{element.sourceline}: the original document carried in the XLIFF is damaged (not base64)") from None


_ROLES = {
    (XLIFF12, "g"): "pair", (XLIFF12, "x"): "placeholder", (XLIFF12, "bx"): "open", (XLIFF12, "ex"): "close", (XLIFF12, "mrk"): "marker",
    (XLIFF20, "pc"): "pair", (XLIFF20, "ph"): "placeholder", (XLIFF20, "sc"): "open", (XLIFF20, "ec"): "close",
    (XLIFF20, "mrk"): "marker", (XLIFF20, "sm"): "marker", (XLIFF20, "em"): "marker",
}
"""What each inline element of either version is to us; any other (1.2's native-code ``ph``, ``bpt``, ``it``) is dropped."""


def _tagged(element: etree._Element, namespace: str, label: str) -> tuple[TaggedText, tuple[str, ...]]:
    """An XLIFF source or target as text with codes (ids only); inline elements we never write are dropped and named."""
    parts: list[Part] = []
    dropped: list[str] = []

    def number(value: str | None, child: etree._Element) -> int:
        if value is None or not value.isdigit():
            raise TarjamaError(f"{shown(label)}:{child.sourceline}: inline code id {value!r} is not one tarjama wrote")
        return int(value)

    # iterative walk (children's events in order), so that no nesting depth the XML parser allows can exhaust the stack
    events: Iterator[tuple[str, etree._Element]] = etree.iterwalk(element, events=("start", "end"))
    for event, child in events:
        if child is element:
            if event == "start" and element.text:
                parts.append(element.text)
            continue
        if not isinstance(child.tag, str):
            if event == "end" and child.tail:
                parts.append(child.tail)
            continue
        qname = etree.QName(child)
        role = _ROLES.get((qname.namespace or "", qname.localname))
        if event == "start":
            if role == "pair":
                parts.append(Code(CodeKind.OPEN, number(child.get("id"), child)))
            elif role == "placeholder":
                parts.append(Code(CodeKind.PLACEHOLDER, number(child.get("id"), child)))
            elif role == "open":
                parts.append(Code(CodeKind.OPEN, number(child.get("rid") or child.get("id"), child)))
            elif role == "close":
                parts.append(Code(CodeKind.CLOSE, number(child.get("rid") or child.get("startRef") or child.get("id"), child)))
            elif role != "marker":  # another tool's own codes are dropped; a marker's text is the text
                dropped.append(f"<{qname.localname}> element removed")
                events.skip_subtree()  # type: ignore[attr-defined]
                continue  # its end event still comes, and appends its tail
            if child.text and role in ("pair", "marker"):
                parts.append(child.text)
        else:
            if role == "pair":
                parts.append(Code(CodeKind.CLOSE, number(child.get("id"), child)))
            if child.tail:
                parts.append(child.tail)
    try:
        return TaggedText(tuple(parts)), tuple(dropped)
    except ValueError:
        return _ordered(parts), (*dropped, "a code doubled or closed before it opened, put right")


def _ordered(parts: Sequence[Part]) -> TaggedText:
    """Codes a CAT tool put out of order (a close before its open, one twice): the first of each kept, a close after its open."""
    seen: set[tuple[CodeKind, int]] = set()
    kept: list[Part] = []
    for part in parts:
        if isinstance(part, Code):
            key = (part.kind, part.id)
            if key in seen:
                continue
            seen.add(key)
        kept.append(part)
    text = "".join(p for p in kept if isinstance(p, str))
    placed: list[tuple[int, Code]] = []
    offset = 0
    for part in kept:
        if isinstance(part, str):
            offset += len(part)
        else:
            placed.append((offset, part))
    opens = {c.id: o for o, c in placed if c.kind is CodeKind.OPEN}
    fixed = [(max(o, opens.get(c.id, o)) if c.kind is CodeKind.CLOSE else o, c) for o, c in placed]
    # an OPEN placed after its CLOSE at the same offset: put the CLOSE last
    fixed.sort(key=lambda item: (item[0], item[1].kind is CodeKind.CLOSE and item[1].id in opens))
    return TaggedText.from_placed(text, fixed)


# merging


def merge_xliff(data: bytes, label: str, original: bytes | None = None, original_label: str = "") -> MergeResult:
    """The document rebuilt from a formatted document's XLIFF (bytes of ``label``): targets where they are, sources elsewhere.

    ``original``: the original document's bytes, for an XLIFF that does not
    carry it (it must be the same file: its SHA-256 is checked when the XLIFF
    holds one).  Every refusal is one TarjamaError; nothing is written here.
    """
    xliff = read_xliff(data, label)
    if not xliff.segments:
        raise TarjamaError(f"{shown(label)}: no translation units in this XLIFF")
    skeleton = original if original is not None else xliff.original
    if skeleton is None:
        raise TarjamaError(
            f"{shown(label)}: the original document is missing (this XLIFF does not carry it, e.g. it is not tarjama's or a CAT "
            f"tool removed its skeleton); give it with --original {shown(xliff.original_name or 'FILE')}"
        )
    where = shown(original_label) if original is not None else f"the original carried in {shown(label)}"
    if xliff.sha256 and hashlib.sha256(skeleton).hexdigest() != xliff.sha256:
        raise TarjamaError(f"{where} is not the document this XLIFF was made from (its SHA-256 differs)")
    # the filter's name is in the skeleton (and 1.2's datatype); without them, the original's suffix says
    document_filter = filter_named(xliff.filter_name) if xliff.filter_name else filter_for(_basename(xliff.original_name))
    if document_filter is None:
        raise TarjamaError(f"{shown(label)}: not an XLIFF of a Word document or web page (datatype {xliff.filter_name or 'missing'!r}); tarjama merge rebuilds those")
    name = _basename(xliff.original_name) or f"document{document_filter.suffixes[0]}"
    units = document_filter.extract(skeleton, original_label or name)
    segmented = segment_units(units, primary(xliff.source_lang), name)  # ar-SA is segmented as Arabic
    positions = {unit.id: index for index, unit in enumerate(segmented.units)}
    sentences: dict[int, TaggedText] = {}
    untranslated: list[str] = []
    repaired: list[str] = []
    for entry in xliff.segments:
        index = positions.get(entry.unit)
        ids = segmented.segment_ids(index) if index is not None else range(0)
        if not 1 <= entry.number <= len(ids):
            raise TarjamaError(f"{shown(label)}: {entry.label} is not in {where} (the XLIFF was made from another version of the document)")
        assert index is not None
        source = segmented.splits[index].segments[entry.number - 1]
        if _shape(entry.source) != _shape(source):
            raise TarjamaError(
                f"{shown(label)}: the source of {entry.label} differs from the text of {where} "
                "(the source was edited, or the XLIFF was made from another version of the document or of tarjama)"
            )
        segment_id = ids[entry.number - 1]
        if entry.target is None:
            untranslated.append(entry.label)
            continue
        target, problems = _repair(entry.target, source)
        problems = [*entry.dropped, *problems]
        if problems:
            repaired.append(f"{entry.label}: {', '.join(problems)}")
        sentences[segment_id] = target
    for index in range(len(segmented.units)):
        for k, segment_id in enumerate(segmented.segment_ids(index)):
            if segment_id not in sentences:
                sentences[segment_id] = segmented.splits[index].segments[k]  # no target: its source, reported above
    merged = document_filter.merge(skeleton, segmented.targets(sentences), original_label or name, xliff.target_lang)
    return MergeResult(merged, document_filter.name, name, PurePath(name).suffix or document_filter.suffixes[0], tuple(untranslated), tuple(repaired))


def _basename(name: str) -> str:
    """The original's file name without any folder (an XLIFF from elsewhere may name a Windows path)."""
    return PureWindowsPath(PurePath(name).name).name


def _shape(text: TaggedText) -> tuple[str, tuple[tuple[str, int], ...]]:
    """What must agree between the XLIFF's source and the original's: the text (spaces aside) and the codes in order."""
    return " ".join(text.plain.split()), tuple((c.kind.value, c.id) for c in text.codes)


def _repair(target: TaggedText, source: TaggedText) -> tuple[TaggedText, list[str]]:
    """The target with exactly the source's codes: a lost code put back at the sentence's edge, an invented one dropped."""
    wanted = {(c.kind, c.id): c for c in source.codes}
    problems: list[str] = []
    placed: list[tuple[int, Code]] = []
    for offset, code in target.placed():
        found = wanted.get((code.kind, code.id))
        if found is None:
            problems.append(f"code {code.id} ({code.kind.value}) not in the source, dropped")
            continue
        placed.append((offset, found))  # the source's code, with its label
    present = {(c.kind, c.id) for _, c in placed}
    plain = " ".join(re.split("[\n\r\u2028\u2029]+", target.plain))
    for key, code in wanted.items():
        if key in present:
            continue
        problems.append(f"code {code.id} ({code.kind.value}) lost, put back at the sentence's {'start' if code.kind is CodeKind.OPEN else 'end'}")
        placed.append((0 if code.kind is CodeKind.OPEN else len(plain), code))
    try:
        return TaggedText.from_placed(plain, placed), problems
    except ValueError:  # a close before its open: moved after it
        problems.append("a closing code before its opening one, moved after it")
    opens = {c.id: o for o, c in placed if c.kind is CodeKind.OPEN}
    placed = [(max(o, opens.get(c.id, o)) if c.kind is CodeKind.CLOSE else o, c) for o, c in placed]
    placed.sort(key=lambda item: (item[0], item[1].kind is CodeKind.CLOSE and item[1].id in opens))
    return TaggedText.from_placed(plain, placed), problems

