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


def test_min_score_is_applied_where_the_files_are_written_whoever_aligned(tmp_path):
    """A Ray worker returns an alignment without knowing --min-score: run_corpus, in the driver, applies it
    to each pair's TMX and to the merged one alike (here the alignments come from outside, as Ray's do)."""
    from translate.jobs.corpus import run_corpus
    from translate.model import Alignment, Bead, Origin, ParagraphKind, Provenance, assemble_document

    ar, en = tmp_path / "ar", tmp_path / "en"
    touch(ar / "one.txt", "جملة أولى.\nجملة ثانية.\n"), touch(en / "one.txt", "First one.\nSecond one.\n")
    export = ExportOptions(formats=("tmx", "tsv"), min_score=0.5)
    job = plan_corpus(str(ar), str(en), tmp_path / "out", export, presegmented=True, merged_tmx=tmp_path / "all.tmx")
    B = ParagraphKind.BODY
    source = assemble_document("ar", [(B, ["جملة أولى.", "جملة ثانية."])])
    target = assemble_document("en", [(B, ["First one.", "Second one."])])
    beads = (Bead((0,), (0,), 0.9, Origin.HUMAN), Bead((1,), (1,), 0.2, Origin.HUMAN))
    alignment = Alignment(source, target, beads, Provenance("0", "seg", "align"))
    run_corpus(job, [(0, job.pairs[0], alignment)], lambda done: None)
    for tmx in (tmp_path / "out" / "one.tmx", tmp_path / "all.tmx"):
        text = tmx.read_text(encoding="utf-8")
        assert "First one." in text and "Second one." not in text, tmx
        assert '<prop type="x-tarjama-min-score">0.5 ' in text, tmx
    rows = (tmp_path / "out" / "one.tsv").read_text(encoding="utf-8").splitlines()
    assert rows == ["جملة أولى.\tFirst one.\t0.9000\t", "جملة ثانية.\tSecond one.\t0.2000\tleft out"]
