"""The CTranslate2 backend: token identity with transformers, and the conversion cache."""

from pathlib import Path

import pytest

import logging

from translate.cache import converted_models_dir
from translate.translation.backends.ct2 import CTranslate2Backend, converted_model
from translate.translation.backends.hf import TransformersBackend
from translate.translation.source import load_tokenizer, resolve_source

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def source(tiny_model):
    return resolve_source(str(tiny_model))


def test_float32_greedy_tokens_equal_transformers(source):
    """Same pieces in, same tokens out: the fast backend is the model, not an approximation of it."""
    tokenizer = load_tokenizer(source)
    lines = [l for l in (ROOT / "tests" / "fixtures" / "article.ar.txt").read_text(encoding="utf-8").splitlines() if l.strip()]
    batch = tokenizer(lines[:8])["input_ids"]
    options = dict(beam=1, max_new_tokens=20)
    reference = TransformersBackend(source, device="cpu")
    fast = CTranslate2Backend(source, tokenizer, device="cpu", compute_type="float32")
    expected = [reference.generate([ids], **options)[0] for ids in batch]
    assert fast.generate(batch, **options) == expected
    assert len({tuple(e) for e in expected}) > 2, "different inputs should give different outputs"
    # The repetition guard's setting means the same in both backends.
    guarded = dict(options, no_repeat_ngram_size=3)
    assert fast.generate(batch, **guarded) == [reference.generate([ids], **guarded)[0] for ids in batch]


def test_conversion_is_cached_per_compute_type_and_atomic(source, caplog):
    caplog.set_level(logging.INFO, logger="translate")
    first = converted_model(source, "int8_float32")
    stamp = (first / "model.bin").stat().st_mtime_ns
    said = [r.getMessage() for r in caplog.records]
    assert any("done in" in m for m in said), "the one-time conversion says how long it took"
    assert sum("converting" in m for m in said) == 1, f"the message is said once: {said!r}"
    caplog.clear()
    assert converted_model(source, "int8_float32") == first
    assert (first / "model.bin").stat().st_mtime_ns == stamp, "a cached model is not converted again"
    assert not any("converting" in r.getMessage() for r in caplog.records)
    other = converted_model(source, "float32")
    assert other != first and (other / "model.bin").is_file()
    assert not [p for p in converted_models_dir().iterdir() if p.name.startswith(".")], "no temporary folder is left behind"


def test_a_dead_conversions_folder_is_cleared_and_a_live_ones_kept(source):
    """Issue 12 item 8: a conversion killed outright left its partial weights in the cache for good."""
    import os
    import subprocess
    import sys

    from translate.textio import temporary_name

    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    folder = converted_models_dir()
    folder.mkdir(parents=True, exist_ok=True)
    mine = temporary_name(".part")
    left = folder / mine.replace(f"-{os.getpid()}-", f"-{dead.pid}-")
    live = folder / mine.replace(f"-{os.getpid()}-", f"-{os.getppid()}-")
    for partial in (left, live):
        (partial / "model").mkdir(parents=True)
        (partial / "model" / "model.bin").write_bytes(b"\0" * 1024)
    try:
        converted_model(source, "int8")
        assert not left.exists() and live.exists()
    finally:
        import shutil

        shutil.rmtree(live, ignore_errors=True)


def test_sigterm_during_the_conversion_removes_its_folder_and_exits_143(tiny_model, tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import time

    cache = tmp_path / "cache"
    process = subprocess.Popen(
        [sys.executable, "-m", "translate", "translate", str(ROOT / "tests" / "fixtures" / "article.ar.txt"), "-o", str(tmp_path / "out"),
         "--model", str(tiny_model), "--backend", "ctranslate2", "--compute-type", "int8", "--no-tm"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env={**os.environ, "TARJAMA_CACHE_DIR": str(cache)},
    )
    deadline = time.monotonic() + 300
    seen = False
    while time.monotonic() < deadline and process.poll() is None:
        if (cache / "ct2").is_dir() and any(p.name.endswith(".part") for p in (cache / "ct2").iterdir()):
            seen = True
            time.sleep(0.5)  # well into the conversion
            process.send_signal(signal.SIGTERM)
            break
        time.sleep(0.01)
    _, err = process.communicate(timeout=300)
    assert seen, "the conversion was not caught in progress; the test proves nothing"
    assert process.returncode == 143, err
    assert "interrupted by SIGTERM" in err.strip().splitlines()[-1], err
    assert list((cache / "ct2").iterdir()) == [], "no partial conversion is left in the cache"
