"""Settings as values: they pickle, compare and print, and render the memory key and provenance."""

from __future__ import annotations

import pickle

import pytest

from translate.settings import DecodingSettings, DecodingSignature, ExportOptions


def test_settings_pickle_compare_and_print() -> None:
    settings = DecodingSettings(backend="ctranslate2", beam=2, batch_tokens=512)
    assert pickle.loads(pickle.dumps(settings)) == settings
    assert hash(settings) == hash(DecodingSettings(backend="ctranslate2", beam=2, batch_tokens=512))
    assert settings != DecodingSettings(backend="ctranslate2", beam=2)
    assert "batch_tokens=512" in repr(settings)
    export = ExportOptions(formats=("tmx",), source_lang="ar-SA")
    assert pickle.loads(pickle.dumps(export)) == export and "ar-SA" in repr(export)


@pytest.mark.parametrize(
    "bad",
    [dict(backend="fairseq"), dict(device="tpu"), dict(batch_tokens=0), dict(beam=0), dict(no_repeat_ngram=-1), dict(max_length_ratio=0)],
)
def test_a_bad_value_is_refused_where_it_is_made(bad: dict) -> None:
    with pytest.raises(ValueError):
        DecodingSettings(**bad)


def test_the_signature_renders_the_memory_key_and_the_provenance() -> None:
    signature = DecodingSignature(
        backend="ctranslate2:int8", device="cpu", beam=4, max_length=512, max_length_ratio=2.0,
        no_repeat_ngram=3, max_source_tokens=512, batch_tokens=2048,
    )
    # The memory key's exact text: a change would orphan every stored translation.
    assert signature.memory_text == (
        "backend=ctranslate2:int8|beam=4|max_new_tokens=min(512,2*ceil(src/8)*8+10)"
        "|guard=no-repeat-3-on-degenerate|max_source_tokens=512"
    )
    assert str(signature) == signature.memory_text + "|device=cpu|batch_tokens=2048"
    assert [signature.budget(n) for n in (1, 8, 9, 300)] == [26, 26, 42, 512]
