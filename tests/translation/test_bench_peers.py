"""scripts/bench_peers.py: its arguments and the argos-translate package it builds (the peers themselves are not installed here)."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "bench_peers.py"


def _script():
    spec = importlib.util.spec_from_file_location("bench_peers", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def test_quick_is_fewer_rounds_documents_and_requests() -> None:
    quick = subprocess.run([sys.executable, str(SCRIPT), "--quick", "--dry-run"], capture_output=True, text=True, timeout=60, check=True)
    full = subprocess.run([sys.executable, str(SCRIPT), "--dry-run"], capture_output=True, text=True, timeout=60, check=True)
    q, f = json.loads(quick.stdout), json.loads(full.stdout)
    assert (q["rounds"], q["documents"]) == (2, 40) and (f["rounds"], f["documents"]) == (3, 120)
    assert sum(q["requests"]) < sum(f["requests"])
    assert not Path(q["peers_dir"]).resolve().is_relative_to(ROOT), "the peers live outside the repository"


def test_the_package_has_argos_layout(tmp_path: Path, tiny_model: Path) -> None:
    """One top folder holding metadata.json, the CTranslate2 model, sentencepiece.model and the sentence splitter."""
    converted = tmp_path / "ct2"
    converted.mkdir()
    (converted / "model.bin").write_bytes(b"weights")
    (converted / "shared_vocabulary.json").write_text("[]", encoding="utf-8")
    splitter = tmp_path / "spacy"
    splitter.mkdir()
    (splitter / "config.cfg").write_text("[nlp]\nlang = \"ar\"\n", encoding="utf-8")
    archive = _script().build_package(tiny_model, tmp_path / "out", "ar", "en", converted, splitter)
    assert archive.suffix == ".argosmodel"
    with zipfile.ZipFile(archive) as zf:
        names = set(zf.namelist())
        metadata = json.loads(zf.read("ar_en/metadata.json"))
    assert {"ar_en/metadata.json", "ar_en/model/model.bin", "ar_en/model/shared_vocabulary.json", "ar_en/sentencepiece.model", "ar_en/spacy/config.cfg"} <= names
    assert (metadata["from_code"], metadata["to_code"], metadata["type"]) == ("ar", "en", "translate")
    with zipfile.ZipFile(archive) as zf:
        assert zf.read("ar_en/sentencepiece.model") == (tiny_model / "source.spm").read_bytes()
