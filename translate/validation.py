"""``tarjama validate``: what is wrong with a TMX or XLIFF file, by line number.

The tool a localization engineer reaches for when a CAT tool says "invalid
TMX" and nothing more, or imports nothing.  It checks any TMX or XLIFF, not
only ours: well-formedness, the TMX 1.4 DTD or the OASIS XLIFF schemas (kept
in ``translate/schemas``, never fetched), and the rules CAT tools enforce
beyond them (lowercase ``datatype``, date format, one language pair per
file, ``srclang`` present in every unit, no empty or over-long segments).

Errors make an import fail or take nothing; warnings are worth a look but
import.  Needs lxml only: never torch.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from pathlib import Path

from lxml import etree

from translate.errors import shown
from translate.export.base import MAX_SEGMENT_CHARS
from translate.textio import read_bytes
from translate.wording import counted
from translate.xmlread import MAX_XML_BYTES, XmlError, check_prolog, parse_xml

SCHEMAS = Path(__file__).parent / "schemas"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
XLIFF_12 = "urn:oasis:names:tc:xliff:document:1.2"
XLIFF_2 = "urn:oasis:names:tc:xliff:document:2.0"

# TMX 1.4b, "datatype": the recommended values, all lowercase.
TMX_DATATYPES = frozenset(
    ["unknown", "alptext", "cdf", "cmx", "cpp", "hptag", "html", "interleaf", "ipf", "java", "javascript", "lisp", "mif", "opentag", "pascal", "plaintext", "pm", "rtf", "sgml", "stf-f", "stf-i", "transit", "vbscript", "winres", "xml", "xptag"]
)
_TMX_DATE = re.compile(r"\d{8}T\d{6}Z")
_LANG = re.compile(r"[A-Za-z]{1,8}(?:[-_][A-Za-z0-9]{1,8})*")
_HEADER_REQUIRED = ("creationtool", "creationtoolversion", "segtype", "o-tmf", "adminlang", "srclang", "datatype")

ERROR, WARNING = "error", "warning"


@dataclass(frozen=True, slots=True)
class Problem:
    line: int | None
    severity: str
    message: str


@dataclass(slots=True)
class Report:
    """The problems of one file, in line order, and a one-line description of what it holds."""

    path: str
    kind: str = "XML"
    problems: list[Problem] = field(default_factory=list)
    summary: str = ""

    def add(self, line: int | None, severity: str, message: str) -> None:
        self.problems.append(Problem(line, severity, message))

    @property
    def errors(self) -> int:
        return sum(1 for p in self.problems if p.severity == ERROR)

    @property
    def warnings(self) -> int:
        return sum(1 for p in self.problems if p.severity == WARNING)

    def lines(self) -> list[str]:
        """``FILE:LINE: error: message`` for each problem (the compiler format editors jump to), then a verdict."""
        ordered = sorted(self.problems, key=lambda p: (p.line or 0, p.severity != ERROR))
        out = [f"{shown(self.path)}:{p.line or 0}: {p.severity}: {p.message}" for p in ordered]
        if self.errors:
            verdict = f"INVALID {self.kind}: {counted(self.errors, 'error')}, {counted(self.warnings, 'warning')}"
        elif self.warnings:
            verdict = f"valid {self.kind} with {counted(self.warnings, 'warning')}"
        else:
            verdict = f"valid {self.kind}"
        out.append(f"{shown(self.path)}: {verdict}" + (f" ({self.summary})" if self.summary else ""))
        return out


def validate_file(path: str | Path) -> Report:
    """Check one file; a file that cannot be read at all is a TarjamaError (exit 2), not a report."""
    try:
        size = Path(path).stat().st_size
    except OSError:
        size = 0  # read_bytes names the problem
    if size > MAX_XML_BYTES:  # refused as every reader refuses it, without reading it
        report = Report(str(path), kind=_kind_from_name(str(path)))
        try:
            check_prolog(b"", str(path), size)
        except XmlError as exc:
            report.add(exc.line, ERROR, exc.reason)
        return report
    return validate_bytes(read_bytes(path, "a TMX or XLIFF file"), str(path))


def validate_bytes(data: bytes, label: str) -> Report:
    report = Report(label, kind=_kind_from_name(label))
    if not data.strip():
        report.add(1, ERROR, "the file is empty")
        return report
    try:  # the one XML policy of every reader: what it refuses here, `tm import` and `align --mt` refuse too
        root = parse_xml(data, label)
    except XmlError as exc:
        report.add(exc.line, ERROR, exc.reason)
        return report
    tag = etree.QName(root).localname if isinstance(root.tag, str) else ""
    namespace = etree.QName(root).namespace if isinstance(root.tag, str) else None
    if tag == "tmx":
        _check_tmx(root, report)
    elif tag == "xliff":
        _check_xliff(root, namespace, report)
    else:
        report.add(root.sourceline, ERROR, f"not a TMX or XLIFF file: the root element is <{tag}>, expected <tmx> or <xliff>")
    return report


def _kind_from_name(label: str) -> str:
    suffix = Path(label).suffix.lower()
    return {".tmx": "TMX", ".xlf": "XLIFF", ".xliff": "XLIFF"}.get(suffix, "XML")


def _clean(message: str) -> str:
    return " ".join(message.split())


# --- TMX -------------------------------------------------------------------


@lru_cache(maxsize=1)
def _tmx_dtd() -> etree.DTD:
    return etree.DTD(str(SCHEMAS / "tmx14.dtd"))


def _lang(element: etree._Element) -> str | None:
    """``xml:lang`` (TMX 1.4) or ``lang`` (TMX 1.1–1.3)."""
    return element.get(XML_LANG) or element.get("lang")


def _check_tmx(root: etree._Element, report: Report) -> None:
    _check_tmx_schema(root, report)
    header = root.find("header")
    if header is None:
        report.add(root.sourceline, ERROR, "no <header>: CAT tools read the source language and datatype from it")
        return
    _check_tmx_header(header, report)
    for element in root.iter("header", "tu", "tuv"):
        for name in ("creationdate", "changedate", "lastusagedate"):
            value = element.get(name)
            if value is not None and not _tmx_date(value):
                report.add(element.sourceline, ERROR, f'<{element.tag}> {name}="{value}" is not in the TMX format YYYYMMDDThhmmssZ (e.g. 20240506T070809Z)')

    srclang = header.get("srclang")
    if srclang is not None and srclang != "*all*" and not _LANG.fullmatch(srclang):
        report.add(header.sourceline, ERROR, f'srclang="{srclang}" is not a language code (e.g. ar, ar-SA)')
    units, languages = _check_tmx_units(root, srclang, report)
    if len(languages) > 2:
        report.add(
            root.sourceline,
            ERROR,
            f"{len(languages)} languages in one file ({', '.join(sorted(languages.values()))}): CAT tools (Trados, memoQ) import one exact language pair per TM, e.g. ar-SA and en-US but not ar",
        )
    if not languages:
        pair = "no languages"
    elif len(languages) == 2:
        pair = " → ".join(languages.values())
    else:
        pair = "languages " + ", ".join(languages.values())
    report.summary = f"{counted(units, 'unit')}, {pair}"


def _check_tmx_schema(root: etree._Element, report: Report) -> None:
    """The version and the DTD: what a CAT tool's own parser refuses."""
    version = root.get("version")
    report.kind = f"TMX {version}" if version else "TMX"
    if version not in ("1.4", "1.4b"):
        report.add(root.sourceline, WARNING, f"TMX version {version!r}: checked against TMX 1.4b, which every current CAT tool reads")
    dtd = _tmx_dtd()
    if not dtd.validate(root):
        for entry in dtd.error_log:
            message = _clean(entry.message)
            if message.startswith("Element header does not carry attribute"):
                continue  # named below, with what the attribute is for
            report.add(entry.line or None, ERROR, f"not valid against the TMX 1.4 DTD: {message}")


def _check_tmx_header(header: etree._Element, report: Report) -> None:
    """The attributes a TM reads before any unit: a wrong one makes the whole import fail or misread."""
    for name in _HEADER_REQUIRED:
        if header.get(name) is None:
            report.add(header.sourceline, ERROR, f"<header> has no {name} attribute (required by TMX 1.4)")
    datatype = header.get("datatype")
    if datatype is not None:
        if datatype != datatype.lower():
            report.add(header.sourceline, ERROR, f'datatype="{datatype}" must be lowercase: "{datatype.lower()}" (Smartling and others reject other spellings)')
        elif datatype not in TMX_DATATYPES and not datatype.startswith("x-"):
            report.add(header.sourceline, WARNING, f'datatype="{datatype}" is not a TMX 1.4 value (e.g. plaintext, html, xml, rtf)')
    segtype = header.get("segtype")
    if segtype is not None and segtype not in ("block", "paragraph", "sentence", "phrase"):
        report.add(header.sourceline, ERROR, f'segtype="{segtype}" must be block, paragraph, sentence or phrase')


def _check_tmx_units(root: etree._Element, srclang: str | None, report: Report) -> tuple[int, dict[str, str]]:
    """Every unit's ids, languages and segments; returns the unit count and the languages (lowercase → first spelling seen)."""
    languages: dict[str, str] = {}
    tuids: dict[str, int | None] = {}
    units = 0
    for tu in root.iter("tu"):
        units += 1
        tuid = tu.get("tuid")
        if tuid is not None:
            if tuid in tuids:
                report.add(tu.sourceline, ERROR, f'duplicate tuid="{tuid}" (first on line {tuids[tuid]})')
            else:
                tuids[tuid] = tu.sourceline
        tuvs = tu.findall("tuv")
        langs = []
        for tuv in tuvs:
            lang = _lang(tuv)
            if lang is None:
                continue  # the DTD check names it
            if not _LANG.fullmatch(lang):
                report.add(tuv.sourceline, ERROR, f'xml:lang="{lang}" is not a language code')
            langs.append(lang.lower())
            languages.setdefault(lang.lower(), lang)
            _check_tmx_seg(tuv.find("seg"), lang, report)
        if len(set(langs)) != len(langs):
            report.add(tu.sourceline, WARNING, f"<tu> has several <tuv>s in one language ({', '.join(_lang(t) or '?' for t in tuvs)}); tools keep only one")
        if len(set(langs)) == 1 and tuvs:
            report.add(tu.sourceline, WARNING, "<tu> has one language only: it holds no translation")
        if srclang and srclang != "*all*" and langs and srclang.lower() not in langs:
            spelled = sorted({languages[lang] for lang in langs})
            report.add(tu.sourceline, ERROR, f'<tu> has no <tuv> in srclang "{srclang}" (it has {", ".join(spelled)}): a TM in that language pair imports nothing from it')
    return units, languages


def _check_tmx_seg(seg: etree._Element | None, lang: str, report: Report) -> None:
    if seg is None:
        return
    text = "".join(seg.itertext())
    if not text.strip():
        report.add(seg.sourceline, ERROR, f"empty <seg> ({lang}): some tools refuse the file, others import a unit that matches everything")
    elif len(text) > MAX_SEGMENT_CHARS:
        report.add(seg.sourceline, WARNING, f"<seg> ({lang}) of {len(text)} characters: Trados Studio refuses segments over {MAX_SEGMENT_CHARS}")


def _tmx_date(value: str) -> bool:
    if not _TMX_DATE.fullmatch(value):
        return False
    try:
        datetime.strptime(value, "%Y%m%dT%H%M%SZ")
    except ValueError:
        return False
    return True


# --- XLIFF -----------------------------------------------------------------


class _LocalSchemas(etree.Resolver):
    """The schemas import xml.xsd from the W3C site; it is served from translate/schemas instead."""

    def resolve(self, url, pubid, context):
        if url and url.endswith("xml.xsd"):
            return self.resolve_filename(str(SCHEMAS / "xml.xsd"), context)
        return None


@lru_cache(maxsize=2)
def xliff_schema(name: str) -> etree.XMLSchema:
    """``xliff-core-1.2-strict.xsd`` or ``xliff-core-2.0.xsd``, loaded without the network."""
    parser = etree.XMLParser(no_network=True)
    parser.resolvers.add(_LocalSchemas())
    return etree.XMLSchema(etree.parse(str(SCHEMAS / name), parser))


def _check_xliff(root: etree._Element, namespace: str | None, report: Report) -> None:
    version = root.get("version") or "?"
    report.kind = f"XLIFF {version}"
    if namespace == XLIFF_12 and version == "1.2":
        schema = xliff_schema("xliff-core-1.2-strict.xsd")
        described = "the OASIS XLIFF 1.2 strict schema"
    elif namespace == XLIFF_2 and version.startswith("2."):
        schema = xliff_schema("xliff-core-2.0.xsd")
        described = "the OASIS XLIFF 2.0 core schema"
    else:
        report.add(root.sourceline, ERROR, f"XLIFF version {version} in namespace {namespace or '(none)'}: only 1.2 ({XLIFF_12}) and 2.x ({XLIFF_2}) can be checked")
        return
    if not schema.validate(root):
        for entry in schema.error_log:
            report.add(entry.line or None, ERROR, f"not valid against {described}: {_clean(entry.message)}")
    ns = {"x": namespace}
    if namespace == XLIFF_12:
        units = root.findall(".//x:trans-unit", ns)
        files = root.findall("x:file", ns)
        pairs = {(f.get("source-language"), f.get("target-language")) for f in files}
        for unit in units:
            source = unit.find("x:source", ns)
            if source is not None and not "".join(source.itertext()).strip():
                report.add(source.sourceline, WARNING, f'trans-unit "{unit.get("id")}" has an empty <source>')
    else:
        units = root.findall(".//x:unit", ns)
        pairs = {(root.get("srcLang"), root.get("trgLang"))}
    langs = ", ".join(f"{s} → {t}" if t else f"{s}" for s, t in sorted(pairs, key=str) if s)
    report.summary = f"{counted(len(units), 'unit')}" + (f", {langs}" if langs else "")
