"""The corpus job's plan, called as a library: every pair and output checked before any pair is aligned."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from translate.errors import TarjamaError
from translate.jobs.corpus import plan_corpus
from translate.settings import ExportOptions


def touch(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_plan_keeps_the_pairs_and_counts_what_it_leaves_out(tmp_path, caplog):
    ar, en = tmp_path / "ar", tmp_path / "en"
    touch(ar / "a" / "one.txt", "هذا نص عربي.\n"), touch(en / "a" / "one.txt", "This is English text.\n")
    touch(ar / "empty.txt", "\n"), touch(en / "empty.txt", "Some text.\n")
    touch(ar / "orphan.txt", "نص بلا ترجمة.\n")
    with caplog.at_level(logging.WARNING, logger="translate"):
        job = plan_corpus(str(ar), str(en), tmp_path / "out", ExportOptions(formats=("tmx",)), merged_tmx=tmp_path / "all.tmx")
    assert [pair.stem for pair in job.pairs] == ["a/one"]
    assert (job.unpaired, job.skipped) == (1, 1)
    assert any("orphan.txt: no English counterpart" in r.getMessage() for r in caplog.records)
    assert not list(tmp_path.rglob("*.tmx"))  # nothing aligned or written yet


def test_plan_refuses_a_merged_tmx_over_an_input(tmp_path):
    ar, en = tmp_path / "ar", tmp_path / "en"
    source = touch(ar / "one.txt", "هذا نص عربي.\n")
    touch(en / "one.txt", "This is English text.\n")
    with pytest.raises(TarjamaError):
        plan_corpus(str(ar), str(en), tmp_path / "out", ExportOptions(formats=("tmx",)), merged_tmx=source)
