"""The Marian translator on the tiny random-weight model: behaviour, never wording."""

import os
import subprocess
import sys
import time

import pytest

from translate.errors import TarjamaError
from translate.translation import PRESETS, load_translator, resolve_model

SENTENCES = [
    "أعلنت وزارة الدفاع الروسية يوم السبت أن قواتها أكملت تحرير المنطقة.",
    "صورة",
    "وقال المتحدث باسم الوزارة في بيان إن العملية استمرت ٢٦٥ يوما.",
    "صورة",
    "قال د. أحمد سالم إن 86% من السكان غادروا المنطقة.",
]


def test_presets_resolve_to_hub_ids():
    assert resolve_model(None) == "Helsinki-NLP/opus-mt-tc-big-ar-en"
    assert resolve_model("quality") == PRESETS["quality"].hub_id
    assert resolve_model("fast") == "Helsinki-NLP/opus-mt-ar-en"
    assert resolve_model("some/dir") == "some/dir"


def test_loads_a_local_directory_with_a_content_revision(translator, tiny_model):
    assert translator.model_id == str(tiny_model)
    assert translator.revision.startswith("sha256:")
    assert translator.beam == 4  # from the model's generation_config, as the Helsinki models have
    assert "beam=4" in translator.decoding


@pytest.mark.parametrize("beam", [1, 4])
def test_batched_sorted_deduplicated_path_equals_plain_generate(tiny_model, beam):
    """Sorting, batching and deduplication must not change a single token."""
    import torch
    from transformers import MarianMTModel, MarianTokenizer

    ours = load_translator(str(tiny_model), device="cpu", beam=beam, batch_size=2)
    got = ours.translate(SENTENCES)

    tokenizer = MarianTokenizer.from_pretrained(tiny_model)
    model = MarianMTModel.from_pretrained(tiny_model).eval()
    expected = []
    for sentence in SENTENCES:
        enc = tokenizer([sentence], return_tensors="pt")
        budget = ours.budget(enc["input_ids"].shape[1])
        with torch.inference_mode():
            out = model.generate(**enc, num_beams=beam, max_new_tokens=budget)
        expected.append(tokenizer.decode(out[0], skip_special_tokens=True).strip())
    assert got == expected
    assert len(set(got)) > 1, "different inputs should give different outputs, or this test proves nothing"
    assert got[1] == got[3]


def test_budget_depends_on_length_bucket_only(translator):
    assert translator.budget(1) == translator.budget(8) == 26
    assert translator.budget(9) == 42
    assert translator.budget(10_000) == 512


def test_output_order_follows_input_order(translator):
    forward = translator.translate(SENTENCES)
    backward = translator.translate(list(reversed(SENTENCES)))
    assert backward == list(reversed(forward))


def test_missing_directory_fails_at_once_with_advice(tmp_path):
    with pytest.raises(TarjamaError, match="does not exist.*--model DIR"):
        load_translator(str(tmp_path / "no-such-model"))


def test_directory_without_weights_is_refused(tmp_path):
    (tmp_path / "config.json").write_text("{}")
    with pytest.raises(TarjamaError, match="not a MarianMT model directory"):
        load_translator(str(tmp_path))


def test_unreachable_hub_fails_in_seconds_not_minutes(tmp_path):
    """Offline, a hub id gives one line of advice quickly instead of minutes of retries."""
    env = dict(os.environ, HF_HOME=str(tmp_path / "hf"), HF_ENDPOINT="http://127.0.0.1:9")
    code = "from translate.translation import load_translator\nload_translator('Helsinki-NLP/opus-mt-ar-en')"
    started = time.monotonic()
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode != 0
    assert "TarjamaError" in proc.stderr and "--model DIR" in proc.stderr
    assert time.monotonic() - started < 60
