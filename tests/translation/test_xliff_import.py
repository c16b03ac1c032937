"""Post-edited XLIFF back into the memory: confirmed targets become human units, drafts are skipped and counted."""

from __future__ import annotations

from pathlib import Path

from translate.cli import main
from translate.export.xliff import XliffExporter
from translate.export.xliff2 import Xliff2Exporter
from translate.model import Alignment, Bead, Origin, ParagraphKind, Provenance, assemble_document
from translate.translation.memory import TranslationMemory
from translate.translation.xliff_import import is_xliff, read_xliff

SOURCES = ["قال الوزير", "انتهى الاجتماع", "صورة"]
TARGETS = ["The minister said", "The meeting ended", "picture"]


def _draft() -> Alignment:
    """What `tarjama translate --to xliff` hands a post-editor: every target a machine draft."""
    source = assemble_document("ar", [(ParagraphKind.BODY, SOURCES)])
    target = assemble_document("en", [(ParagraphKind.BODY, TARGETS)])
    beads = tuple(Bead((i,), (i,), None, Origin.MT, confidence=0.5) for i in range(3))
    return Alignment(source, target, beads, Provenance("0", "seg", "align", decoding="greedy"))


def test_xliff12_draft_is_skipped_and_post_edited_units_imported(tmp_path):
    text = XliffExporter().render(_draft())
    path = tmp_path / "draft.xlf"
    path.write_text(text, encoding="utf-8")
    units = read_xliff(path)
    assert units.pairs == []
    assert units.skipped == {"state needs-review-translation": 3}
    # The post-editor fixes unit 1 and signs it off, confirms unit 2 as translated, leaves unit 3 alone.
    edited = text.replace(
        'state="needs-review-translation" state-qualifier="mt-suggestion">The minister said',
        'state="signed-off">The minister stated', 1,
    ).replace('state="needs-review-translation" state-qualifier="mt-suggestion">The meeting ended', 'state="translated">The meeting ended', 1)
    path.write_text(edited, encoding="utf-8")
    units = read_xliff(path)
    assert units.pairs == [("قال الوزير", "The minister stated"), ("انتهى الاجتماع", "The meeting ended")]
    assert units.skipped == {"state needs-review-translation": 1}


def test_xliff12_translated_machine_suggestion_and_approved_units(tmp_path):
    path = tmp_path / "other-tool.xliff"
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">'
        '<file source-language="ar-SA" target-language="en-US" datatype="plaintext" original="x"><body>'
        '<trans-unit id="1"><source>اضغط <bpt id="1">&lt;b&gt;</bpt>هنا<ept id="1">&lt;/b&gt;</ept></source>'
        '<target state="final">Click <bpt id="1">&lt;b&gt;</bpt>here<ept id="1">&lt;/b&gt;</ept></target></trans-unit>'
        '<trans-unit id="2"><source>صورة</source><target state="translated" state-qualifier="mt-suggestion">image</target></trans-unit>'
        '<trans-unit id="3" approved="yes"><source>نص</source><target>Text</target></trans-unit>'
        '<trans-unit id="4"><source>بلا</source></trans-unit>'
        "</body></file></xliff>",
        encoding="utf-8",
    )
    units = read_xliff(path)
    assert units.pairs == [("اضغط هنا", "Click here"), ("نص", "Text")]
    assert units.skipped == {"machine translation not reviewed (mt-suggestion)": 1, "no target": 1}


def test_xliff2_draft_skipped_until_reviewed(tmp_path):
    text = Xliff2Exporter().render(_draft())
    path = tmp_path / "draft.xlf"
    path.write_text(text, encoding="utf-8")
    assert read_xliff(path).skipped == {"machine translation not reviewed": 3}
    edited = text.replace('state="translated" subState="tarjama:mt"', 'state="reviewed"', 1)
    edited = edited.replace('state="translated" subState="tarjama:mt"', 'state="final"', 1)
    path.write_text(edited, encoding="utf-8")
    units = read_xliff(path)
    assert units.pairs == [("قال الوزير", "The minister said"), ("انتهى الاجتماع", "The meeting ended")]
    assert units.skipped == {"machine translation not reviewed": 1}


def test_xliff_of_other_languages_is_skipped(tmp_path):
    text = Xliff2Exporter().render(_draft()).replace('srcLang="ar"', 'srcLang="fr"')
    path = tmp_path / "fr.xlf"
    path.write_text(text.replace('state="translated" subState="tarjama:mt"', 'state="final"'), encoding="utf-8")
    assert read_xliff(path).pairs == []
    assert read_xliff(path).skipped == {"not ar to en": 3}


def test_tm_import_reads_post_edited_xliff(tmp_path, capsys):
    text = XliffExporter().render(_draft()).replace('state="needs-review-translation" state-qualifier="mt-suggestion"', 'state="final"', 2)
    path = tmp_path / "post-edited.txt"  # named as nothing in particular: recognised by its root element
    path.write_text(text, encoding="utf-8")
    assert is_xliff(path)
    memory = tmp_path / "tm.sqlite"
    assert main(["tm", "import", str(path), "--tm", str(memory)]) == 0
    assert "2 human translations imported" in capsys.readouterr().err
    with TranslationMemory(memory) as tm:
        assert [(s, t) for s, t, _ in tm.human_pairs()] == sorted(zip(SOURCES[:2], TARGETS[:2]))
        assert {origin for _, _, origin in tm.human_pairs()} == {"xliff:post-edited.txt"}
