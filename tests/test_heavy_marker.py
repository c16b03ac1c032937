"""The suite's own switch (tests/conftest.py): heavy tests are skipped with the reason unless --heavy or CI is set."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

SAMPLE = '''
import pytest

@pytest.fixture
def ray_cluster():
    return None

@pytest.mark.heavy
def test_marked():
    pass

def test_by_its_fixture(ray_cluster):
    pass

def test_light():
    pass
'''


def _outcomes(tmp_path: Path, ci: str | None, *args: str) -> str:
    (tmp_path / "test_sample.py").write_text(SAMPLE, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    if ci is not None:
        env["CI"] = ci
    env["PYTHONPATH"] = str(ROOT)
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "tests.conftest", "-c", os.devnull, "--rootdir", str(tmp_path), "-p", "no:cacheprovider",
         "-q", "-rs", "--strict-markers", "-o", "markers=heavy: a heavy test", *args, str(tmp_path / "test_sample.py")],
        capture_output=True, text=True, timeout=300, cwd=tmp_path, env=env,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


@pytest.mark.parametrize("ci", [None, "false"])
def test_a_plain_run_skips_the_heavy_tests_with_the_reason(tmp_path: Path, ci: str | None) -> None:
    out = _outcomes(tmp_path, ci)
    assert "1 passed, 2 skipped" in out, out
    assert out.count("heavy (a real OmegaT, Chromium, server or Ray cluster): run with --heavy; CI runs it") == 2, out


@pytest.mark.parametrize(("ci", "args"), [("true", ()), (None, ("--heavy",))])
def test_ci_or_the_option_runs_them_all(tmp_path: Path, ci: str | None, args: tuple[str, ...]) -> None:
    out = _outcomes(tmp_path, ci, *args)
    assert "3 passed" in out and "skipped" not in out, out
