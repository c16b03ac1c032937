"""No input can crash tarjama or corrupt its output: the whole pipeline (model aside) on arbitrary text.

Every TMX must validate against the DTD, every XLIFF against its OASIS schema,
every HTML page must parse with no markup from the content, every .docx must
open, and segmentation must lose no character.

The model is replaced by a deterministic function of the source, not to fake
translation but because a translation's wording plays no part in what is
tested here: that every stage accepts anything and every output stays valid.
"""

from __future__ import annotations

import io
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from translate import __version__
from translate.alignment import GaleChurchAligner, pair_translations
from translate.export import EXPORTERS
from translate.model import Alignment, Origin, Paragraph, Provenance, assemble_document
from translate.qa import check_alignment
from translate.segmentation import segment_document
from translate.validation import xliff_schema

DTD = etree.DTD(str(Path(__file__).resolve().parent / "fixtures" / "tmx14.dtd"))

# Everything, surrogates and controls included, plus the characters that break naive exporters.
NASTY = st.sampled_from(["<script>alert(1)</script>", "]]>", "&amp;", "&", "\u200f", "\u200e", "\u061c", "\x00", "\x0b", "\ufeff", "\r\n", "\n\n\n", ". ", "؟ ", '"', "'", "\ud800"])
TEXT = st.lists(st.one_of(st.text(alphabet=st.characters(), max_size=40), NASTY), max_size=12).map("".join)
ARABIC = st.text(alphabet=st.sampled_from("ابتثجحخدذرزسشصضطظعغفقكلمنهوي ء.،؟!\"«»٠١٢٣ 0123456789%\n"), max_size=300)


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)


def _pipeline(text: str) -> Alignment:
    source = segment_document(text, "ar", name="fuzz")
    # Stand-in for the model: any function of the source does; reversing keeps every odd character.
    target = assemble_document("en", [(p.kind, [s.text[::-1] for s in p.segments]) for p in source.paragraphs], "fuzz.en")
    provenance = Provenance(__version__, "tarjama-rules/1", "one-to-one", model_id="<m&>", model_revision="]]>")
    return check_alignment(Alignment(source, target, pair_translations(source, target, Origin.MT), provenance))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(TEXT, ARABIC))
def test_every_exporter_accepts_any_text_and_stays_valid(text):
    alignment = _pipeline(text)
    source_chars = "".join(text.split())
    assert "".join("".join(s.text for s in alignment.source.segments).split()) == source_chars, "segmentation lost a character"
    for name, exporter in EXPORTERS.items():
        rendered = exporter.render(alignment)
        if isinstance(rendered, bytes):  # .docx: a Word document that opens
            import docx

            docx.Document(io.BytesIO(rendered))
            continue
        rendered.encode("utf-8")  # no lone surrogate survives
        if name == "tmx":
            root = etree.fromstring(rendered.encode("utf-8"), etree.XMLParser(no_network=True))
            assert DTD.validate(root), DTD.error_log.filter_from_errors()
            assert len(root.findall("body/tu")) <= len(alignment.beads)
        elif name in ("xliff", "xliff2"):
            schema = xliff_schema("xliff-core-1.2-strict.xsd" if name == "xliff" else "xliff-core-2.0.xsd")
            root = etree.fromstring(rendered.encode("utf-8"), etree.XMLParser(no_network=True))
            assert schema.validate(root), schema.error_log.filter_from_errors()
        elif name == "html":
            parser = _Collector()
            parser.feed(rendered)
            assert "script" not in parser.tags
            assert parser.tags.count("tr") == len(alignment.beads) + 1
        elif name == "tsv":
            assert rendered.count("\n") == len(alignment.beads)


@settings(max_examples=25, deadline=None)
@given(st.sampled_from(["ا", "a", "٣", " ", "ـ", "\u064b"]), st.integers(min_value=20_000, max_value=50_000))
def test_very_long_lines_without_punctuation(unit, length):
    text = (unit * length)[:length]
    alignment = _pipeline(text)
    assert sum(len(s.text) for s in alignment.source.segments) == len(text.strip())


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=80), max_size=25), st.lists(st.text(max_size=80), max_size=25))
def test_aligner_covers_every_sentence_once_in_order(source, target):
    beads = GaleChurchAligner().align(source, target)
    assert [i for b in beads for i in b.source] == list(range(len(source)))
    assert [j for b in beads for j in b.target] == list(range(len(target)))
    assert all(b.source or b.target for b in beads)
    assert all(b.score is None or 0.0 <= b.score <= 1.0 for b in beads)


def test_latin_only_and_empty_paragraphs():
    alignment = _pipeline("Breaking news\n\n\n   \nThe U.S. economy grew 3.5% in 2024. Analysts were surprised.\n")
    assert [p.kind.value for p in alignment.source.paragraphs] == ["heading", "body"]
    assert isinstance(alignment.source.paragraphs[0], Paragraph)


# --- hostile XML: every reader under the one policy (translate/xmlread.py) ---------------------------

_HOSTILE_DOCTYPES = st.sampled_from(
    [
        "",
        '<!DOCTYPE tmx [<!ENTITY e "Acme &amp; Co">]>',
        '<!DOCTYPE tmx [<!ENTITY e SYSTEM "file:///etc/passwd">]>',
        '<!DOCTYPE tmx [<!ENTITY e PUBLIC "-//x//y" "http://example.invalid/e">]>',
        '<!DOCTYPE tmx [<!ENTITY % p SYSTEM "file:///etc/passwd"> %p;]>',
        '<!DOCTYPE tmx [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;"><!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">]>',
        '<!DOCTYPE tmx [<!ENTITY e "&e;">]>',
        '<!DOCTYPE tmx SYSTEM "http://example.invalid/tmx14.dtd">',
    ]
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(
    doctype=_HOSTILE_DOCTYPES,
    depth=st.one_of(st.integers(0, 300), st.sampled_from([1000, 20_000])),
    tag=st.sampled_from(["hi", "bpt", "ph", "sub", "x"]),
    use_entity=st.booleans(),
    codec=st.sampled_from(["utf-8", "utf-16", "utf-8-sig"]),
    declared=st.sampled_from(["UTF-8", "UTF-16", None]),
    text=TEXT,
)
def test_hostile_xml_is_read_or_refused_alike_by_every_reader(tmp_path_factory, doctype, depth, tag, use_entity, codec, declared, text):
    """Deep nesting, entity declarations, encodings at odds with the declaration: never a crash, and one verdict.

    What ``validate`` finds without error, ``tm import`` and ``align --mt`` read;
    what they refuse, ``validate`` reports as an error with the same reason.
    """
    from xml.sax.saxutils import escape

    from translate.alignment.machine import machine_translation
    from translate.errors import TarjamaError
    from translate.translation.tmx_import import read_tmx
    from translate.validation import validate_bytes
    from translate.xmlread import XmlError

    safe = escape("".join(c for c in text if c in "\t\n\r" or (" " <= c <= "\ud7ff") or ("\ue000" <= c <= "\ufffd")))
    inline = f"<{tag}>" * depth + safe + ("&e;" if use_entity else "") + f"</{tag}>" * depth
    head = '<?xml version="1.0"?>' if declared is None else f'<?xml version="1.0" encoding="{declared}"?>'
    document = (
        f"{head}\n{doctype}\n<tmx version=\"1.4\"><header creationtool=\"x\" creationtoolversion=\"1\" segtype=\"sentence\" o-tmf=\"x\" adminlang=\"en\" srclang=\"ar\" datatype=\"plaintext\"/>"
        f"<body><tu><tuv xml:lang=\"ar\"><seg>مرحبا</seg></tuv><tuv xml:lang=\"en\"><seg>Hello {inline}</seg></tuv></tu></body></tmx>"
    )
    data = document.encode(codec)
    report = validate_bytes(data, "x.tmx")  # never raises: a report
    path = tmp_path_factory.mktemp("hostile") / "x.tmx"
    path.write_bytes(data)
    source = segment_document("مرحبا", "ar", name="s")
    try:
        pairs = read_tmx(path).pairs
    except XmlError as refused:
        assert report.errors and refused.reason in [p.message for p in report.problems]
        try:
            machine_translation(data, "x.tmx", source)
        except XmlError as also:
            assert also.reason == refused.reason
        else:
            raise AssertionError("align --mt read what tm import refused")
        return
    except TarjamaError as other:  # a refusal outside the XML policy would have to be named here
        raise AssertionError(f"tm import refused with a non-policy error: {other}") from None
    policy = ("not well-formed", "declares the external", "the file is", "the XML declaration", "elements nested", "entity expansion")
    assert not any(p.message.startswith(policy) for p in report.problems), report.lines()
    assert len(pairs) == 1 and machine_translation(data, "x.tmx", source) == [pairs[0][1]]


# --- Hostile files: inline blobs, zip bombs, huge lines ------------------------------------------

_PARAGRAPHS = [f"الفقرة رقم {n} من الخبر تتحدث عن الأحداث التي وقعت في المدينة أمس بالتفصيل." for n in range(1, 28)]
_BLOB_KINDS = {
    "data-uri": lambda size: f'<img src="data:image/jpeg;base64,{"QUJD" * (size // 4)}">',
    "style": lambda size: "<style>" + "p{x:y}" * (size // 6) + "</style>",
    "script": lambda size: "<script>var s='" + "z" * size + "';</script>",
    "attribute": lambda size: f'<span title="{"t" * size}"></span>',
    "comment": lambda size: "<!--" + "c" * size + "-->",
}


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(sorted(_BLOB_KINDS)), st.integers(min_value=0, max_value=26), st.sampled_from([11_000_000, 300_000]))
def test_inline_blobs_anywhere_in_a_page_lose_no_paragraph(tmp_path, kind, position, size):
    from translate.inputs import load_document

    body = [f"<p>{p}</p>" for p in _PARAGRAPHS]
    body.insert(position, _BLOB_KINDS[kind](size))
    path = tmp_path / "page.html"
    path.write_text(f'<html lang="ar"><head><meta charset="utf-8"></head><body><article>{"".join(body)}</article></body></html>', encoding="utf-8")
    document = load_document(str(path), "ar")
    assert [" ".join(s.text for s in p.segments) for p in document.paragraphs] == _PARAGRAPHS


@pytest.mark.parametrize("part", ["word/document.xml", "word/styles.xml", "word/media/image1.png"])
def test_zip_bombs_in_any_part_are_refused_by_name(tmp_path, part):
    docx = pytest.importorskip("docx")
    from translate.errors import TarjamaError
    from translate.inputs import load_document

    made = docx.Document()
    made.add_paragraph("نص قصير.")
    buffer = io.BytesIO()
    made.save(buffer)
    path = tmp_path / "bomb.docx"
    source = zipfile.ZipFile(buffer)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for entry in source.infolist():
            if entry.filename != part:
                out.writestr(entry, source.read(entry))
        info = zipfile.ZipInfo(part)
        info.compress_type = zipfile.ZIP_DEFLATED
        with out.open(info, "w") as stream:
            for _ in range(80):
                stream.write(b"\0" * 2**20)
    with pytest.raises(TarjamaError, match=f"bomb.docx: {part} inflates to more than 64 MiB"):
        load_document(str(path), "ar")


@settings(max_examples=30, deadline=None)
@given(st.lists(st.sampled_from(["ا", "كلمة ", "، ", ". ", "x", "\u064b", "  ", "؟ ", "1,000 "]), min_size=1, max_size=8), st.integers(min_value=9_000, max_value=60_000), st.integers(min_value=5, max_value=200))
def test_huge_lines_split_into_pieces_that_fit_and_keep_every_character(units, length, limit):
    from translate.translation.splitting import split_to_fit

    text = ("".join(units) * (length // len("".join(units)) + 1))[:length].strip() or "ا"
    pieces = split_to_fit(text, len, limit)
    assert all(len(p) <= limit for p in pieces)
    assert "".join("".join(pieces).split()) == "".join(text.split())
