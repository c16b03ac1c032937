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
