"""The transformers backend: a model whose config lacks a usable special token id is one line, not a TypeError."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from translate.errors import TarjamaError
from translate.translation.backends.hf import TransformersBackend
from translate.translation.source import resolve_source


@pytest.mark.parametrize(("name", "value"), [("pad_token_id", None), ("eos_token_id", [0, 2])])
def test_a_config_without_one_special_token_id_is_one_line(tiny_model: Path, tmp_path: Path, name: str, value: object) -> None:
    model = tmp_path / "model"
    shutil.copytree(tiny_model, model)
    config = json.loads((model / "config.json").read_text(encoding="utf-8"))
    config[name] = value
    (model / "config.json").write_text(json.dumps(config), encoding="utf-8")
    with pytest.raises(TarjamaError, match=re.escape(f"its config.json gives {name}={value!r}, expected one token id")):
        TransformersBackend(resolve_source(str(model)), device="cpu")
