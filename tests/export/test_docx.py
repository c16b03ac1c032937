"""The .docx draft: read back with python-docx, as Word's structure, not as bytes."""

from __future__ import annotations

import io
from pathlib import Path

import docx
from docx.oxml.ns import qn

from translate.export import get_exporter, with_languages
from translate.model import Alignment, Bead, ParagraphKind, Provenance, assemble_document


def read(data: bytes) -> docx.document.Document:
    return docx.Document(io.BytesIO(data))


def test_paragraphs_and_heading_styles(sample: Alignment) -> None:
    document = read(get_exporter("docx").render(sample))
    assert [(p.style.name, p.text) for p in document.paragraphs] == [
        ("Heading 1", "Title: News & Reports"),
        ("Normal", "The first sentence <script>alert(1)</script>. An added sentence. He said \"hello\" and 'goodbye', then\u200e went on."),
        ("Normal", "A closing line."),
    ]


def test_same_text_as_the_txt_draft(sample: Alignment) -> None:
    document = read(get_exporter("docx").render(sample))
    txt = get_exporter("txt").render(sample)
    assert "\n\n".join(p.text for p in document.paragraphs) + "\n" == txt


def test_later_headings_are_level_two_and_controls_dropped() -> None:
    h, b = ParagraphKind.HEADING, ParagraphKind.BODY
    target = assemble_document("en", [(h, ["Title"]), (b, ["Body\x01 text.", "More\ntext."]), (h, ["Subheading"]), (b, ["End."])])
    source = assemble_document("ar", [(b, ["x"])])
    alignment = Alignment(source, target, (Bead((0,), (0,)),), Provenance("0.1.0", "s", "a", model_id="m" * 300))
    document = read(get_exporter("docx").render(alignment))
    assert [(p.style.name, p.text) for p in document.paragraphs] == [
        ("Heading 1", "Title"),
        ("Normal", "Body text. More text."),
        ("Heading 2", "Subheading"),
        ("Normal", "End."),
    ]
    assert len(document.core_properties.subject) == 255  # Word's limit: cut, not refused


def test_provenance_language_and_reproducible_bytes(sample: Alignment, tmp_path: Path) -> None:
    labelled = with_languages(sample, "ar-SA", "en-US")
    data = get_exporter("docx").render(labelled)
    assert data == get_exporter("docx").render(labelled), "the same input gives the same file"
    document = read(data)
    props = document.core_properties
    assert props.language == "en-US" and props.author == "tarjama"
    assert props.subject == "Helsinki-NLP/opus-mt-ar-en 0123abcd"
    assert "segmenter: rules-v1" in props.comments and "created: 2024-05-06T07:08:09Z" in props.comments
    assert props.created.year == 2024
    lang = document.styles.element.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:lang')}")
    assert lang.get(qn("w:val")) == "en-US"
    path = get_exporter("docx").write(labelled, tmp_path, "article")
    assert path.name == "article.en.docx" and path.read_bytes() == data
