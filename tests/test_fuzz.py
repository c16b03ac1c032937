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
from html.parser import HTMLParser
from pathlib import Path

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
