"""Against a real Ray cluster: the same files as a local run, and a worker killed mid-job changes nothing.

The cluster is ``ray start --head`` in a separate process (conftest.py); the
jobs are the CLI in subprocesses, connected by address, exactly as a user runs
them.  A second client process finds a worker of the job by its name, asks it
for its process id and kills it with SIGKILL.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

# Not imported here: Ray reads its settings when imported, and the cluster's clients are subprocesses.
if importlib.util.find_spec("ray") is None:
    pytest.skip("Ray is an optional extra: pip install 'tarjama[ray]'", allow_module_level=True)

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))
from test_batch import make_inputs, snapshot  # noqa: E402 - the batch test's ten articles and its comparison

FIXTURES = ROOT / "tests" / "fixtures"
FORMATS = "txt,tmx,html,tsv,xliff"
# A random-weight model reaches every length cap; the repetition guard would decode everything twice.
DECODING = ["--backend", "transformers", "--batch-size", "2", "--no-repeat-ngram", "0"]


def run(args: list[str], env: dict[str, str], timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "translate", *args], env=env, capture_output=True, text=True, timeout=timeout)


def start(args: list[str], env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "translate", *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


KILL_ONE_WORKER = """
import json, os, signal, sys, time
from pathlib import Path
import ray

address, prefix, out = sys.argv[1], sys.argv[2], Path(sys.argv[3])
ray.init(address=address, namespace="tarjama", log_to_driver=False)
deadline = time.monotonic() + 300
while time.monotonic() < deadline:
    names = [a["name"] for a in ray.util.list_named_actors(all_namespaces=True) if a["namespace"] == "tarjama"]
    mine = sorted(n for n in names if n.startswith(prefix))
    if mine:
        # pid() waits behind the batch the worker is working on: when it answers, the worker is mid-job.
        pid = ray.get(ray.get_actor(mine[0], namespace="tarjama").pid.remote(), timeout=300)
        outputs = sum(1 for p in out.rglob("*") if p.is_file() and p.name != ".tarjama-outputs") if out.exists() else 0
        os.kill(pid, signal.SIGKILL)
        print(json.dumps({"pid": pid, "outputs_then": outputs}))
        break
    time.sleep(0.2)
ray.shutdown()
"""


class Killer:
    """A second Ray client (its own process) that finds one of the job's workers by name, asks it its pid and SIGKILLs it."""

    def __init__(self, cluster, prefix: str, out: Path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", KILL_ONE_WORKER, cluster.address, prefix, str(out)],
            env=cluster.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        self.killed: int | None = None
        self.outputs_then: int | None = None
        self.stderr = ""

    def __enter__(self) -> Killer:
        return self

    def __exit__(self, *exc: object) -> None:
        stdout, self.stderr = self.process.communicate(timeout=300)
        if stdout.strip():
            report = json.loads(stdout.strip().splitlines()[-1])
            self.killed, self.outputs_then = report["pid"], report["outputs_then"]


@pytest.fixture(scope="module")
def articles(tmp_path_factory):
    folder = tmp_path_factory.mktemp("ray-in") / "in"
    make_inputs(folder)
    return folder


def test_translate_on_ray_writes_the_local_files_even_when_a_worker_is_killed(ray_cluster, tiny_model, articles, tmp_path):
    env = {**ray_cluster.env, "PYTHONPATH": str(ROOT)}
    common = [str(articles), "--model", str(tiny_model), *DECODING, "--to", FORMATS, "-q"]
    local = run(["translate", *common, "-o", str(tmp_path / "local"), "--tm", str(tmp_path / "local.sqlite")], env)
    assert local.returncode == 0, local.stderr
    expected = snapshot(tmp_path / "local")
    assert len(expected) == 10 * len(FORMATS.split(","))

    # A clean run on the cluster, connected by address.
    ray = ["--ray", ray_cluster.address, "--workers", "2"]
    clean = run(["translate", *common, *ray, "-o", str(tmp_path / "ray"), "--tm", str(tmp_path / "ray.sqlite")], env)
    assert clean.returncode == 0, clean.stderr
    assert snapshot(tmp_path / "ray") == expected

    # The same job with one worker killed (SIGKILL) while it decodes: redone, nothing lost or duplicated.
    out = tmp_path / "killed"
    with Killer(ray_cluster, "translate-", out) as killer:
        job = start(["translate", *common, *ray, "-o", str(out), "--tm", str(tmp_path / "killed.sqlite")], env)
        _, stderr = job.communicate(timeout=600)
    assert killer.killed is not None and killer.outputs_then < len(expected), f"no worker was killed mid-job; the test proves nothing: {killer.stderr}"
    with pytest.raises(ProcessLookupError):
        os.kill(killer.killed, 0)
    assert job.returncode == 0, stderr
    assert snapshot(out) == expected
    # The memory holds each unique segment once, as the local run's does.
    assert _memory_rows(tmp_path / "killed.sqlite") == _memory_rows(tmp_path / "local.sqlite")


def _memory_rows(path: Path) -> list[tuple[str, str, str]]:
    import sqlite3

    with sqlite3.connect(path) as db:
        return sorted(db.execute("SELECT source, target, flags FROM mt"))


def _corpus(root: Path, pairs: int = 10) -> tuple[Path, Path]:
    """Ten document pairs from the NTREX fixtures: line-aligned news sentences regrouped into articles."""
    ar, en = root / "ar", root / "en"
    lines = {"ar": [], "en": []}
    for name in ("bbc.381790", "nytimes.184860"):
        for lang in lines:
            lines[lang] += (FIXTURES / "ntrex" / f"{name}.{lang}.txt").read_text(encoding="utf-8").splitlines()
    for n in range(pairs):
        sub = f"part{n % 2}"
        for lang, folder in (("ar", ar), ("en", en)):
            path = folder / sub / f"doc-{n}.{lang}.txt"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text("\n".join(lines[lang][n * 3 : n * 3 + 6]) + "\n", encoding="utf-8")
    return ar, en


def test_align_corpus_on_ray_writes_the_local_files_even_when_a_worker_is_killed(ray_cluster, tmp_path):
    env = {**ray_cluster.env, "PYTHONPATH": str(ROOT)}
    ar, en = _corpus(tmp_path / "corpus")
    local = run(["align", str(ar), str(en), "-o", str(tmp_path / "local"), "--merged-tmx", str(tmp_path / "local.tmx"), "-q"], env)
    assert local.returncode == 0, local.stderr
    expected = snapshot(tmp_path / "local")
    assert len(expected) == 10 * 3 and all(k.startswith(("part0/", "part1/")) for k in expected)
    merged = snapshot_file(tmp_path / "local.tmx")

    ray = ["--ray", ray_cluster.address, "--workers", "2"]
    out = tmp_path / "killed"
    with Killer(ray_cluster, "align-", out) as killer:
        job = start(["align", str(ar), str(en), "-o", str(out), "--merged-tmx", str(tmp_path / "ray.tmx"), "-q", *ray], env)
        _, stderr = job.communicate(timeout=600)
    assert killer.killed is not None and killer.outputs_then < len(expected), f"no worker was killed mid-job; the test proves nothing: {killer.stderr}"
    assert job.returncode == 0, stderr
    assert snapshot(out) == expected
    assert snapshot_file(tmp_path / "ray.tmx") == merged


def snapshot_file(path: Path) -> str:
    from test_batch import TIMESTAMPS

    return TIMESTAMPS.sub("<time>", path.read_text(encoding="utf-8"))


def test_a_model_the_workers_cannot_read_is_one_line(ray_cluster, tmp_path, articles):
    env = {**ray_cluster.env, "PYTHONPATH": str(ROOT)}
    missing = tmp_path / "no-such-model"
    started = time.monotonic()
    result = run(["translate", str(articles), "-o", str(tmp_path / "out"), "--model", str(missing), "--ray", ray_cluster.address, "--workers", "1"], env, timeout=300)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("tarjama: error: a Ray worker on ") and "cannot load the model" in lines[0], lines
    assert str(missing) in lines[0]
    assert time.monotonic() - started < 120
    assert not (tmp_path / "out").exists()
