"""Reading our own MT back for the bridge: the TMX and the draft that ``tarjama translate`` writes."""

from __future__ import annotations

from pathlib import Path

import pytest

from translate import pipeline
from translate.alignment.machine import machine_translation
from translate.errors import TarjamaError
from translate.export import write_outputs
from translate.segmentation import segment_document

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@pytest.fixture(scope="module")
def translated(translator, tmp_path_factory, article_text):
    """The fixture article translated by the tiny model, written as ``tarjama translate`` writes it."""
    out = tmp_path_factory.mktemp("mt")
    source = segment_document(article_text, "ar", name="article")
    alignment = pipeline.translate_document(source, translator)
    write_outputs(alignment, out, "article", ["tmx", "txt"])
    return source, alignment, out


def test_tmx_gives_each_segment_its_own_mt(translated):
    source, alignment, out = translated
    got = machine_translation((out / "article.tmx").read_text(encoding="utf-8"), "article.tmx", source)
    assert got == [s.text for s in alignment.target.segments]


def test_tmx_of_a_revised_source_leaves_new_segments_without_mt(translated):
    source, alignment, out = translated
    revised = segment_document("جملة جديدة لم تترجم من قبل.\n" + source.text, "ar")
    got = machine_translation((out / "article.tmx").read_text(encoding="utf-8"), "article.tmx", revised)
    assert got[0] is None
    assert got[1:] == [s.text for s in alignment.target.segments]


def test_draft_text_gives_the_same_mt_where_sentences_line_up(translated):
    source, alignment, out = translated
    got = machine_translation((out / "article.en.txt").read_text(encoding="utf-8"), "article.en.txt", source)
    assert len(got) == len(source.segments)
    mt = [s.text for s in alignment.target.segments]
    known = [(g, t) for g, t in zip(got, mt) if g is not None]
    assert known and all(g == t for g, t in known)


def test_unrelated_tmx_is_refused(translated, tmp_path):
    _, _, out = translated
    other = segment_document((FIXTURES / "ntrex" / "bbc.381790.ar.txt").read_text(encoding="utf-8"), "ar")
    with pytest.raises(TarjamaError, match="none of its"):
        machine_translation((out / "article.tmx").read_text(encoding="utf-8"), "article.tmx", other)
    with pytest.raises(TarjamaError, match=r"x.tmx:1: not well-formed XML"):
        machine_translation("<tmx><body>", "x.tmx", other)


def test_draft_with_other_paragraphs_is_refused():
    source = segment_document("فقرة أولى.\nفقرة ثانية.", "ar")
    with pytest.raises(TarjamaError, match="paragraphs"):
        machine_translation("One. Two. Three.\nFour.\nFive.", "d.txt", source)
