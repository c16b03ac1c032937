"""`tarjama tune` end to end on the tiny model: publish, refuse, too little data, SIGTERM and resume, a model like any other."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from translate.cli import main
from translate.translation.memory import ModelKey, TranslationMemory
from translate.translation.source import resolve_source

ROOT = Path(__file__).resolve().parents[2]
FAST = ["--learning-rate", "1e-3", "--threads", "1"]  # the random-weight tiny model needs a high rate to move in seconds


@pytest.fixture(scope="module")
def memory(tmp_path_factory, pairs):
    path = tmp_path_factory.mktemp("tm") / "tm.sqlite"
    with TranslationMemory(path) as tm:
        tm.store_human(pairs(300), origin="tmx:team.tmx")
        tm.store_mt(ModelKey("someone", "r", "d"), [(f"آلة {i}", f"machine {i}", (), None) for i in range(40)])
    return path


@pytest.fixture(scope="module")
def tuned(tmp_path_factory, memory, tiny_model):
    out = tmp_path_factory.mktemp("tuned") / "model"
    assert main(["tune", "--tm", str(memory), "--model", str(tiny_model), "-o", str(out), "--epochs", "1", *FAST]) == 0
    return out


def test_tuned_model_is_a_model_directory_with_a_report(tuned, tiny_model):
    for name in ("config.json", "model.safetensors", "source.spm", "target.spm", "vocab.json", "tune-report.json"):
        assert (tuned / name).is_file(), name
    assert not (tuned / ".tune").exists()
    report = json.loads((tuned / "tune-report.json").read_text(encoding="utf-8"))
    base = resolve_source(str(tiny_model))
    assert report["outcome"] == "published"
    assert report["base"] == {"model": str(tiny_model), "identity": base.identity, "revision": base.revision}
    assert report["data"]["sources"] == {"memory:tm.sqlite": 300}  # human units only: the 40 machine translations are not there
    assert report["data"]["train"] + report["data"]["validation"] == 300
    assert report["data"]["sha256"].startswith("sha256:")
    assert report["settings"]["learning_rate"] == 1e-3 and report["time"]["seconds_this_run"] > 0
    v = report["validation"]
    assert v["loss_after"] < v["loss_before"] and {"chrf_before", "chrf_after"} <= set(v)
    source = resolve_source(str(tuned))
    assert source.identity != base.identity  # the memory keys its translations apart
    assert f"tuned by tarjama tune from {tiny_model} (revision {base.revision}) on {report['data']['train']}" in source.note


def test_tuned_model_translates_on_ctranslate2_apart_from_the_base_in_the_memory(tuned, tiny_model, tmp_path):
    memory = tmp_path / "tm.sqlite"
    article = tmp_path / "a.txt"
    article.write_text("أحمد اشترى كتابا اليوم.\n", encoding="utf-8")
    common = [str(article), "--tm", str(memory), "--backend", "ctranslate2", "--device", "cpu", "--to", "tmx", "-q"]
    assert main(["translate", *common, "--model", str(tiny_model), "-o", str(tmp_path / "base")]) == 0
    assert main(["translate", *common, "--model", str(tuned), "-o", str(tmp_path / "tuned")]) == 0
    with TranslationMemory(memory) as tm:
        assert tm.counts()["mt"] == 2  # the base's translation was not served for the tuned model
    tmx = (tmp_path / "tuned" / "a.tmx").read_text(encoding="utf-8")
    assert "tuned by tarjama tune from" in tmx and "tuned by" not in (tmp_path / "base" / "a.tmx").read_text(encoding="utf-8")


def test_worse_model_is_not_published_and_the_report_kept(memory, tiny_model, tmp_path, capsys):
    out = tmp_path / "worse"
    rc = main(["tune", "--tm", str(memory), "--model", str(tiny_model), "-o", str(out), "--epochs", "1", "--learning-rate", "0.9", "--threads", "1", "-q"])
    err = capsys.readouterr().err.strip().splitlines()
    assert rc == 2
    assert len(err) == 1 and err[0].startswith("tarjama: error: the tuned model is not better than") and "not published" in err[0]
    assert not (out / "config.json").exists() and not (out / "model.safetensors").exists()
    assert json.loads((out / "tune-report.json").read_text(encoding="utf-8"))["outcome"].startswith("refused")


def test_too_little_data_writes_nothing(tmp_path, tiny_model, pairs, capsys):
    tsv = tmp_path / "ten.tsv"
    tsv.write_text("".join(f"{s}\t{t}\n" for s, t in pairs(10)), encoding="utf-8")
    out = tmp_path / "none"
    assert main(["tune", "--no-tm", str(tsv), "--model", str(tiny_model), "-o", str(out)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "only 10 distinct human translations" in err[0]
    assert not out.exists()


def test_existing_model_directory_is_not_replaced(tuned, memory, tiny_model, capsys):
    before = (tuned / "model.safetensors").read_bytes()
    assert main(["tune", "--tm", str(memory), "--model", str(tiny_model), "-o", str(tuned), *FAST]) == 2
    assert "already holds a model" in capsys.readouterr().err
    assert (tuned / "model.safetensors").read_bytes() == before


def test_folder_of_other_files_is_refused(memory, tiny_model, tmp_path, capsys):
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    assert main(["tune", "--tm", str(memory), "--model", str(tiny_model), "-o", str(tmp_path), *FAST]) == 2
    assert "is not empty (notes.txt" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_sigterm_keeps_the_checkpoint_publishes_nothing_and_a_rerun_resumes(memory, tiny_model, tmp_path):
    out = tmp_path / "resumed"
    command = [sys.executable, "-m", "translate", "tune", "--tm", str(memory), "--model", str(tiny_model), "-o", str(out), "--epochs", "2", *FAST]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(command, cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True)
    lines = []
    deadline = time.monotonic() + 240
    assert proc.stderr is not None
    for line in proc.stderr:  # the first evaluation: a checkpoint exists and training is under way
        lines.append(line)
        if line.startswith("tarjama: step ") or time.monotonic() > deadline:
            break
    proc.send_signal(signal.SIGTERM)
    rest = proc.communicate(timeout=120)[1]
    assert proc.returncode == 143, "".join(lines) + rest
    assert "checkpoint kept" in rest and "interrupted by SIGTERM" in rest
    assert not (out / "config.json").exists() and (out / ".tune" / "last.pt").is_file()
    again = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    assert "resuming from the checkpoint at step" in again.stderr
    report = json.loads((out / "tune-report.json").read_text(encoding="utf-8"))
    assert report["training"]["steps"] == report["training"]["steps_planned"] or report["training"]["stopped_early"]
    assert (out / "config.json").is_file()


def _tune_api(base: Path, out: Path, pairs, **settings):
    from translate.tuning.data import TuneData
    from translate.tuning.train import TuneSettings, tune

    data = TuneData(tuple(pairs(300)[:270]), tuple(pairs(300)[270:]), digest="sha256:test")
    return tune(data, resolve_source(str(base)), out, TuneSettings(epochs=1, threads=1, chrf_sentences=4, **settings))


def test_decoder_start_embedding_stays_what_ctranslate2_starts_from(tiny_model, tmp_path, pairs):
    """CTranslate2 starts a Marian decoder from a zero embedding; transformers looks up <pad>'s row, zero in the base.

    Tied to the output layer, that row drifted away from zero with every step,
    so the published model decoded on CTranslate2 from another start than the
    one it was trained from.  The tiny model's -30 logit bias on <pad> hides
    the drift; a Helsinki model has no such bias, so the base here has none.
    """
    import torch
    from safetensors.torch import load_file, save_file

    base = tmp_path / "base"
    shutil.copytree(tiny_model, base)
    weights = load_file(base / "model.safetensors")
    weights["final_logits_bias"].zero_()
    save_file(weights, base / "model.safetensors", metadata={"format": "pt"})
    start = json.loads((base / "config.json").read_text(encoding="utf-8"))["decoder_start_token_id"]
    assert torch.count_nonzero(weights["model.shared.weight"][start]) == 0
    result = _tune_api(base, tmp_path / "out", pairs, learning_rate=1e-3)
    assert result.published
    tuned = load_file(tmp_path / "out" / "model.safetensors")
    assert not torch.equal(tuned["model.shared.weight"], weights["model.shared.weight"])  # it did train
    assert torch.count_nonzero(tuned["model.shared.weight"][start]) == 0


def test_weight_decay_shrinks_the_weight_matrices_only(tiny_model, tmp_path, pairs):
    from safetensors.torch import load_file

    base = load_file(tiny_model / "model.safetensors")
    result = _tune_api(tiny_model, tmp_path / "decayed", pairs, learning_rate=1e-2, weight_decay=10.0)
    assert result.report["settings"]["weight_decay"] == 10.0
    tuned = load_file(tmp_path / "decayed" / "model.safetensors")
    matrix, norm = "model.decoder.layers.0.fc1.weight", "model.decoder.layers.0.final_layer_norm.weight"
    assert tuned[matrix].norm() < 0.5 * base[matrix].norm()  # 17 steps of decay, up to 10 % each
    assert abs(float(tuned[norm].mean()) - 1.0) < 0.2  # the layer norms' gains are not pulled to zero


def test_weight_decay_out_of_range_is_one_line(memory, tiny_model, tmp_path, capsys):
    assert main(["tune", "--tm", str(memory), "--model", str(tiny_model), "-o", str(tmp_path / "m"), "--weight-decay", "-1"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "--weight-decay must be between 0 and 10" in err[0]


def test_published_model_is_the_model_trained(tiny_model, tmp_path, pairs):
    """Its validation loss, loaded from DIR as any user loads it, is the one the report gives.

    transformers leaves Marian's sinusoidal position tables trainable, but
    does not save them (it rebuilds them on loading): trained, they made the
    published model another model than the one validated.
    """
    import torch
    from transformers import MarianMTModel, MarianTokenizer

    result = _tune_api(tiny_model, tmp_path / "out", pairs, learning_rate=1e-2, weight_decay=10.0)  # decay moves every trained table far
    tokenizer = MarianTokenizer.from_pretrained(str(tmp_path / "out"))
    model = MarianMTModel.from_pretrained(str(tmp_path / "out")).eval()
    held = pairs(300)[270:]
    batch = tokenizer([s for s, _ in held], text_target=[t for _, t in held], return_tensors="pt", padding=True)
    labels = batch["labels"].masked_fill(batch["labels"] == tokenizer.pad_token_id, -100)
    with torch.no_grad():
        loss = float(model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"], labels=labels).loss)
    assert result.report["validation"]["loss_after"] < result.report["validation"]["loss_before"]
    assert abs(loss - result.report["validation"]["loss_after"]) < 1e-3, (loss, result.report["validation"])
