"""The adapter: n-best from each backend, detection, uploads read through translate.inputs."""

from __future__ import annotations

from pathlib import Path

import pytest

from translate.errors import TarjamaError
from translate.serve import engine
from translate.serve.config import Limits, ServeConfig
from translate.settings import DecodingSettings

SENTENCE = "أعلنت وزارة الدفاع الروسية يوم السبت أن قواتها أكملت تحرير المنطقة."


@pytest.mark.parametrize("backend", ["ctranslate2", "transformers"])
def test_n_best_is_the_decoders_list_best_first(tiny_model: Path, backend: str) -> None:
    loaded = engine.open_translator(ServeConfig(model=str(tiny_model), decoding=DecodingSettings(backend=backend, device="cpu", no_repeat_ngram=0), no_tm=True, quiet=True))
    best = loaded.translate([SENTENCE])[0].text
    hypotheses = loaded.n_best(SENTENCE, 4)
    assert hypotheses[0] == best, "with the engine's beam the first hypothesis is the engine's translation"
    assert 2 <= len(hypotheses) <= 4 and len(set(hypotheses)) == len(hypotheses)


def test_detect_language() -> None:
    assert engine.detect_language(SENTENCE) == ("ar", 100.0)
    assert engine.detect_language("Hello world") == ("en", 100.0)
    assert engine.detect_language("123 !") == ("en", 0.0)


def test_split_sentences_as_an_article_paragraph() -> None:
    assert engine.split_sentences("قال الوزير. ثم ذهب!") == ["قال الوزير.", "ثم ذهب!"]


def test_upload_errors_name_the_upload_not_the_server_path(tmp_path: Path) -> None:
    path = tmp_path / "secret-dir" / "report.docx"
    path.parent.mkdir()
    path.write_bytes(b"PK\x03\x04 broken")
    with pytest.raises(TarjamaError) as error:
        engine.read_document(path, "report", Limits())
    assert "report.docx" in str(error.value) and str(tmp_path) not in str(error.value)


def test_the_server_enforces_its_termbase(tiny_model: Path) -> None:
    from translate.terminology import parse_glossary

    glossary = parse_glossary("وزارة الدفاع\tMinistry of Defence\n", "team.tsv")
    config = ServeConfig(model=str(tiny_model), decoding=DecodingSettings(backend="ctranslate2", device="cpu", compute_type="float32"), no_tm=True, quiet=True)
    loaded = engine.open_translator(config, glossary)
    assert "Ministry of Defence" in loaded.translate([SENTENCE])[0].text
    assert f"termbase=team.tsv sha256:{glossary.digest[:12]}" in loaded.info.decoding


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


@pytest.mark.skipif(not Path("/proc/self/status").is_file(), reason="reads RSS from /proc (Linux)")
def test_memory_freed_on_a_decoding_thread_goes_back_to_the_system() -> None:
    """What made the server's RSS creep: buffers freed on another thread stay in its glibc arena until trimmed."""
    import threading

    if engine.release_freed_memory() == 0:
        pytest.skip("no malloc_trim here (not glibc): nothing to release")
    held: list[bytes] = []

    def decode_like() -> None:  # many batch-sized buffers on a thread of its own, all freed but the last
        buffers = [bytes(bytearray(96 * 1024)) for _ in range(1500)]
        held.append(buffers[-1])
        del buffers

    worker = threading.Thread(target=decode_like)
    worker.start()
    worker.join()
    before = _rss_mb()
    assert engine.release_freed_memory() == 1
    after = _rss_mb()
    assert before - after > 60, f"RSS {before:.0f} MB before, {after:.0f} MB after: the ~140 MB freed stayed resident"


def test_the_server_translator_releases_freed_memory_at_most_once_a_second(tiny_model: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from translate.translation import load_translator

    loaded = engine.LoadedTranslator(load_translator(str(tiny_model), DecodingSettings(device="cpu", beam=1)))
    monkeypatch.setattr(engine, "RELEASE_EVERY_S", 3600.0)
    assert loaded.translate(["مرحبا بالعالم."])[0].text is not None
    assert loaded.releases == 0, "not within the interval"
    monkeypatch.setattr(engine, "RELEASE_EVERY_S", 0.0)
    loaded.translate(["مرحبا بالعالم."])
    assert loaded.releases == 1, "after a call once the interval has passed"
