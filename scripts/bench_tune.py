#!/usr/bin/env python3
"""Time and peak memory of `tarjama tune` per 1,000 units, for the tiny model and a model of the fast preset's shape.

Each model is measured in a fresh process (so that its peak resident memory is
its own): the real training loop of translate/tuning/train.py runs one epoch
over ``--units`` pairs (Tatoeba from ../shared, else the test templates),
with its evaluations and checkpoints; the base evaluation and the chrF
translations that a full run adds before and after are timed apart, since
they do not grow with the data.  The fast preset's shape is a random-weight
model of models/configs/opus-mt-ar-en.json (76.8 M parameters), built as
scripts/bench_translate.py builds it: speed depends on shapes, not weights.

    python scripts/bench_tune.py                       # both models, 1000 units, CPU
    python scripts/bench_tune.py --models tiny --units 2000 --device cuda
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TATOEBA = ROOT.parent / "shared" / "data" / "tatoeba" / "tatoeba-test-v2021-08-07"


def _pairs(count: int) -> list[tuple[str, str]]:
    if TATOEBA.with_suffix(".ara").is_file():
        ar = TATOEBA.with_suffix(".ara").read_text(encoding="utf-8").splitlines()
        en = TATOEBA.with_suffix(".eng").read_text(encoding="utf-8").splitlines()
        return list(dict(zip(ar, en, strict=True)).items())[:count]
    spec = importlib.util.spec_from_file_location("tuning_conftest", ROOT / "tests" / "tuning" / "conftest.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module.make_pairs(count)


def measure(model_dir: str, units: int, device: str, threads: int) -> dict:
    """One epoch of the real loop; runs in its own process."""
    from translate.translation.source import resolve_source
    from translate.tuning.data import TuneData
    from translate.tuning.train import TuneSettings, _Session

    pairs = _pairs(units + units // 10)
    data = TuneData(tuple(pairs[:units]), tuple(pairs[units:]), digest="bench")
    with tempfile.TemporaryDirectory() as work:
        started = time.monotonic()
        session = _Session(data, resolve_source(model_dir), Path(work) / "out", TuneSettings(epochs=1, device=device, threads=threads))
        loaded = time.monotonic()
        base_loss = session.validation_loss()
        session.state_dir.mkdir(parents=True)
        state = {"fingerprint": session.fingerprint, "step": 0, "epoch": 0, "position": 0, "base_loss": base_loss, "base_chrf": 0.0,
                 "best_loss": base_loss, "best_step": 0, "bad_evaluations": 0, "history": [], "stopped_early": False}
        trained_from = time.monotonic()
        session.train(state, None)
        trained = time.monotonic() - trained_from
        chrf_from = time.monotonic()
        session.translate([s for s, _ in data.validation[:20]])
        translate_20 = time.monotonic() - chrf_from
    return {
        "model": model_dir, "units": units, "steps": state["step"], "device": session.device, "threads": threads,
        "load_seconds": round(loaded - started, 1),
        "train_seconds_per_1000_units": round(trained / units * 1000, 1),
        "greedy_translation_seconds_per_20_pairs": round(translate_20, 1),
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "validation_loss": [round(base_loss, 3), round(state["best_loss"], 3)],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--models", default="tiny,fast", help="tiny, fast, or model directories, comma-separated")
    parser.add_argument("--units", type=int, default=1000)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--threads", type=int, default=0)
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "tarjama-bench")
    parser.add_argument("--one", default=None, help=argparse.SUPPRESS)  # the child process: one model
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    if args.one:
        print(json.dumps(measure(args.one, args.units, args.device, args.threads)))
        return 0
    args.workdir.mkdir(parents=True, exist_ok=True)
    print(f"load average before: {os.getloadavg()}", file=sys.stderr)
    for name in args.models.split(","):
        if name == "tiny":
            model = str(ROOT / "models" / "tiny")
            if not Path(model, "config.json").is_file():
                model = str(ROOT.parent / "main" / "models" / "tiny")
        elif name == "fast":
            spec = importlib.util.spec_from_file_location("bench_translate", ROOT / "scripts" / "bench_translate.py")
            bench = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(bench)  # type: ignore[union-attr]
            model = str(bench.build_model("fast", args.workdir))
        else:
            model = name
        command = [sys.executable, __file__, "--one", model, "--units", str(args.units), "--device", args.device, "--threads", str(args.threads)]
        done = subprocess.run(command, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
        if done.returncode:
            print(done.stderr[-2000:], file=sys.stderr)
            return 1
        print(done.stdout.strip().splitlines()[-1])
    print(f"load average after: {os.getloadavg()}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
