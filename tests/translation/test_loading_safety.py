"""Model files are data, never code: safetensors first, pickles never executed, no remote code."""

import pickle
import shutil
from pathlib import Path

from translate.settings import DecodingSettings
from translate.translation import load_translator

ROOT = Path(__file__).resolve().parents[2]


class _Exploit:
    """A pickle that would create a file if it were ever unpickled."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (Path.touch, (self.marker,))


def test_safetensors_are_preferred_and_a_malicious_pickle_beside_them_is_never_run(tiny_model, tmp_path):
    model = tmp_path / "model"
    shutil.copytree(tiny_model, model)
    marker = tmp_path / "pwned"
    (model / "pytorch_model.bin").write_bytes(pickle.dumps(_Exploit(marker)))
    translator = load_translator(str(model), DecodingSettings(device="cpu", beam=1))
    assert translator.translate(["مرحبا."])  # it loaded, from model.safetensors
    assert not marker.exists()


def test_remote_code_is_never_trusted(tiny_model, tmp_path):
    """A config that asks for custom code (auto_map) still loads the plain Marian classes, running nothing."""
    import json

    model = tmp_path / "model"
    shutil.copytree(tiny_model, model)
    config = json.loads((model / "config.json").read_text())
    config["auto_map"] = {"AutoModelForSeq2SeqLM": "evil.EvilModel"}
    (model / "config.json").write_text(json.dumps(config))
    marker = tmp_path / "pwned"
    (model / "evil.py").write_text(f"from pathlib import Path\nPath({str(marker)!r}).touch()\n")
    load_translator(str(model), DecodingSettings(device="cpu", beam=1))
    assert not marker.exists()
    sources = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "translate").rglob("*.py"))
    assert "trust_remote_code=True" not in sources
