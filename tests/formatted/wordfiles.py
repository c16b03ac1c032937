"""Word articles as translators receive them, built with python-docx: a heading, bold/italic/underlined words,
a link, a bulleted list, a table, a picture, a header and a footer, right-to-left as Arabic Word writes it."""

from __future__ import annotations

import io
import struct
import zlib

import docx
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt

LINK = "https://example.org/news/الخبر?id=7"


def png(width: int = 3, height: int = 2, rgb: tuple[int, int, int] = (200, 30, 40)) -> bytes:
    """A small valid PNG (python-docx reads its size), different bytes for different colours."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def rtl(paragraph) -> None:  # type: ignore[no-untyped-def]
    """Right-to-left as Word writes an Arabic paragraph: w:bidi on the paragraph, w:rtl and an Arabic language on each run."""
    ppr = paragraph._p.get_or_add_pPr()
    ppr.append(OxmlElement("w:bidi"))
    for run in paragraph.runs:
        rpr = run._r.get_or_add_rPr()
        rpr.append(OxmlElement("w:rtl"))
        lang = OxmlElement("w:lang")
        lang.set(qn("w:bidi"), "ar-SA")
        rpr.append(lang)


def add_link(paragraph, text: str, url: str) -> None:  # type: ignore[no-untyped-def]
    part = paragraph.part
    rid = part.relate_to(url, "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink", is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), rid)
    run = OxmlElement("w:r")
    rpr = OxmlElement("w:rPr")
    style = OxmlElement("w:rStyle")
    style.set(qn("w:val"), "Hyperlink")
    rpr.append(style)
    underline = OxmlElement("w:u")
    underline.set(qn("w:val"), "single")
    rpr.append(underline)
    run.append(rpr)
    t = OxmlElement("w:t")
    t.text = text
    run.append(t)
    link.append(run)
    paragraph._p.append(link)


def article(image: bytes | None = None) -> bytes:
    """The held-out shape: one of each thing a news article in Word holds."""
    document = docx.Document()
    heading = document.add_heading("الحكومة تعلن خطة جديدة للتعليم", level=1)
    rtl(heading)
    p = document.add_paragraph("قال ")
    p.add_run("وزير التعليم").bold = True
    p.add_run(" يوم الأحد إن ")
    p.add_run("الخطة").italic = True
    p.add_run(" تبدأ في ")
    p.add_run("سبتمبر").underline = True
    p.add_run(" المقبل. وأضاف أن المدارس ستفتح أبوابها مبكرا.")
    rtl(p)
    p = document.add_paragraph("لمزيد من التفاصيل انظر ")
    add_link(p, "موقع الوزارة", LINK)
    p.add_run(" على الإنترنت.")
    rtl(p)
    for text in ("بناء مدارس جديدة في الريف.", "تدريب المعلمين على المناهج الحديثة."):
        item = document.add_paragraph(text, style="List Bullet")
        rtl(item)
    table = document.add_table(rows=2, cols=2)
    for row, cells in enumerate((("المدينة", "عدد المدارس"), ("القاهرة", "عشرون مدرسة"))):
        for col, text in enumerate(cells):
            cell = table.cell(row, col)
            cell.text = text
            rtl(cell.paragraphs[0])
    p = document.add_paragraph()
    p.add_run().add_picture(io.BytesIO(image or png()), width=Pt(30))
    p = document.add_paragraph("وأكد الوزير أن التمويل متوفر.")
    p.runs[0].font.size = Pt(14)
    rtl(p)
    section = document.sections[0]
    header = section.header.paragraphs[0]
    header.text = "نشرة وزارة التعليم"
    rtl(header)
    footer = section.footer.paragraphs[0]
    footer.text = "جميع الحقوق محفوظة"
    rtl(footer)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
