"""Word documents translated in place: the original package with its text replaced, everything else kept.

Okapi's OpenXML filter is the model: every paragraph of the body, tables,
text boxes, headers, footers, footnotes and endnotes is a unit; a run's
formatting that differs from the paragraph's usual one is a span code, a
hyperlink is a link code, and whatever is not text (a picture, a field such
as a page number, a tab, a line break, a footnote reference) is a
placeholder.  Runs are Word's bookkeeping (a spell-check or revision mark
splits them), so neighbouring runs with the same formatting are one span,
and a sentence spanning runs is one unit, never translated run by run.

Merging re-reads the original (the skeleton) in the same order, then
rebuilds each translated paragraph from its target: a run per stretch of
text with the formatting of the span that is open there, the hyperlink
elements around the linked words (their targets untouched), and the very
elements a placeholder stood for moved into place, so a picture's bytes and
a field's code never change.  Every other part of the package is copied as
it was.  The whole document is then made left-to-right English: right-to-left
paragraph, section, table and run properties are removed (complex-script
bold, italic and size carried over to the Latin ones they stood for),
language tags say English and Arabic-only fonts give way to a Latin one.

Decisions where Word allows several readings: tracked changes are taken as
accepted (insertions kept, deletions dropped); a complex field (a page
number, a date, a table of contents) is one placeholder with its result,
which Word recomputes; a content control's wrapper inside a paragraph is
dropped and its text kept; a text box's legacy VML copy (``mc:Fallback``)
is dropped so the translated DrawingML copy is the only one.
"""

from __future__ import annotations

import copy
import io
import zipfile
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from lxml import etree

from translate.errors import TarjamaError, shown
from translate.formatted.base import Filter, TextUnit
from translate.formatted.tagged import Code, CodeKind, Part, TaggedText
from translate.inputs.docx import MAX_DOCX_BYTES, _kind, _main_part, _relationships, _style_names, check_package
from translate.inputs.structure import ReadLimits, TextLimitExceeded
from translate.model import ParagraphKind
from translate.xmlread import parse_xml

_W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_W = f"{{{_W_NS}}}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


def _w(name: str) -> str:
    return f"{_W}{name}"


_P, _R, _T, _RPR, _PPR, _HYPERLINK = map(_w, ("p", "r", "t", "rPr", "pPr", "hyperlink"))
_FLDCHAR, _FLDTYPE, _VAL = _w("fldChar"), _w("fldCharType"), _w("val")
_TRANSPARENT = frozenset(map(_w, ("ins", "moveTo", "smartTag", "customXml", "dir", "bdo")))
"""Containers whose runs are read as the paragraph's own: a tracked insertion (accepted), a smart tag, an RTL embedding."""
_DROPPED = frozenset(map(_w, ("del", "moveFrom", "proofErr", "lastRenderedPageBreak", "softHyphen", "delText", "delInstrText")))
"""Gone from a translated paragraph: tracked deletions (accepted), spell-check marks, Arabic hyphenation hints."""
_ANCHOR_START = frozenset(map(_w, ("bookmarkStart", "commentRangeStart", "permStart", "moveFromRangeStart", "moveToRangeStart", "customXmlInsRangeStart")))
_ANCHOR_END = frozenset(map(_w, ("bookmarkEnd", "commentRangeEnd", "permEnd", "moveFromRangeEnd", "moveToRangeEnd", "customXmlInsRangeEnd")))
_RUN_LABELS = {
    _w("tab"): "tab", _w("ptab"): "tab", _w("br"): "br", _w("cr"): "br", _w("drawing"): "image", _w("pict"): "image",
    _w("object"): "image", _w("footnoteReference"): "footnote", _w("endnoteReference"): "endnote",
    _w("footnoteRef"): "footnote", _w("endnoteRef"): "endnote", _w("sym"): "sym", _w("commentReference"): "comment",
    _w("annotationRef"): "comment", _w("separator"): "separator", _w("continuationSeparator"): "separator",
    f"{_MC}AlternateContent": "image",
}
_NOISE_ATTRS = frozenset(map(_w, ("rsidR", "rsidRPr", "rsidDel", "rsidRDefault", "rsidP", "hint")))
_NOISE_ELEMENTS = frozenset(map(_w, ("lang", "noProof", "rtl", "cs", "webHidden")))
"""Not formatting a reader sees: two runs differing only in these are one span."""
_WHERE_BY_RELATION = {"/header": "header", "/footer": "footer", "/footnotes": "footnote", "/endnotes": "endnote"}
_FORMATTING = ("/styles", "/stylesWithEffects", "/numbering")
_MACRO_PARTS = ("vbaproject.bin", "vbadata.xml")
MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

ARABIC_FONTS = frozenset(
    name.lower()
    for name in (
        "Traditional Arabic", "Simplified Arabic", "Simplified Arabic Fixed", "Arabic Typesetting", "Sakkal Majalla",
        "Andalus", "Aldhabi", "Urdu Typesetting", "Arabic Transparent", "Amiri", "Scheherazade", "Scheherazade New",
        "Noto Naskh Arabic", "Noto Kufi Arabic", "Noto Sans Arabic", "Lateef", "KacstOne", "KacstBook", "Al Bayan",
        "Geeza Pro", "Diwani Letter", "DecoType Naskh", "Mudir MT", "AF_Diwani", "Droid Arabic Naskh", "Tajawal", "Cairo",
    )
)
"""Fonts drawn for Arabic script: English text set in them falls back to whatever the reader has, so they give way."""
LATIN_FONT = "Calibri"
"""What an Arabic-only font is replaced by (Word's default body font since 2007; LibreOffice substitutes Carlito)."""


@dataclass(slots=True)
class _Span:
    """A span code's markup: a formatting (its run properties) or a hyperlink (the element, and its runs' usual formatting)."""

    rpr: etree._Element | None
    link: etree._Element | None = None


@dataclass(slots=True)
class _Paragraph:
    """One unit's paragraph and what its codes stand for: all found again at merge time from the original."""

    element: etree._Element
    unit: TextUnit
    base: etree._Element | None
    """The run properties of the paragraph's plain text (its most common formatting)."""
    spans: dict[int, _Span] = field(default_factory=dict)
    placeholders: dict[int, _Atom] = field(default_factory=dict)
    """Per placeholder, what it stands for: a run's children (with the run's properties) or whole elements."""
    starts: list[etree._Element] = field(default_factory=list)
    ends: list[etree._Element] = field(default_factory=list)


@dataclass(slots=True)
class _Atom:
    """A piece of a paragraph in reading order, before codes are assigned."""

    text: str | None
    rpr: etree._Element | None
    link: etree._Element | None
    label: str = ""
    elements: list[etree._Element] = field(default_factory=list)
    whole: bool = False
    """The elements are runs (a field) or paragraph-level (a math zone), not a run's children."""


class WordFilter(Filter):
    name = "docx"
    suffixes = (".docx",)
    media_type = MEDIA_TYPE

    def extract(self, data: bytes, label: str, limits: ReadLimits | None = None) -> tuple[TextUnit, ...]:
        from translate.inputs.docx import docx_paragraphs

        limits = limits or ReadLimits()
        # The parts are parsed whole below, so their units are counted only once a tree is built: a 220 KB upload
        # holding 60 MiB of paragraphs took 620 MB in the server before the count refused it.  The streaming
        # reader counts the body (where a document's text is) as it reads, and refuses it at the limit first.
        docx_paragraphs(data, label, limits.chars, limits.paragraphs)
        package = _Package(data, label)
        counter = _Counter(limits, label)
        return tuple(p.unit for _, paragraphs in package.read(counter) for p in paragraphs)

    def merge(self, data: bytes, targets: Mapping[str, TaggedText], label: str, target_lang: str = "en") -> bytes:
        package = _Package(data, label)
        changed: dict[str, bytes] = {}
        lang = _language_tag(target_lang)
        for part, paragraphs in package.read(_Counter(ReadLimits(), label)):
            for paragraph in paragraphs:
                target = targets.get(paragraph.unit.id)
                if target is not None:
                    _check_codes(paragraph.unit, target, label)
                    _rebuild(paragraph, target)
            root = package.roots[part]
            for fallback in list(root.iter(f"{_MC}Fallback")):
                if fallback.find(f".//{_P}") is not None:  # a text box's VML copy would keep the Arabic
                    fallback.getparent().remove(fallback)
            _left_to_right(root, lang)
            changed[part] = _serialise(root)
        for part in package.formatting:
            tree = package.parse(part)
            _left_to_right(tree, lang)
            changed[part] = _serialise(tree)
        return package.rewritten(changed)


def _language_tag(target_lang: str) -> str:
    return "en-US" if target_lang.lower() == "en" else target_lang


class _Counter:
    """The read limits, counted as units are found: a document over them is refused when the limit is reached."""

    def __init__(self, limits: ReadLimits, label: str) -> None:
        self.limits, self.label, self.chars, self.paragraphs = limits, label, 0, 0

    def add(self, text: str) -> None:
        self.chars += len(text)
        if self.chars > self.limits.chars:
            raise TextLimitExceeded(f"{shown(self.label)}: more than {self.limits.chars} characters of text, the limit for one document")
        if text.strip():
            self.paragraphs += 1
            if self.limits.paragraphs is not None and self.paragraphs > self.limits.paragraphs:
                raise TextLimitExceeded(f"{shown(self.label)}: more than {self.limits.paragraphs} paragraphs of text, the limit for one document")


class _Package:
    """The zip, checked (size limits, macros) and opened; the parts that hold text, in a fixed order."""

    def __init__(self, data: bytes, label: str) -> None:
        if len(data) > MAX_DOCX_BYTES:
            raise TarjamaError(f"{shown(label)}: larger than {MAX_DOCX_BYTES // 2**20} MiB, the limit for a Word document")
        check_package(data, label)
        self.data, self.label = data, label
        self.archive = zipfile.ZipFile(io.BytesIO(data))
        names = self.archive.namelist()
        if any(name.rsplit("/", 1)[-1].lower() in _MACRO_PARTS for name in names):
            raise TarjamaError(f"{shown(label)}: a Word document with macros (vbaProject.bin); tarjama does not open those: save it as a .docx without macros")
        try:
            self.main = _main_part(self.archive)
            relations = list(_relationships(self.archive, self.main))
            self.names = _style_names(self.archive, self.main)
        except (KeyError, ValueError, etree.XMLSyntaxError) as exc:
            if "macroEnabled" in str(exc):
                raise TarjamaError(f"{shown(label)}: a Word document with macros (.docm); tarjama does not open those: save it as a .docx without macros") from exc
            raise TarjamaError(f"{shown(label)}: not a readable Word .docx file ({type(exc).__name__})") from exc
        present = set(names)
        self.parts: list[tuple[str, str]] = [(self.main, "body")]
        for suffix, where in _WHERE_BY_RELATION.items():
            found = sorted({name for kind, name in relations if kind.endswith(suffix) and name in present})
            self.parts.extend((name, where) for name in found)
        self.formatting = sorted({name for kind, name in relations if kind.endswith(_FORMATTING) and name in present})
        """Parts with paragraph and run properties but no text: styles (and Word 2010's copy of them), list numbering."""
        self.roots: dict[str, etree._Element] = {}

    def parse(self, part: str) -> etree._Element:
        return parse_xml(self.archive.read(part), f"{self.label}: {part}")

    def read(self, counter: _Counter) -> Iterator[tuple[str, list[_Paragraph]]]:
        """Each text part with its paragraphs that hold text, read in document order."""
        for part, where in self.parts:
            root = self.roots[part] = self.parse(part)
            yield part, list(_paragraphs(root, part, where, self.names, counter))

    def rewritten(self, changed: Mapping[str, bytes]) -> bytes:
        """The package again, entry by entry in the same order; only ``changed`` parts differ (pictures keep their bytes)."""
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
            for info in self.archive.infolist():
                data = changed.get(info.filename)
                target.writestr(info, self.archive.read(info.filename) if data is None else data, compress_type=info.compress_type)
        return out.getvalue()


def _serialise(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _paragraphs(root: etree._Element, part: str, where: str, names: dict[str | None, str] | None, counter: _Counter) -> Iterator[_Paragraph]:
    """Every paragraph with text, outer before inner (a text box's paragraphs follow the paragraph that anchors it)."""
    fields = _FieldState()
    for number, element in enumerate(root.iter(_P)):
        place = _where(element, where)
        if place is None:
            continue
        walker = _Walker(fields)
        walker.paragraph(element)
        paragraph = _coded(element, f"{part}#{number}", walker, _kind(element, names) if where == "body" else ParagraphKind.BODY, place)
        if paragraph is None:
            continue
        counter.add(paragraph.unit.source.plain)
        yield paragraph


def _where(paragraph: etree._Element, default: str) -> str | None:
    """Where a translator finds the paragraph; None for one in a legacy copy (``mc:Fallback``), which merge drops."""
    where = default
    for ancestor in paragraph.iterancestors():
        tag = ancestor.tag
        if tag == f"{_MC}Fallback":
            return None
        if tag == _w("txbxContent") and where in ("body", "table"):
            where = "textbox"
        elif tag == _w("tc") and where == "body":
            where = "table"
    return where


class _FieldState:
    """How deep in complex fields the reading is: a field may begin in one paragraph and end in another (a table of contents)."""

    def __init__(self) -> None:
        self.depth = 0


class _Walker:
    """One paragraph's content as atoms: text with its formatting and link, and placeholders."""

    def __init__(self, fields: _FieldState) -> None:
        self.fields = fields
        self.atoms: list[_Atom] = []
        self.starts: list[etree._Element] = []
        self.ends: list[etree._Element] = []
        self.field: _Atom | None = None

    def paragraph(self, element: etree._Element) -> list[_Atom]:
        if self.fields.depth > 0:  # a field carried over from an earlier paragraph
            self.field = self._placeholder("field", [], None, whole=True)
        self._children(element, None)
        self.field = None
        return self.atoms

    def _children(self, element: etree._Element, link: etree._Element | None) -> None:
        for child in element:
            tag = child.tag
            if self.field is not None and tag != _PPR:
                self.field.elements.append(child)
                self._count_fields(child)
                continue
            if tag == _PPR or tag in _DROPPED or not isinstance(tag, str):
                continue
            if tag == _R:
                self._run(child, link)
            elif tag == _HYPERLINK and link is None:
                before = len(self.atoms)
                self._children(child, child)
                if len(self.atoms) == before:  # a link with nothing in it: kept whole
                    self._placeholder("link", [child], None, whole=True)
            elif tag in _TRANSPARENT or tag == _HYPERLINK:
                self._children(child, link)
            elif tag == _w("sdt"):
                content = child.find(_w("sdtContent"))
                if content is not None:
                    self._children(content, link)
            elif tag in _ANCHOR_START:
                self.starts.append(child)
            elif tag in _ANCHOR_END:
                self.ends.append(child)
            else:  # a simple field, a math zone, anything else: one placeholder, kept whole
                label = "field" if tag == _w("fldSimple") else "math" if "math" in tag else "x"
                self._placeholder(label, [child], link, whole=True)

    def _run(self, run: etree._Element, link: etree._Element | None) -> None:
        if any(child.tag == _FLDCHAR and child.get(_FLDTYPE) == "begin" for child in run):
            self.field = self._placeholder("field", [run], link, whole=True)
            self._count_fields(run)
            return
        rpr = run.find(_RPR)
        for child in run:
            tag = child.tag
            if tag == _RPR or tag in _DROPPED or not isinstance(tag, str):
                continue
            if tag == _T:
                if child.text:
                    self.atoms.append(_Atom(child.text, rpr, link))
            elif tag == _w("noBreakHyphen"):
                self.atoms.append(_Atom("-", rpr, link))
            else:
                self._placeholder(_RUN_LABELS.get(tag, "x"), [child], link, rpr=rpr)

    def _placeholder(self, label: str, elements: list[etree._Element], link: etree._Element | None, *, rpr: etree._Element | None = None, whole: bool = False) -> _Atom:
        atom = _Atom(None, rpr, link, label, elements, whole)
        self.atoms.append(atom)
        return atom

    def _count_fields(self, element: etree._Element) -> None:
        for mark in element.iter(_FLDCHAR):
            kind = mark.get(_FLDTYPE)
            if kind == "begin":
                self.fields.depth += 1
            elif kind == "end":
                self.fields.depth = max(0, self.fields.depth - 1)
        if self.fields.depth == 0:
            self.field = None


def _format_key(rpr: etree._Element | None) -> bytes:
    """The formatting a reader sees, as comparable bytes: revision ids, language and direction marks left out."""
    if rpr is None or len(rpr) == 0:
        return b""
    clean = copy.deepcopy(rpr)
    for child in list(clean):
        if child.tag in _NOISE_ELEMENTS or not isinstance(child.tag, str):
            clean.remove(child)
    for element in clean.iter():
        for name in list(element.attrib):
            if name in _NOISE_ATTRS:
                del element.attrib[name]
    return etree.tostring(clean, method="c14n")


def _label(rpr: etree._Element | None) -> str:
    for tag, label in (("b", "b"), ("bCs", "b"), ("i", "i"), ("iCs", "i"), ("u", "u"), ("strike", "s"), ("vertAlign", "sup")):
        element = rpr.find(_w(tag)) if rpr is not None else None
        if element is not None and element.get(_VAL) not in ("0", "false", "none"):
            return label
    return "fmt"


def _coded(element: etree._Element, unit_id: str, walker: _Walker, kind: ParagraphKind, where: str) -> _Paragraph | None:
    """The atoms as text with codes; None for a paragraph without text (only pictures, or empty)."""
    atoms, starts, ends = walker.atoms, walker.starts, walker.ends
    keys = {id(a): _format_key(a.rpr) for a in atoms if a.text is not None}
    if not any(a.text and a.text.strip() for a in atoms):
        return None
    weight: dict[int | None, Counter[bytes]] = {}
    for atom in atoms:
        if atom.text is not None:
            weight.setdefault(id(atom.link) if atom.link is not None else None, Counter())[keys[id(atom)]] += len(atom.text)
    usual = {context: counts.most_common(1)[0][0] for context, counts in weight.items()}
    usual_rpr: dict[int | None, etree._Element | None] = {}
    for atom in atoms:
        context = id(atom.link) if atom.link is not None else None
        if atom.text is not None and context not in usual_rpr and keys[id(atom)] == usual[context]:
            usual_rpr[context] = atom.rpr
    paragraph = _Paragraph(element, TextUnit(unit_id, TaggedText.of("")), usual_rpr.get(None))
    parts: list[Part] = []
    next_id = 1
    open_link: tuple[etree._Element, int] | None = None
    open_span: tuple[bytes, int] | None = None

    labels: dict[int, str] = {}
    for atom in atoms:
        if atom.link is not (open_link[0] if open_link else None):
            if open_span is not None:
                parts.append(Code(CodeKind.CLOSE, open_span[1], labels[open_span[1]]))
                open_span = None
            if open_link is not None:
                parts.append(Code(CodeKind.CLOSE, open_link[1], "link"))
                open_link = None
            if atom.link is not None:
                open_link = (atom.link, next_id)
                paragraph.spans[next_id] = _Span(usual_rpr.get(id(atom.link)), atom.link)
                labels[next_id] = "link"
                parts.append(Code(CodeKind.OPEN, next_id, "link"))
                next_id += 1
        if atom.text is None:
            paragraph.placeholders[next_id] = atom
            parts.append(Code(CodeKind.PLACEHOLDER, next_id, atom.label))
            next_id += 1
            continue
        key = keys[id(atom)]
        context = id(atom.link) if atom.link is not None else None
        wanted = None if key == usual[context] else key
        if open_span is not None and open_span[0] != wanted:
            parts.append(Code(CodeKind.CLOSE, open_span[1], labels[open_span[1]]))
            open_span = None
        if wanted is not None and open_span is None:
            open_span = (wanted, next_id)
            paragraph.spans[next_id] = _Span(atom.rpr)
            labels[next_id] = _label(atom.rpr)
            parts.append(Code(CodeKind.OPEN, next_id, labels[next_id]))
            next_id += 1
        parts.append(atom.text)
    if open_span is not None:
        parts.append(Code(CodeKind.CLOSE, open_span[1], labels[open_span[1]]))
    if open_link is not None:
        parts.append(Code(CodeKind.CLOSE, open_link[1], "link"))
    paragraph.starts, paragraph.ends = starts, ends
    paragraph.unit = TextUnit(unit_id, _spaced(_no_line_breaks(TaggedText(tuple(parts)))), kind, where)
    return paragraph


_SEPARATORS = frozenset({"tab", "br"})
"""Placeholders that separate words: the plain text needs a space there, or "التاريخ<tab>اليوم" reaches the model as one word."""


def _spaced(text: TaggedText) -> TaggedText:
    """A space after a tab or line break that stands between two words with none beside it; merge takes it out again (:func:`_unspaced`)."""
    parts = list(text.parts)
    for index in range(1, len(parts) - 1):
        code, before, after = parts[index], parts[index - 1], parts[index + 1]
        if not (isinstance(code, Code) and code.label in _SEPARATORS and isinstance(before, str) and isinstance(after, str)):
            continue
        if not before[-1].isspace() and not after[0].isspace():
            parts[index + 1] = " " + after
    return TaggedText(tuple(parts)) if parts != list(text.parts) else text


def _unspaced(parts: tuple[Part, ...]) -> list[Part]:
    """The target's parts with the space :func:`_spaced` put after a separator taken out where the word before it has none."""
    out = list(parts)
    for index in range(1, len(out) - 1):
        code, before, after = out[index], out[index - 1], out[index + 1]
        if not (isinstance(code, Code) and code.label in _SEPARATORS and isinstance(before, str) and isinstance(after, str)):
            continue
        if before and not before[-1].isspace() and after.startswith(" "):
            out[index + 1] = after[1:]
    return out


def _no_line_breaks(text: TaggedText) -> TaggedText:
    """Word text may hold a line separator character; it is a space to the segmenter (a break is a w:br code)."""
    if not any(c in text.plain for c in "\n\r\u2028\u2029"):
        return text
    return TaggedText(tuple(p.translate(_BREAKS) if isinstance(p, str) else p for p in text.parts))


_BREAKS = {ord(c): " " for c in "\n\r\u2028\u2029"}


def _check_codes(unit: TextUnit, target: TaggedText, label: str) -> None:
    want = sorted((c.kind.value, c.id) for c in unit.source.codes)
    got = sorted((c.kind.value, c.id) for c in target.codes)
    if want != got:
        raise TarjamaError(f"{shown(label)}: the target of unit {unit.id} does not have exactly its source's inline codes")


def _rebuild(paragraph: _Paragraph, target: TaggedText) -> None:
    """The paragraph's content replaced by the target's: runs formatted by the open span, links around their words."""
    element = paragraph.element
    properties = element.find(_PPR)
    out: list[etree._Element] = list(paragraph.starts)
    formats: list[int] = []
    links: list[int] = []
    shells: dict[int, etree._Element] = {}

    def container() -> etree._Element | None:
        if not links:
            return None
        link = links[-1]
        shell = shells.get(link)
        if shell is None or not out or out[-1] is not shell:
            original = paragraph.spans[link].link
            assert original is not None
            shell = etree.Element(original.tag, dict(original.attrib), nsmap=original.nsmap)
            shells[link] = shell
            out.append(shell)
        return shell

    def emit(item: etree._Element) -> None:
        shell = container()
        (shell.append(item) if shell is not None else out.append(item))

    for part in _unspaced(target.parts):
        if isinstance(part, str):
            if not part:
                continue
            if formats:
                rpr = paragraph.spans[formats[-1]].rpr
            elif links:
                rpr = paragraph.spans[links[-1]].rpr
            else:
                rpr = paragraph.base
            emit(_text_run(part, rpr))
        elif part.kind is CodeKind.PLACEHOLDER:
            atom = paragraph.placeholders[part.id]
            if atom.whole:
                for item in atom.elements:
                    emit(item)
            else:
                run = etree.Element(_R)
                if atom.rpr is not None:
                    run.append(copy.deepcopy(atom.rpr))
                for item in atom.elements:
                    run.append(item)  # moved, not copied: a text box's paragraphs inside are the ones merged
                emit(run)
        else:
            group = links if paragraph.spans[part.id].link is not None else formats
            if part.kind is CodeKind.OPEN:
                group.append(part.id)
            elif part.id in group:
                group.remove(part.id)
    out.extend(paragraph.ends)
    for child in list(element):
        if child is not properties:
            element.remove(child)
    for item in out:
        element.append(item)


def _text_run(text: str, rpr: etree._Element | None) -> etree._Element:
    run = etree.Element(_R)
    if rpr is not None:
        run.append(copy.deepcopy(rpr))
    t = etree.SubElement(run, _T)
    t.text = text
    t.set(_XML_SPACE, "preserve")
    return run


_MIRRORED = {"left": "right", "right": "left"}


def _left_to_right(root: etree._Element, lang: str) -> None:
    """A part made left-to-right English: direction marks removed, complex-script formatting carried over, language and fonts set."""
    for tag in ("bidi", "bidiVisual", "rtlGutter"):
        for element in list(root.iter(_w(tag))):
            properties = element.getparent()
            alignment = properties.find(_w("jc"))
            if tag != "rtlGutter" and element.get(_VAL) not in ("0", "false", "off") and alignment is not None:
                # Word and LibreOffice store a right-to-left paragraph's alignment as seen: "right" is its start.  Mirrored,
                # the English paragraph keeps its place relative to its own direction (the start is now the left).
                alignment.set(_VAL, _MIRRORED.get(alignment.get(_VAL) or "", alignment.get(_VAL) or ""))
            properties.remove(element)
    for rpr in list(root.iter(_RPR)):
        rtl = rpr.find(_w("rtl"))
        complex_script = rpr.find(_w("cs"))
        if rtl is not None or complex_script is not None:
            for cs, latin in (("bCs", "b"), ("iCs", "i"), ("szCs", "sz")):
                source = rpr.find(_w(cs))
                if source is not None and rpr.find(_w(latin)) is None:
                    added = copy.deepcopy(source)
                    added.tag = _w(latin)
                    source.addprevious(added)
        for element in (rtl, complex_script):
            if element is not None:
                rpr.remove(element)
    for language in root.iter(_w("lang")):
        language.set(_VAL, lang)
        language.attrib.pop(_w("bidi"), None)
    for fonts in root.iter(_w("rFonts")):
        fonts.attrib.pop(_w("hint"), None)
        for attribute in ("ascii", "hAnsi"):
            name = fonts.get(_w(attribute))
            if name is not None and name.lower() in ARABIC_FONTS:
                fonts.set(_w(attribute), LATIN_FONT)
