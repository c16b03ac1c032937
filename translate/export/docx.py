"""The English draft as a Word document: what most translators post-edit in.

Headings keep Word's heading styles (the first ``Heading 1``, later ones
``Heading 2``), so the navigation pane, a table of contents and
a CAT tool's .docx filter all see the article's structure.  Body paragraphs
are ``Normal``.  The text is tagged with the target language so that Word
spell-checks it as English, and the provenance goes into the document's
properties (File ▸ Info), not into the text the translator edits.
"""

from __future__ import annotations

import io
import zipfile
from datetime import datetime

from translate import TOOL_NAME, __version__
from translate.export.base import Exporter, primary, utc, xml_safe
from translate.model import Alignment, ParagraphKind


class DocxExporter(Exporter):
    name = "docx"

    def suffix(self, alignment: Alignment) -> str:
        return f".{primary(alignment.target.lang)}.docx"

    def render(self, alignment: Alignment) -> bytes:
        import docx  # python-docx: imported here so that the other formats do not pay for it
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        document = docx.Document()
        target = alignment.target
        _set_language(document, target.lang, qn, OxmlElement)
        headings = 0
        for paragraph in target.paragraphs:
            if not paragraph.segments:
                continue
            text = " ".join(" ".join(xml_safe(s.text)[0].splitlines()) for s in paragraph.segments)
            if paragraph.kind is ParagraphKind.HEADING:
                document.add_heading(text, level=1 if headings == 0 else 2)
                headings += 1
            else:
                document.add_paragraph(text)
        props = document.core_properties
        created = utc(alignment.provenance.created).replace(tzinfo=None)
        props.title = xml_safe(target.name or alignment.source.name)[0]
        props.language = target.lang
        props.author = TOOL_NAME
        props.last_modified_by = TOOL_NAME
        props.created = created
        props.modified = created
        props.revision = 1
        provenance = dict(alignment.provenance.items())
        props.subject = _fit(" ".join(filter(None, (provenance.get("model"), provenance.get("model-revision")))))
        props.comments = _fit("; ".join(f"{k}: {v}" for k, v in provenance.items() if k not in ("model", "model-revision")))
        props.keywords = f"{TOOL_NAME} {__version__}; machine translation draft for post-editing"
        out = io.BytesIO()
        document.save(out)
        return _fixed_times(out.getvalue(), created)


def _fit(text: str, limit: int = 255) -> str:
    """Word's core properties hold 255 characters; a long setting is cut with an ellipsis, never refused."""
    text = xml_safe(text)[0]
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _fixed_times(data: bytes, created: datetime) -> bytes:
    """The zip with every entry dated at the provenance time: the same input gives the same bytes."""
    # A zip entry cannot be dated before 1980 (its DOS timestamp starts there).
    when = max((created.year, created.month, created.day, created.hour, created.minute, created.second), (1980, 1, 1, 0, 0, 0))
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=when)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            target.writestr(fixed, source.read(info.filename))
    return out.getvalue()


def _set_language(document, lang: str, qn, OxmlElement) -> None:
    """``<w:lang w:val="en-US"/>`` in the default run properties: Word proofs the draft in the right language."""
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is None:
        return
    rpr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
    if rpr is None:
        return
    for old in rpr.findall(qn("w:lang")):
        rpr.remove(old)
    element = OxmlElement("w:lang")
    element.set(qn("w:val"), lang)
    rpr.append(element)

