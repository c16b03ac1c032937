"""A local model is identified by what it is, not by how its path was spelled."""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

import pytest

from translate.cache import converted_models_dir
from translate.settings import DecodingSettings
from translate.translation import load_translator
from translate.translation.backends.ct2 import converted_model
from translate.translation.memory import TranslationMemory
from translate.translation.source import resolve_source


@pytest.fixture
def spellings(tiny_model: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The tiny model as ``models/tiny`` (relative), absolute, through ``..``, through a symlink, and as a copy."""
    monkeypatch.chdir(tiny_model.parent.parent)
    monkeypatch.setenv("TARJAMA_CACHE_DIR", str(tmp_path / "cache"))  # a conversion cache of this test's own
    link = tmp_path / "linked-model"
    link.symlink_to(tiny_model, target_is_directory=True)
    copy = tmp_path / "copied"
    shutil.copytree(tiny_model, copy)
    relative = os.path.relpath(tiny_model)
    return [relative, str(tiny_model), f"{tiny_model}/../{tiny_model.name}", str(link), str(copy)]


def test_every_spelling_is_one_model_and_keeps_its_name(spellings: list[str]) -> None:
    sources = [resolve_source(name) for name in spellings]
    assert len({(s.identity, s.revision) for s in sources}) == 1
    assert sources[0].identity == f"local:{sources[0].revision}" and sources[0].revision.startswith("sha256:")
    # Provenance still shows the path as given.
    assert [s.model_id for s in sources] == spellings


def test_changed_content_is_another_model(tiny_model: Path, tmp_path: Path) -> None:
    changed = tmp_path / "changed"
    shutil.copytree(tiny_model, changed)
    vocab = changed / "vocab.json"
    vocab.write_text(vocab.read_text(encoding="utf-8") + "\n", encoding="utf-8")  # one byte more: another model
    assert resolve_source(str(changed)).identity != resolve_source(str(tiny_model)).identity


def test_two_spellings_share_one_conversion_and_the_memory(spellings: list[str], tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """--model models/tiny and its absolute path: a second conversion and no memory hits, before."""
    relative, absolute, _, linked, _ = spellings
    caplog.set_level(logging.INFO, logger="translate")
    first = converted_model(resolve_source(relative), "int8_float32")
    assert any("converting" in r.getMessage() for r in caplog.records)
    caplog.clear()
    assert converted_model(resolve_source(linked), "int8_float32") == first
    assert not any("converting" in r.getMessage() for r in caplog.records), "the same model is not converted twice"
    assert [p.name for p in converted_models_dir().iterdir()] == [first.name]

    sentences = ["قال الوزير إن الاجتماع سيعقد غدا.", "وأضاف أن الحكومة تدرس الاقتراح."]
    with TranslationMemory(tmp_path / "tm.sqlite") as memory:
        one = load_translator(relative, DecodingSettings(device="cpu"), memory=memory)
        drafted = one.translate_segments(sentences)
        assert not any(t.from_memory for t in drafted)
        other = load_translator(absolute, DecodingSettings(device="cpu"), memory=memory)
        again = other.translate_segments(sentences)
        assert [t.text for t in again] == [t.text for t in drafted]
        assert sum(t.from_memory for t in again) == len(sentences), "the second spelling finds the first one's translations"
        assert other.model_id == absolute and one.model_id == relative


def test_only_the_demo_model_is_warned_of_a_tuned_model_is_told_in_its_outputs(tiny_model: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """A team's tuned model is provenance (every output's note), not a hazard to warn of on every run."""
    import json

    from translate.translation.engine import Translator
    from translate.translation.source import DEMO_KEY, DEMO_NOTE, TUNED_KEY

    tuned = tmp_path / "tuned"
    shutil.copytree(tiny_model, tuned)
    config = json.loads((tuned / "config.json").read_text(encoding="utf-8"))
    config.pop(DEMO_KEY)
    config[TUNED_KEY] = {"base": "Helsinki-NLP/opus-mt-ar-en", "base_revision": "abc", "pairs": 8000, "data_sha256": "sha256:x", "finished": "2026-12-03"}
    (tuned / "config.json").write_text(json.dumps(config), encoding="utf-8")
    caplog.set_level(logging.INFO, logger="translate")
    for model, warned in ((tiny_model, DEMO_NOTE), (tuned, None)):
        caplog.clear()
        translator = Translator(str(model), DecodingSettings(device="cpu"))
        assert translator.source.warning == warned
        warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
        assert warnings == ([f"{model}: {warned}"] if warned else [])
    assert translator.model_note and "tuned by tarjama tune from Helsinki-NLP/opus-mt-ar-en" in translator.model_note
    assert any("tuned by tarjama tune" in r.getMessage() for r in caplog.records if r.levelno == logging.INFO)
