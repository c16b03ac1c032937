"""scripts/bench_translate.py's workers still drive the engine's API (they broke silently once when it changed)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "bench_translate.py"


@pytest.mark.parametrize("engine", ["ours-ctranslate2", "ab-ctranslate2"])
def test_worker_runs_on_the_tiny_model(engine: str, tiny_model: Path, tmp_path: Path) -> None:
    pytest.importorskip("ctranslate2")
    sentences = tmp_path / "sentences.json"
    sentences.write_text(json.dumps(["مرحبا بالعالم", "كيف حالك اليوم؟", "هذا اختبار."], ensure_ascii=False), encoding="utf-8")
    cmd = [sys.executable, str(SCRIPT), "--worker", engine, "--model", str(tiny_model), "--device", "cpu", "--compute-type", "int8",
           "--sentences-file", str(sentences), "--length", "3", "--beam", "2", "--repeat", "1"]
    env = dict(os.environ, TARJAMA_CACHE_DIR=str(tmp_path / "cache"), PYTHONPATH=str(ROOT))
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["engine"] == engine
    if engine == "ab-ctranslate2":
        assert len(result["ratios"]) == 2 and all(r > 0 for r in result["ratios"])
    else:  # every sentence forced to exactly --length tokens
        assert (result["sentences"], result["tokens"]) == (3, 9)
