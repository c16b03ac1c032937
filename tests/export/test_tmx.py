from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from translate import __version__
from translate.errors import TarjamaError
from translate.export import export_warnings, get_exporter, with_languages, xml_safe
from translate.export.tmx import TmxExporter
from translate.model import Alignment, Bead, ParagraphKind, Provenance, assemble_document

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def render(alignment: Alignment) -> str:
    return get_exporter("tmx").render(alignment)


def parse_valid(tmx: str, dtd_path: Path) -> etree._Element:
    """Parse as a CAT tool would and validate against the TMX 1.4 DTD."""
    root = etree.fromstring(tmx.encode("utf-8"))
    dtd = etree.DTD(str(dtd_path))
    assert dtd.validate(root), dtd.error_log.filter_from_errors()
    return root


def props(element: etree._Element) -> dict[str, str]:
    return {p.get("type"): p.text or "" for p in element.findall("prop")}


def test_validates_against_tmx14_dtd(sample: Alignment, tmx_dtd_path: Path) -> None:
    parse_valid(render(sample), tmx_dtd_path)


def test_prolog_and_pretty_layout(sample: Alignment) -> None:
    lines = render(sample).splitlines()
    assert lines[:3] == ['<?xml version="1.0" encoding="UTF-8"?>', '<!DOCTYPE tmx SYSTEM "tmx14.dtd">', '<tmx version="1.4">']
    assert lines[-1] == "</tmx>"
    assert all(line.lstrip().startswith("<") for line in lines), "one element per line"
    assert any(line.startswith("        <seg>") for line in lines), "nested elements are indented"


def test_header_attributes_and_provenance(sample: Alignment, tmx_dtd_path: Path) -> None:
    header = parse_valid(render(sample), tmx_dtd_path).find("header")
    assert dict(header.attrib) == {
        "creationtool": "tarjama",
        "creationtoolversion": __version__,
        "segtype": "sentence",
        "o-tmf": "tarjama",
        "adminlang": "en",
        "srclang": "ar",
        "datatype": "plaintext",
        "creationdate": "20240506T070809Z",
    }
    assert re.fullmatch(r"\d{8}T\d{6}Z", header.get("creationdate"))
    expected = {f"x-tarjama-{key}": value for key, value in sample.provenance.items()}
    expected["x-tarjama-source-document"] = "خبر <1> & co.txt"
    expected["x-tarjama-target-document"] = "news.en.txt"
    assert props(header) == expected
    assert props(header)["x-tarjama-model"] == "Helsinki-NLP/opus-mt-ar-en"


def test_units_round_trip(sample: Alignment, tmx_dtd_path: Path) -> None:
    units = parse_valid(render(sample), tmx_dtd_path).findall("body/tu")
    paired = [(number, bead) for number, bead in enumerate(sample.beads, start=1) if bead.source and bead.target]
    assert [tu.get("tuid") for tu in units] == [str(number) for number, _ in paired] == ["1", "2", "4", "6"]
    for tu, (_, bead) in zip(units, paired):
        assert tu.get("creationdate") == "20240506T070809Z"
        tuvs = tu.findall("tuv")
        assert [tuv.get(XML_LANG) for tuv in tuvs] == ["ar", "en"]
        assert tuvs[0].findtext("seg") == sample.source_text(bead).replace("\x01", "")
        assert tuvs[1].findtext("seg") == sample.target_text(bead)


def test_unit_props(sample: Alignment, tmx_dtd_path: Path) -> None:
    units = parse_valid(render(sample), tmx_dtd_path).findall("body/tu")
    model = {"x-model": "Helsinki-NLP/opus-mt-ar-en", "x-model-revision": "0123abcd"}
    assert [props(tu) for tu in units] == [
        {"x-origin": "mt", **model, "x-confidence": "0.83", "x-score": "0.9500", "x-bead": "1-1"},
        {"x-origin": "mt", **model, "x-confidence": "0.40", "x-score": "0.8765", "x-bead": "1-1"},
        {"x-origin": "mt", **model, "x-confidence": "0.07", "x-score": "0.6100", "x-flags": "numbers: missing 430,split", "x-bead": "2-1"},
        {"x-origin": "tm", "x-bead": "1-1"},  # a human match: no confidence
    ]
    tmx = render(sample)
    assert tmx.count('<prop type="x-confidence">') == 3, "once per machine-translated unit, never on the human match"


def test_unpaired_beads_are_left_out(sample: Alignment) -> None:
    tmx = render(sample)
    assert "جملة بلا ترجمة." not in tmx
    assert "An added sentence." not in tmx


def test_escaping_controls_and_bidi_marks(sample: Alignment, tmx_dtd_path: Path) -> None:
    tmx = render(sample)
    assert "<script>" not in tmx
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in tmx
    assert "News &amp; Reports" in tmx
    assert "\x01" not in tmx
    segs = "".join(parse_valid(tmx, tmx_dtd_path).xpath("//seg/text()"))
    assert "\u200f" in segs and "\u200e" in segs and "\u061c" in segs
    assert "'goodbye'" in segs and '"hello"' in segs


def test_creationdate_is_utc(sample: Alignment) -> None:
    cairo = timezone(timedelta(hours=3))
    moved = Provenance("0.1.0", "seg", "align", created=datetime(2024, 5, 6, 10, 8, 9, tzinfo=cairo))
    tmx = render(Alignment(sample.source, sample.target, sample.beads, moved))
    assert 'creationdate="20240506T070809Z"' in tmx


def test_carriage_return_and_tabs_survive_parsing(sample: Alignment, tmx_dtd_path: Path) -> None:
    source = assemble_document("ar", [(ParagraphKind.BODY, ["سطر\r\nثان\tمع"])], name="a\tb\r\nc")
    target = assemble_document("en", [(ParagraphKind.BODY, ["line\r\ntwo\twith"])])
    alignment = Alignment(source, target, (Bead((0,), (0,)),), sample.provenance)
    root = parse_valid(render(alignment), tmx_dtd_path)
    assert [seg.text for seg in root.iter("seg")] == ["سطر\r\nثان\tمع", "line\r\ntwo\twith"]
    assert props(root.find("header"))["x-tarjama-source-document"] == "a\tb\r\nc"


def test_xml_safe_counts_what_it_removes() -> None:
    assert xml_safe("a\x00b\x01\x08\x0b\x0c\x1f\ufffe\uffff\ud800c") == ("abc", 9)
    kept = "\t\n\r\u200e\u200f\u061c\x85\x7f\ufffd\U0001f600"
    assert xml_safe(kept) == (kept, 0)


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_any_text_gives_valid_tmx(alignments: st.SearchStrategy[Alignment], tmx_dtd_path: Path, data: st.DataObject) -> None:
    alignment = data.draw(alignments)
    root = parse_valid(render(alignment), tmx_dtd_path)
    paired = [
        bead
        for bead in alignment.beads
        if bead.source and bead.target
        and xml_safe(alignment.source_text(bead))[0].strip() and xml_safe(alignment.target_text(bead))[0].strip()
    ]
    units = root.findall("body/tu")
    assert all(seg.text and seg.text.strip() for seg in root.iter("seg")), "no empty <seg>"
    assert len(units) == len(paired)
    for tu, bead in zip(units, paired):
        source_seg, target_seg = (tuv.findtext("seg") for tuv in tu.findall("tuv"))
        assert source_seg == xml_safe(alignment.source_text(bead))[0]
        assert target_seg == xml_safe(alignment.target_text(bead))[0]
    if alignment.source.name:
        assert props(root.find("header"))["x-tarjama-source-document"] == xml_safe(alignment.source.name)[0]


@pytest.mark.parametrize("created", [datetime(2024, 1, 2, 3, 4, 5), datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc)])
def test_naive_time_is_read_as_utc(sample: Alignment, created: datetime) -> None:
    provenance = Provenance("0.1.0", "seg", "align", created=created)
    assert 'creationdate="20240102T030405Z"' in render(Alignment(sample.source, sample.target, sample.beads, provenance))


def test_language_codes_are_applied_everywhere(sample: Alignment, tmx_dtd_path: Path) -> None:
    root = parse_valid(render(with_languages(sample, "ar-SA", "en-US")), tmx_dtd_path)
    assert root.find("header").get("srclang") == "ar-SA"
    assert {tuple(tuv.get(XML_LANG) for tuv in tu.findall("tuv")) for tu in root.iter("tu")} == {("ar-SA", "en-US")}


@pytest.mark.parametrize(
    ("source", "target", "message"),
    [
        ("fr", None, "--src-lang fr: this side is ar"),
        (None, "ar-EG", "--tgt-lang ar-EG: this side is en"),
        ("ar SA", None, "bad language code 'ar SA'"),
        ("", None, "bad language code ''"),
        (None, "en_US", "bad language code 'en_US'"),
    ],
)
def test_language_codes_are_checked(sample: Alignment, source, target, message) -> None:
    with pytest.raises(TarjamaError) as caught:
        with_languages(sample, source, target)
    assert message in str(caught.value)


def test_empty_segments_are_left_out(sample: Alignment, tmx_dtd_path: Path) -> None:
    source = assemble_document("ar", [(ParagraphKind.BODY, ["نص.", "\x01 ", "نص آخر."])])
    target = assemble_document("en", [(ParagraphKind.BODY, ["Text.", "Something.", "  "])])
    beads = tuple(Bead((i,), (i,)) for i in range(3))
    root = parse_valid(render(Alignment(source, target, beads, sample.provenance)), tmx_dtd_path)
    assert [tu.get("tuid") for tu in root.iter("tu")] == ["1"]


def test_dedupe_writes_identical_units_once(sample: Alignment, tmx_dtd_path: Path) -> None:
    doubled = Alignment(sample.source, sample.target, sample.beads + sample.beads[:2], sample.provenance)
    plain = parse_valid(render(doubled), tmx_dtd_path)
    once = parse_valid(TmxExporter(dedupe=True).render(doubled), tmx_dtd_path)
    assert [tu.get("tuid") for tu in plain.iter("tu")] == ["1", "2", "4", "6", "7", "8"]
    assert [tu.get("tuid") for tu in once.iter("tu")] == ["1", "2", "4", "6"]
    assert "x-tarjama-dedupe" in props(once.find("header"))


def test_tuids_are_stable(sample: Alignment) -> None:
    later = Alignment(sample.source, sample.target, sample.beads, sample.provenance)
    assert render(sample) == render(later)


def test_warnings_name_removed_characters_and_long_segments(sample: Alignment) -> None:
    warnings = export_warnings(sample, ["tmx", "txt"])
    assert warnings == [
        "removed 1 character that XML does not allow (U+0001) from sentence #4 in the tmx output; the txt and tsv outputs keep them"
    ]
    assert export_warnings(sample, ["txt", "tsv"]) == []
    long_ar = "كلمة " * 450  # 2250 characters
    source = assemble_document("ar", [(ParagraphKind.BODY, ["قصير.", long_ar])])
    target = assemble_document("en", [(ParagraphKind.BODY, ["Short.", "Long."])])
    alignment = Alignment(source, target, (Bead((0,), (0,)), Bead((1,), (1,))), sample.provenance)
    (warning,) = export_warnings(alignment, ["xliff"])
    assert warning.startswith("1 segment longer than 2000 characters, which Trados Studio refuses: #2 (2250)")


def test_cli_prints_each_warning_as_one_line(sample: Alignment, tmp_path: Path, capsys) -> None:
    from translate import cli

    src, tgt = tmp_path / "a.ar.txt", tmp_path / "a.en.txt"
    src.write_text("جملة\x01 أولى.\n" + "كلمة " * 450 + "\n", encoding="utf-8")
    tgt.write_text("First sentence.\n" + "word " * 520 + "\n", encoding="utf-8")
    code = cli.main(["align", str(src), str(tgt), "--presegmented", "-o", str(tmp_path / "out"), "--to", "tmx,tsv"])
    assert code == 0
    err = capsys.readouterr().err.splitlines()
    warnings = [line for line in err if line.startswith("tarjama: warning: ")]
    assert len(warnings) == 2, err
    assert "U+0001" in warnings[0] and "#1 " in warnings[0] and "2000 characters" in warnings[1]


def test_quiet_hides_warnings(tmp_path: Path, capsys) -> None:
    from translate import cli

    src, tgt = tmp_path / "a.ar.txt", tmp_path / "a.en.txt"
    src.write_text("جملة\x01 أولى.\n", encoding="utf-8")
    tgt.write_text("First sentence.\n", encoding="utf-8")
    assert cli.main(["align", str(src), str(tgt), "--presegmented", "-q", "-o", str(tmp_path / "out"), "--to", "tmx"]) == 0
    assert capsys.readouterr().err == ""
    assert cli.main(["align", str(src), str(tgt), "--presegmented", "-o", str(tmp_path / "out"), "--to", "tmx"]) == 0
    assert "tarjama: warning: a.ar: removed 1 character " in capsys.readouterr().err
