"""scripts/calibrate_confidence.py: its statistics, and a run on the tiny model (numbers meaningless, the script works)."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

import calibrate_confidence as calibrate  # noqa: E402


def test_correlations_and_ranks():
    assert calibrate.ranks([3.0, 1.0, 3.0, 2.0]) == [3.5, 1.0, 3.5, 2.0]
    assert calibrate.pearson([1, 2, 3], [2, 4, 6]) == pytest.approx(1.0)
    assert calibrate.spearman([1, 2, 3, 4], [1, 8, 27, 64]) == pytest.approx(1.0)
    assert calibrate.spearman([1, 2, 3, 4], [4, 3, 2, 1]) == pytest.approx(-1.0)


def test_the_threshold_that_best_finds_weak_segments():
    threshold, precision, recall, f1 = calibrate.best_threshold([0.1, 0.2, 0.8, 0.9], [True, True, False, False])
    assert (precision, recall, f1) == (1.0, 1.0, 1.0) and 0.2 < threshold <= 0.8


def test_runs_on_a_model_and_a_reference_set(tiny_model, shared):
    flores = shared("flores200-devtest")
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "calibrate_confidence.py"), "--model", str(tiny_model), "--limit", "12",
         "--source", str(flores / "flores200-devtest.arb_Arab"), "--reference", str(flores / "flores200-devtest.eng_Latn"),
         "--device", "cpu", "--compute-type", "float32"],
        capture_output=True, text=True, timeout=600, cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    assert "segments: 12 of 12" in done.stdout and "Spearman rho" in done.stdout and "Pearson r" in done.stdout
    assert "mean nothing" in done.stdout, "the demo model's numbers are said to be meaningless"
