"""The batch API's folder path: documents decoded together write exactly what one at a time writes (float32)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from translate import batch
from translate.settings import DecodingSettings, ExportOptions
from translate.translation import load_translator
from translate.translation.memory import TranslationMemory

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
# float32: an output may not depend on anything but its own batch, and no int8 kernel choice may hide a difference.
# A fixed output length gives every sentence one length budget, so a short article is one batch (as in the
# benchmark): two decoding calls at once can then only be two documents, never two batches of one.
SETTINGS = DecodingSettings(device="cpu", backend="ctranslate2", compute_type="float32", beam=2, max_source_tokens=40, fixed_length=12)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """Short articles (two or three paragraphs each, as in a news folder); one repeats another, one line is split."""
    paragraphs = [
        line
        for name in ("bbc.381790.ar.txt", "nytimes.184860.ar.txt")
        for line in (FIXTURES / "ntrex" / name).read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    inputs = tmp_path / "in"
    inputs.mkdir()
    articles = [paragraphs[i : i + 3] for i in range(0, min(len(paragraphs), 24), 3)]
    articles.append(articles[1])  # a repeat: with a memory its segments come from the earlier document
    articles.append([" ".join(paragraphs[:6])])  # one line longer than the input limit: split into pieces
    for n, article in enumerate(articles):
        (inputs / f"doc-{n:02d}.txt").write_text("\n\n".join(article) + "\n", encoding="utf-8")
    return inputs


def _run(
    model: Path, inputs: list[Path], out: Path, memory: TranslationMemory | None, spy: list[int] | None = None
) -> list[batch.DocumentReport]:
    translator = load_translator(str(model), SETTINGS, memory=memory)
    if spy is not None:
        backend = translator.load()
        if backend.parallelism < 2:
            pytest.skip("one CPU core: CTranslate2 runs one replica, nothing to overlap")
        spy.append(0)
        _watch(backend, spy)
    job = batch.plan([str(p) for p in inputs], out, ExportOptions(formats=("txt", "tsv")))
    return list(batch.translate_files(job, translator))


def _watch(backend: object, spy: list[int]) -> None:
    """Record how many decoding calls run at once (the real backend's calls, only counted).

    A call waits up to a second for a second one to start, so that two
    documents in flight are seen as two calls at once however fast the tiny
    model decodes; one document at a time never has two.
    """
    generate = backend.generate  # type: ignore[attr-defined]
    lock = threading.Lock()
    running = [0]
    other = threading.Event()

    def counted(*args: object, **kwargs: object) -> object:
        with lock:
            running[0] += 1
            spy[0] = max(spy[0], running[0])
            if running[0] > 1:
                other.set()
        other.wait(1.0)
        try:
            return generate(*args, **kwargs)
        finally:
            with lock:
                running[0] -= 1
                if running[0] == 0:
                    other.clear()

    backend.generate = counted  # type: ignore[attr-defined]


@pytest.mark.parametrize("with_memory", [False, True])
def test_a_folder_decodes_documents_together_and_writes_what_one_at_a_time_writes(
    folder: Path, tmp_path: Path, tiny_model: Path, with_memory: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OMP_NUM_THREADS", "2")  # the suite's one thread per process would give CTranslate2 one replica
    files = sorted(folder.iterdir())
    seen: list[int] = []
    memory = TranslationMemory(tmp_path / "folder.sqlite") if with_memory else None
    together = _run(tiny_model, [folder], tmp_path / "together", memory, spy=seen)
    assert seen[0] >= 2, "documents' batches were decoded together, on both replicas"
    alone_memory = TranslationMemory(tmp_path / "alone.sqlite") if with_memory else None
    alone = [report for path in files for report in _run(tiny_model, [path], tmp_path / "alone", alone_memory)]
    assert len(together) == len(alone) == len(files)
    for a, b in zip(together, alone):
        assert Path(a.path).name == Path(b.path).name, "reports come in input order"
        assert (a.segments, a.human, a.stored, a.new, a.flagged) == (b.segments, b.human, b.stored, b.new, b.flagged)
    if with_memory:
        assert together[-2].stored == together[-2].segments > 0, "the repeated article came from the memory (awaited)"
        assert memory is not None and alone_memory is not None
        assert memory.counts() == alone_memory.counts(), "the same segments and pieces stored"
        memory.close()
        alone_memory.close()
    for name in sorted(p.name for p in (tmp_path / "alone").iterdir()):
        text = (tmp_path / "together" / name).read_text(encoding="utf-8")
        assert text == (tmp_path / "alone" / name).read_text(encoding="utf-8"), name
    split = [line for line in (tmp_path / "together" / "doc-09.tsv").read_text(encoding="utf-8").splitlines() if "split" in line]
    assert split, "the long line was split into pieces (through the worker's own memory connection when there is one)"
