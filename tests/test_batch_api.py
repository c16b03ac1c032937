"""The batch API (translate/batch.py) that the CLI, the server and the cluster runner share."""

from __future__ import annotations

from pathlib import Path

import pytest

from translate import batch
from translate.errors import TarjamaError
from translate.settings import DecodingSettings, ExportOptions
from translate.translation import load_translator
from translate.translation.memory import TranslationMemory

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    inputs = tmp_path / "in"
    (inputs / "sub").mkdir(parents=True)
    (inputs / "article.txt").write_text((FIXTURES / "article.ar.txt").read_text(encoding="utf-8"), encoding="utf-8")
    (inputs / "sub" / "bbc.txt").write_text((FIXTURES / "ntrex" / "bbc.381790.ar.txt").read_text(encoding="utf-8"), encoding="utf-8")
    return inputs


def test_plan_checks_every_input_and_output_and_holds_no_text(folder: Path, tmp_path: Path) -> None:
    job = batch.plan([str(folder)], tmp_path / "out", ExportOptions(formats=("txt", "tmx")))
    assert [i.stem for i in job.inputs] == ["article", "sub/bbc"]
    assert job.segments == sum(len(batch.read_input(i).segments) for i in job.inputs)
    assert not (tmp_path / "out").exists(), "proved writable before any model loads, made by the first write"
    (tmp_path / "file").write_text("x", encoding="utf-8")
    with pytest.raises(TarjamaError, match="-o DIR"):
        batch.plan([str(folder)], tmp_path / "file" / "out", ExportOptions())
    assert not hasattr(job, "documents") and job.stdin is None


def test_plan_refuses_a_wrong_language_and_an_output_over_an_input(folder: Path, tmp_path: Path) -> None:
    english = folder / "english.txt"
    english.write_text((FIXTURES / "ntrex" / "bbc.381790.en.txt").read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(TarjamaError, match="english.txt"):
        batch.plan([str(folder)], tmp_path / "out", ExportOptions())
    assert batch.plan([str(folder)], tmp_path / "out", ExportOptions(), language_check=False).inputs
    english.unlink()
    page = folder / "article.html"
    page.write_text("<html><body><p>" + "نص عربي طويل بما يكفي للتحقق من اللغة. " * 5 + "</p></body></html>", encoding="utf-8")
    with pytest.raises(TarjamaError, match="overwrite"):
        batch.plan([str(page)], folder, ExportOptions(formats=("html",)))


def test_reports_count_from_the_translations_themselves(folder: Path, tmp_path: Path, tiny_model: Path) -> None:
    settings = DecodingSettings(device="cpu", beam=1)
    job = batch.plan([str(folder)], tmp_path / "out", ExportOptions(formats=("txt", "tmx")))
    with TranslationMemory(tmp_path / "tm.sqlite") as memory:
        translator = load_translator(str(tiny_model), settings, memory=memory)
        done: list[int] = []
        first = list(batch.translate_files(job, translator, done.append))
        assert sum(done) == job.segments, "one progress count over the whole batch"
        assert all(r.new + r.stored == r.segments and r.human == 0 for r in first)
        assert sum(r.new for r in first) == job.segments
        assert [p.name for p in first[0].written] == ["article.en.txt", "article.tmx"]
        title = batch.read_input(job.inputs[0]).segments[0].text
        memory.store_human([(title, "A human title.")], origin="test")
        again = list(batch.translate_files(job, translator))
    assert [r.new for r in again] == [0, 0], "the second run decodes nothing"
    occurrences = sum(s.text == title for s in batch.read_input(job.inputs[0]).segments)
    assert again[0].human == occurrences and again[0].stored == again[0].segments - occurrences
    assert f"{occurrences} human" in batch.document_line(again[0])
    table = batch.summary_table(again).splitlines()
    assert table[0].split() == ["file", "segments", "human", "TM", "stored", "MT", "new", "MT", "flagged", "seconds"]
    assert table[-1].split()[:5] == ["total", str(job.segments), str(occurrences), str(job.segments - occurrences), "0"]


def test_stdin_is_read_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tiny_model: Path) -> None:
    import io
    import sys

    text = (FIXTURES / "article.ar.txt").read_bytes()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(text), encoding="utf-8"))
    job = batch.plan(["-"], tmp_path / "out", ExportOptions(formats=("txt",)))
    assert job.stdin is not None and job.segments == len(job.stdin.segments)
    translator = load_translator(str(tiny_model), DecodingSettings(device="cpu", beam=1))
    (report,) = batch.translate_files(job, translator)
    assert report.segments == job.segments and (tmp_path / "out" / "stdin.en.txt").is_file()
