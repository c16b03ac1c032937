"""One cache directory for everything tarjama can rebuild, however the user spells its location."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from translate import cache

ROOT = Path(__file__).resolve().parents[1]
FLORES = ROOT / "tests" / "fixtures" / "flores"


def test_every_cache_lives_under_cache_dir_with_home_expanded(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv(cache.ENV_VAR, "~/tarjama-cache")
    root = tmp_path / "tarjama-cache"
    assert cache.cache_dir() == root
    assert {cache.default_tm_path().parent, cache.converted_models_dir().parent, cache.embedding_cache_path().parent} == {root}


def test_the_aligners_embedding_cache_expands_home_like_the_rest(tmp_path) -> None:
    """It used to take ``TARJAMA_CACHE_DIR=~/c`` literally: a folder named ``~`` in the working directory."""
    work = tmp_path / "work"
    work.mkdir()
    env = {**os.environ, "HOME": str(tmp_path), cache.ENV_VAR: "~/c", "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(
        [sys.executable, "-m", "translate", "align", str(FLORES / "encephalitis.ar.txt"), str(FLORES / "encephalitis.en.txt"),
         "-o", str(tmp_path / "out"), "--to", "tsv", "-q"],
        cwd=work, env=env, capture_output=True, timeout=300, check=False,
    )
    assert proc.returncode == 0, proc.stderr.decode()
    assert (tmp_path / "c" / "embeddings.sqlite3").is_file()
    assert not (work / "~").exists()
