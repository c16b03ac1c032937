"""One XML policy for every reader: what ``validate`` accepts, ``tm import`` and ``align --mt`` read, and what one refuses all refuse."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from translate.alignment.machine import machine_translation
from translate.errors import TarjamaError
from translate.segmentation import segment_document
from translate.translation.tmx_import import read_tmx
from translate.validation import validate_bytes
from translate.xmlread import MAX_DEPTH, XmlError, element_text, parse_xml

HEAD = """<?xml version="1.0" encoding="{encoding}"?>
{doctype}<tmx version="1.4"><header creationtool="x" creationtoolversion="1" segtype="sentence" o-tmf="x" adminlang="en" srclang="ar" datatype="plaintext"/>
<body><tu><tuv xml:lang="ar"><seg>{ar}</seg></tuv><tuv xml:lang="en"><seg>{en}</seg></tuv></tu></body></tmx>
"""


def tmx(doctype: str = "", ar: str = "مرحبا", en: str = "Hello", encoding: str = "UTF-8", codec: str = "utf-8") -> bytes:
    return HEAD.format(encoding=encoding, doctype=doctype, ar=ar, en=en).encode(codec)


def nested(depth: int, text: str = "x") -> str:
    return "<hi>" * depth + text + "</hi>" * depth


HARMLESS = {
    "internal entity": tmx('<!DOCTYPE tmx [<!ENTITY co "Acme">]>\n', en="Hello &co;"),
    "UTF-16 declared UTF-16": tmx(encoding="UTF-16", codec="utf-16"),
    "UTF-8 with BOM": b"\xef\xbb\xbf" + tmx(),
    "external DTD subset, not loaded": tmx('<!DOCTYPE tmx SYSTEM "http://example.invalid/tmx14.dtd">\n'),
    f"inline elements nested {MAX_DEPTH - 10} deep": tmx(en="Hello " + nested(MAX_DEPTH - 10, "world")),
}
HOSTILE = {
    "external entity (XXE)": (tmx('<!DOCTYPE tmx [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n', en="&x;"), "external entity &x;"),
    "external entity declared, unused": (tmx('<!DOCTYPE tmx [<!ENTITY x SYSTEM "http://example.invalid/x">]>\n'), "external entity &x;"),
    "external parameter entity": (tmx('<!DOCTYPE tmx [<!ENTITY % p SYSTEM "file:///etc/passwd"> %p;]>\n'), "external parameter entity %p;"),
    "UTF-16 declared as UTF-8": (tmx(codec="utf-16"), 'UTF-16 (by its first bytes) but its XML declaration says encoding="UTF-8"'),
    "UTF-8 declared as UTF-16": (tmx(encoding="UTF-16"), 'encoding="UTF-16" but the file is not UTF-16'),
    "entity bomb": (
        tmx("<!DOCTYPE tmx [<!ENTITY a \"aaaaaaaaaa\">" + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9)) + "]>\n", en="&j;"),
        "entity expansion too large",
    ),
    "1000 nested inline elements": (tmx(en=nested(1000)), f"nested more than {MAX_DEPTH} deep"),
    "100000 nested inline elements": (tmx(en=nested(100_000)), f"nested more than {MAX_DEPTH} deep"),
    "not well-formed": (tmx(en="a & b"), "not well-formed XML"),
}


def _source():
    return segment_document("مرحبا", "ar", name="s")


@pytest.mark.parametrize("name", HARMLESS)
def test_harmless_files_validate_import_and_bridge(name: str, tmp_path: Path) -> None:
    data = HARMLESS[name]
    report = validate_bytes(data, "x.tmx")
    assert report.errors == 0, report.lines()
    path = tmp_path / "x.tmx"
    path.write_bytes(data)
    ((ar, en),) = read_tmx(path).pairs
    assert ar == "مرحبا" and en.startswith("Hello")
    assert machine_translation(data, "x.tmx", _source()) == [en]


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_files_are_refused_the_same_way_by_every_reader(name: str, tmp_path: Path) -> None:
    data, reason = HOSTILE[name]
    report = validate_bytes(data, "x.tmx")
    assert report.errors == 1 and reason in report.problems[0].message, report.lines()
    path = tmp_path / "x.tmx"
    path.write_bytes(data)
    with pytest.raises(XmlError) as imported:
        read_tmx(path)
    with pytest.raises(XmlError) as bridged:
        machine_translation(data, str(path), _source())
    # One policy: the same reason, at the same line, naming the file, on one line.
    assert imported.value.reason == bridged.value.reason == report.problems[0].message
    assert imported.value.line == bridged.value.line == report.problems[0].line
    assert str(imported.value).startswith(f"{path}:") and "\n" not in str(imported.value)


def test_no_file_is_read_through_an_entity(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET", encoding="utf-8")
    data = tmx(f'<!DOCTYPE tmx [<!ENTITY x SYSTEM "{secret.as_uri()}">]>\n', en="&x;")
    with pytest.raises(TarjamaError) as refused:
        parse_xml(data, "x.tmx")
    assert "TOP-SECRET" not in str(refused.value)


def test_internal_entity_is_expanded_for_every_reader() -> None:
    root = parse_xml(HARMLESS["internal entity"], "x.tmx")
    assert "Hello Acme" in "".join(root.itertext())


def test_text_extraction_is_iterative_and_skips_codes() -> None:
    root = parse_xml(f'<seg>a<bpt i="1">&lt;b&gt;<sub>inner</sub></bpt>b{nested(MAX_DEPTH - 5, "c")}d<ph>x</ph>e</seg>'.encode(), "s")
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(150)  # a recursive walk of 250 levels would fail here
    try:
        assert element_text(root, frozenset({"bpt", "ph"})) == "abcde"
    finally:
        sys.setrecursionlimit(limit)


def test_too_large_is_refused_before_parsing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from translate import xmlread
    from translate.validation import validate_file

    path = tmp_path / "big.tmx"
    path.write_bytes(tmx(en="x" * 5000))
    monkeypatch.setattr(xmlread, "MAX_XML_BYTES", 4096)
    monkeypatch.setattr("translate.validation.MAX_XML_BYTES", 4096)
    with pytest.raises(XmlError, match="over the 0 MiB limit"):
        read_tmx(path)
    report = validate_file(path)
    assert report.errors == 1 and "limit for XML files" in report.problems[0].message


def test_a_non_tmx_file_is_refused_by_the_importer(tmp_path: Path) -> None:
    path = tmp_path / "x.xlf"
    path.write_text('<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2"/>', encoding="utf-8")
    with pytest.raises(XmlError, match="not a TMX file: the root element is <xliff>"):
        read_tmx(path)


def test_what_tarjama_writes_for_a_segment_over_10_mb_it_reads_back(tmp_path: Path) -> None:
    """Issue 19: a TMX (and XLIFF) holding one segment over libxml2's 10 MB text-node limit was refused by
    tarjama's own ``validate`` and ``tm import``; the files tarjama writes are read back within its own limits."""
    from datetime import datetime, timezone

    from translate.export import get_exporter
    from translate.model import Alignment, Bead, Origin, ParagraphKind, Provenance, assemble_document
    from translate.validation import validate_file

    arabic, english = "كلمة " * 2_200_000 + "نهاية", "word " * 2_200_000 + "end"  # 11 MB each, one segment
    source = assemble_document("ar", [(ParagraphKind.BODY, [arabic])], name="huge")
    target = assemble_document("en", [(ParagraphKind.BODY, [english])], name="huge.en")
    provenance = Provenance(tool_version="1", segmenter="s", aligner="a", created=datetime(2024, 1, 1, tzinfo=timezone.utc))
    alignment = Alignment(source, target, (Bead((0,), (0,), None, Origin.TM),), provenance)
    for name in ("tmx", "xliff", "xliff2"):
        path = get_exporter(name).write(alignment, tmp_path, "huge")
        report = validate_file(path)
        assert report.errors == 0, report.lines()
    ((ar, en),) = read_tmx(tmp_path / "huge.tmx").pairs
    assert ar == arabic and en == english
    # The depth guard still holds without libxml2's own (a 10 MB text and 300 levels are different limits).
    with pytest.raises(XmlError, match=f"nested more than {MAX_DEPTH} deep"):
        parse_xml(tmx(en=nested(MAX_DEPTH + 1)), "x.tmx")
