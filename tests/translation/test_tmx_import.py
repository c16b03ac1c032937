"""Reading TMX units for the memory: human translations in, machine translations out."""

from pathlib import Path

import pytest

from translate.errors import TarjamaError
from translate.export.tmx import TmxExporter
from translate.model import Alignment, Bead, Origin, Provenance, assemble_document, ParagraphKind
from translate.translation.tmx_import import read_tmx

TMX = """<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4"><header creationtool="x" creationtoolversion="1" segtype="sentence" o-tmf="x" adminlang="en" srclang="ar" datatype="plaintext"/>
<body>
<tu><tuv xml:lang="ar-SA"><seg>قال   الوزير</seg></tuv><tuv xml:lang="EN-GB"><seg>The minister said</seg></tuv></tu>
<tu><tuv xml:lang="ar"><seg>اضغط <bpt i="1">&lt;b&gt;</bpt>هنا<ept i="1">&lt;/b&gt;</ept></seg></tuv><tuv xml:lang="en"><seg>Click <bpt i="1">&lt;b&gt;</bpt>here<ept i="1">&lt;/b&gt;</ept></seg></tuv></tu>
<tu><prop type="x-origin">mt</prop><tuv xml:lang="ar"><seg>صورة</seg></tuv><tuv xml:lang="en"><seg>picture</seg></tuv></tu>
<tu><tuv xml:lang="ar"><seg>وحيد</seg></tuv><tuv xml:lang="fr"><seg>seul</seg></tuv></tu>
<tu><tuv lang="ar"><seg>نص قديم</seg></tuv><tuv lang="en"><seg>Old text</seg></tuv></tu>
</body></tmx>
"""


def test_human_units_are_read_and_machine_ones_skipped(tmp_path):
    path = tmp_path / "memory.tmx"
    path.write_text(TMX, encoding="utf-8")
    units = read_tmx(path)
    assert units.pairs == [
        ("قال الوزير", "The minister said"),
        ("اضغط هنا", "Click here"),
        ("نص قديم", "Old text"),
    ]
    assert units.skipped == {"machine translation": 1, "no ar and en text": 1}


def test_tarjama_tmx_round_trip_keeps_human_and_drops_mt(tmp_path):
    """An aligned (human) TMX imports; a machine-translated draft does not become a 'human' match."""
    source = assemble_document("ar", [(ParagraphKind.BODY, ["قال الوزير", "صورة"])])
    target = assemble_document("en", [(ParagraphKind.BODY, ["The minister said", "picture"])])
    beads = (Bead((0,), (0,), 0.9, Origin.HUMAN), Bead((1,), (1,), None, Origin.MT))
    alignment = Alignment(source, target, beads, Provenance("0", "seg", "align"))
    path = tmp_path / "out.tmx"
    path.write_text(TmxExporter().render(alignment), encoding="utf-8")
    units = read_tmx(path)
    assert units.pairs == [("قال الوزير", "The minister said")]
    assert units.skipped == {"machine translation": 1}


def test_broken_tmx_is_one_line(tmp_path):
    path = tmp_path / "broken.tmx"
    path.write_text("<tmx><body><tu>", encoding="utf-8")
    with pytest.raises(TarjamaError, match=r"broken.tmx:1: not well-formed XML \(column \d+\)"):
        read_tmx(path)
    with pytest.raises(TarjamaError, match="missing.tmx: no such file"):
        read_tmx(Path(tmp_path / "missing.tmx"))


def test_deep_inline_nesting_is_imported_or_refused_in_one_line(tmp_path):
    """1000 nested inline elements (a 9 KB file) crashed the import with RecursionError."""
    for depth, refused in ((200, False), (1000, True)):
        deep = "<hi>" * depth + "world" + "</hi>" * depth
        path = tmp_path / f"deep{depth}.tmx"
        path.write_text(TMX.replace("<seg>The minister said</seg>", f"<seg>The minister {deep}</seg>"), encoding="utf-8")
        if refused:
            with pytest.raises(TarjamaError, match=rf"deep{depth}.tmx:\d+: elements nested more than 256 deep"):
                read_tmx(path)
        else:
            assert read_tmx(path).pairs[0] == ("قال الوزير", "The minister world")


def test_internal_entities_are_expanded_and_external_ones_refused(tmp_path):
    path = tmp_path / "entity.tmx"
    path.write_text(TMX.replace("<tmx ", '<!DOCTYPE tmx [<!ENTITY m "minister">]>\n<tmx ').replace("The minister said", "The &m; said"), encoding="utf-8")
    assert read_tmx(path).pairs[0] == ("قال الوزير", "The minister said")
    path.write_text(TMX.replace("<tmx ", '<!DOCTYPE tmx [<!ENTITY m SYSTEM "file:///etc/hostname">]>\n<tmx ').replace("The minister said", "The &m; said"), encoding="utf-8")
    with pytest.raises(TarjamaError, match="entity.tmx:2: declares the external entity &m;"):
        read_tmx(path)
