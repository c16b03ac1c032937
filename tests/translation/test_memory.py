"""The SQLite translation memory: exact matches, keys, human over machine, one-line errors."""

import pytest

from translate.errors import TarjamaError
from translate.translation.memory import ModelKey, TranslationMemory, normalise

KEY = ModelKey("Helsinki-NLP/opus-mt-ar-en", "abc123", "backend=ctranslate2:int8|beam=4")


def test_normalise_is_light():
    assert normalise("  قال\u200f   الوزير\n") == "قال الوزير"
    assert normalise("e\u0301") == "\u00e9"
    assert normalise("كتـاب") != normalise("كتاب"), "tatweel counts, as in a CAT tool's exact match"
    assert normalise("مُدرّس") != normalise("مدرس"), "diacritics count"


def test_machine_translations_are_found_again_across_connections(tmp_path):
    path = tmp_path / "tm.sqlite"
    with TranslationMemory(path) as tm:
        tm.store_mt(KEY, [("قال الوزير", "The minister said", ("repetition-guard",))])
    with TranslationMemory(path) as tm:
        match = tm.lookup(["قال الوزير", "غير موجود"], KEY)
    assert set(match) == {"قال الوزير"}
    assert match["قال الوزير"].target == "The minister said" and not match["قال الوزير"].human
    assert match["قال الوزير"].flags == ("repetition-guard",)


@pytest.mark.parametrize("other", [
    ModelKey("Helsinki-NLP/opus-mt-tc-big-ar-en", "abc123", KEY.decoding),
    ModelKey(KEY.model, "def456", KEY.decoding),
    ModelKey(KEY.model, KEY.revision, "backend=ctranslate2:int8|beam=1"),
])
def test_machine_translations_depend_on_model_revision_and_settings(tmp_path, other):
    with TranslationMemory(tmp_path / "tm.sqlite") as tm:
        tm.store_mt(KEY, [("قال الوزير", "The minister said", ())])
        assert tm.lookup(["قال الوزير"], other) == {}


def test_a_human_translation_wins_for_any_model(tmp_path):
    with TranslationMemory(tmp_path / "tm.sqlite") as tm:
        tm.store_mt(KEY, [("قال الوزير", "Said the minister", ())])
        assert tm.store_human([("قال  الوزير ", "The minister said.")], origin="tmx:test.tmx") == 1
        for key in (KEY, None, ModelKey("other", "x", "y")):
            match = tm.lookup(["قال الوزير"], key)["قال الوزير"]
            assert match.human and match.target == "The minister said."
        assert tm.counts() == {"human": 1, "mt": 1}


def test_many_sources_are_looked_up_in_chunks(tmp_path):
    sources = [f"جملة {i}" for i in range(1200)]
    with TranslationMemory(tmp_path / "tm.sqlite") as tm:
        tm.store_mt(KEY, [(s, f"sentence {i}", ()) for i, s in enumerate(sources)])
        assert len(tm.lookup(sources, KEY)) == 1200


def test_a_file_that_is_no_database_is_one_line(tmp_path):
    bad = tmp_path / "tm.sqlite"
    bad.write_text("this is not sqlite " * 100)
    with pytest.raises(TarjamaError, match="cannot open translation memory.*--no-tm"):
        TranslationMemory(bad)
