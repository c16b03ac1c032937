"""`tarjama tune --ray`: Ray Train on a loopback cluster with a token (two workers of one CPU) against a local run.

The Ray tests are heavy (the ``ray_cluster`` fixture: a real ``ray start``); the batch and packing
checks below them are not.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.cluster.conftest import ray_cluster  # noqa: F401 - the loopback cluster with token authentication
from translate.cli import main
from translate.translation.memory import TranslationMemory

ROOT = Path(__file__).resolve().parents[2]
RECIPE = ["--epochs", "1", "--learning-rate", "1e-3", "--threads", "1"]  # test_train's: the random tiny model moves in seconds
TOLERANCE = 0.02
"""Relative difference allowed between the Ray run's and the local run's validation loss after tuning.

What differs between them: each worker's dropout stream, and DDP's mean of the two workers' per-token
means against one mean over the batch's tokens.  Measured on these 300 pairs: 6.325 on Ray, 6.354
locally (0.5 %), from 9.670; a Ray run that trained on the wrong share or not at all is far outside.
"""


@pytest.fixture(scope="module")
def memory(tmp_path_factory, pairs):
    path = tmp_path_factory.mktemp("tm") / "tm.sqlite"
    with TranslationMemory(path) as tm:
        tm.store_human(pairs(300), origin="tmx:team.tmx")
    return path


def _tune(cluster, memory: Path, model: Path, out: Path, *extra: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "translate", "tune", "--tm", str(memory), "--model", str(model), "-o", str(out), *RECIPE]
    command += ["--ray", cluster.address, "--workers", "2", *extra]
    return subprocess.run(command, cwd=ROOT, env=env or cluster.env, capture_output=True, text=True, timeout=600)


def test_ray_tuned_model_matches_a_local_run_and_translates_on_ctranslate2(ray_cluster, memory, tiny_model, tmp_path):  # noqa: F811
    local_out, ray_out = tmp_path / "local", tmp_path / "ray"
    assert main(["tune", "--tm", str(memory), "--model", str(tiny_model), "-o", str(local_out), "-q", *RECIPE]) == 0
    result = _tune(ray_cluster, memory, tiny_model, ray_out)
    assert result.returncode == 0, result.stderr
    assert all(line.startswith("tarjama: ") or "tuned model published" in line for line in result.stderr.splitlines()), result.stderr

    local = json.loads((local_out / "tune-report.json").read_text(encoding="utf-8"))
    tuned = json.loads((ray_out / "tune-report.json").read_text(encoding="utf-8"))
    assert tuned["outcome"] == "published" and not (ray_out / ".tune").exists()
    assert tuned["data"] == local["data"]  # the same pairs, the same split
    assert tuned["settings"]["ray"] | {"seconds_training": 0} == {
        "address": ray_cluster.address, "workers": 2, "gpus_per_worker": 0.0, "batch_per_worker": 8, "effective_batch": 16,
        "steps_planned": local["training"]["steps_planned"], "seconds_training": 0,
    }
    assert tuned["training"]["steps"] == local["training"]["steps"]
    assert [h["step"] for h in tuned["training"]["history"]] == [h["step"] for h in local["training"]["history"]]
    before, after = tuned["validation"]["loss_before"], tuned["validation"]["loss_after"]
    assert before == local["validation"]["loss_before"] and after < before
    assert abs(after - local["validation"]["loss_after"]) <= TOLERANCE * local["validation"]["loss_after"], (tuned["validation"], local["validation"])
    # the driver measured the published weights itself: the workers' best figure agrees with it
    assert min(h["validation_loss"] for h in tuned["training"]["history"]) == pytest.approx(after, abs=2e-3)

    article = tmp_path / "a.txt"
    article.write_text("أحمد اشترى كتابا اليوم.\n", encoding="utf-8")
    assert main(["translate", str(article), "--model", str(ray_out), "--backend", "ctranslate2", "--device", "cpu", "--no-tm", "--to", "tmx", "-o", str(tmp_path / "t"), "-q"]) == 0
    assert "tuned by tarjama tune from" in (tmp_path / "t" / "a.tmx").read_text(encoding="utf-8")


def test_a_wrong_token_is_one_line_and_nothing_written(ray_cluster, memory, tiny_model, tmp_path):  # noqa: F811
    env = {**ray_cluster.env, "RAY_AUTH_TOKEN": "0" * 64}
    result = _tune(ray_cluster, memory, tiny_model, tmp_path / "out", env=env)
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"tarjama: error: cannot connect to the Ray cluster at {ray_cluster.address}") and "token" in lines[0], lines
    assert not (tmp_path / "out").exists()


def test_more_workers_than_the_cluster_has_cpus_is_one_line_not_a_wait(ray_cluster, memory, tiny_model, tmp_path):  # noqa: F811
    command = [sys.executable, "-m", "translate", "tune", "--tm", str(memory), "--model", str(tiny_model), "-o", str(tmp_path / "out")]
    result = subprocess.run([*command, "--ray", ray_cluster.address, "--workers", "3"], cwd=ROOT, env=ray_cluster.env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert result.stderr.splitlines() == ["tarjama: error: the Ray cluster has 2 CPUs; --workers 3 needs one each (see 'ray status')"]
    assert not (tmp_path / "out").exists()


def test_sigterm_during_ray_training_publishes_nothing_and_exits_143(ray_cluster, memory, tiny_model, tmp_path):  # noqa: F811
    out = tmp_path / "out"
    command = [sys.executable, "-m", "translate", "tune", "--tm", str(memory), "--model", str(tiny_model), "-o", str(out)]
    command += ["--epochs", "3", "--learning-rate", "1e-3", "--threads", "1", "--ray", ray_cluster.address, "--workers", "2"]
    proc = subprocess.Popen(command, cwd=ROOT, env=ray_cluster.env, stderr=subprocess.PIPE, text=True)
    assert proc.stderr is not None
    lines, deadline = [], time.monotonic() + 240
    for line in proc.stderr:  # the base model is measured, the TorchTrainer started
        lines.append(line)
        if line.startswith("tarjama: training on Ray") or time.monotonic() > deadline:
            break
    while len(_train_processes(ray_cluster.session)) < 3 and time.monotonic() < deadline:  # the controller and both workers
        time.sleep(0.2)
    assert len(_train_processes(ray_cluster.session)) >= 3, "".join(lines)
    time.sleep(2)  # training
    proc.send_signal(signal.SIGTERM)
    started = time.monotonic()
    rest = proc.communicate(timeout=120)[1]
    assert proc.returncode == 143, "".join(lines) + rest
    assert time.monotonic() - started < 30
    assert "interrupted by SIGTERM" in rest
    assert not (out / "config.json").exists() and not (out / "model.safetensors").exists()
    assert not (out / ".tune" / "ray").exists()
    deadline = time.monotonic() + 30  # the run's controller and workers end with the driver's connection
    while _train_processes(ray_cluster.session) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert not _train_processes(ray_cluster.session)


def _train_processes(session: int) -> list[int]:
    """The cluster's Ray Train controller and worker processes (Ray names them ``ray::TrainController``, ``ray::RayTrainWorker``)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if os.getsid(int(entry.name)) == session and b"ray::" in (entry / "cmdline").read_bytes() and b"Train" in (entry / "cmdline").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


# -- without Ray ----------------------------------------------------------------------------------


def test_the_workers_step_together_is_the_local_batch():
    """DistributedSampler without shuffling, as ray.train.torch.prepare_data_loader adds it: step k of all workers = local batch k."""
    from torch.utils.data import DataLoader, DistributedSampler

    ordered = list(range(37))
    local = [ordered[i : i + 16] for i in range(0, len(ordered), 16)]
    loaders = [
        DataLoader(ordered, batch_size=8, sampler=DistributedSampler(ordered, num_replicas=2, rank=rank, shuffle=False), collate_fn=list)
        for rank in range(2)
    ]
    steps = [sorted(a + b) for a, b in zip(*loaders, strict=True)]
    assert steps[:-1] == local[:-1]
    assert set(steps[-1]) - set(local[-1]) <= {0}  # the sampler pads the last step with the pass's first pair


def test_packed_pairs_come_back_as_they_went():
    from translate.tuning.distributed import pack, unpack

    items = [([5, 6, 0], [7, 0]), ([1, 0], [2, 3, 4, 0]), ([9, 0], [0])]
    packed = pack(items)
    assert packed["sources"].dtype.name == "int32" and packed["sources"].nbytes == 4 * 7
    assert unpack(packed) == items
    assert unpack(pack([])) == []


def test_without_ray_installed_tune_ray_is_one_line(tmp_path, memory, tiny_model):
    code = (
        "import sys; sys.modules['ray'] = None\n"
        "from translate.cli import main\n"
        f"sys.exit(main(['tune', '--tm', {str(memory)!r}, '--model', {str(tiny_model)!r}, '-o', {str(tmp_path / 'out')!r}, '--ray']))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert result.returncode == 2
    assert result.stderr.splitlines() == ["tarjama: error: --ray needs Ray, an optional extra: pip install 'tarjama[ray]'"]
    assert not (tmp_path / "out").exists()
