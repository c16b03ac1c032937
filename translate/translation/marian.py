"""MarianMT translation with transformers.

torch and transformers are imported here and nowhere else, so that the
commands that do not translate (segment, evaluate, align) start fast.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import itertools
import math
import os
import socket
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from translate.errors import TarjamaError
from translate.translation.presets import resolve_model

WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin")
LENGTH_BUCKET = 8


class MarianTranslator:
    """A loaded MarianMT model that translates lists of sentences.

    Identical sentences are translated once, and sentences are sorted by
    length before batching so that a batch pads little; results come back in
    the caller's order.
    """

    def __init__(
        self,
        model: str | None = None,
        *,
        device: str = "auto",
        beam: int | None = None,
        batch_size: int = 16,
        max_length_ratio: float = 2.0,
    ) -> None:
        self.model_id = resolve_model(model)
        self.batch_size = batch_size
        self.max_length_ratio = max_length_ratio
        self._torch, self._tokenizer, self._model, self.revision = _load(self.model_id)
        self.device = _pick_device(self._torch, device)
        self._model.to(self.device)
        self._model.eval()
        generation = self._model.generation_config
        self.beam = beam or generation.num_beams or 1
        self.max_positions = int(getattr(self._model.config, "max_position_embeddings", 512) or 512)
        self.max_length = min(int(generation.max_length or self.max_positions), self.max_positions)

    @property
    def decoding(self) -> str:
        """The decoding settings as one reproducible string."""
        return (
            f"beam={self.beam} max_new_tokens=min({self.max_length},{self.max_length_ratio:g}*ceil(src/{LENGTH_BUCKET})*{LENGTH_BUCKET}+10) "
            f"batch={self.batch_size} device={self.device.type}"
        )

    def budget(self, source_tokens: int) -> int:
        """The most tokens a translation of ``source_tokens`` tokens may have.

        It depends on a length bucket, not on the batch, so a sentence gets the
        same cap (and the same output) whatever it is batched with.
        """
        bucket = math.ceil(source_tokens / LENGTH_BUCKET) * LENGTH_BUCKET
        return min(self.max_length, math.ceil(self.max_length_ratio * bucket) + 10)

    def translate(self, sentences: Sequence[str]) -> list[str]:
        unique = list(dict.fromkeys(sentences))
        if not unique:
            return []
        lengths = [len(ids) for ids in self._tokenizer(unique)["input_ids"]]
        if max(lengths) > self.max_positions:
            print(
                f"tarjama: warning: a segment is longer than the model's {self.max_positions} tokens and was cut",
                file=sys.stderr,
            )
        order = sorted(range(len(unique)), key=lambda i: lengths[i], reverse=True)
        translated: dict[str, str] = {}
        # Batches never mix budgets, so batching cannot change any output.
        for budget, group in itertools.groupby(order, key=lambda i: self.budget(lengths[i])):
            members = [unique[i] for i in group]
            for start in range(0, len(members), self.batch_size):
                batch = members[start : start + self.batch_size]
                translated.update(zip(batch, self._generate(batch, budget)))
        return [translated[s] for s in sentences]

    def _generate(self, batch: list[str], budget: int) -> list[str]:
        encoded = self._tokenizer(batch, return_tensors="pt", padding=True, truncation=True, max_length=self.max_positions)
        encoded = {k: v.to(self.device) for k, v in encoded.items()}
        with self._torch.inference_mode():
            output = self._model.generate(**encoded, num_beams=self.beam, max_new_tokens=budget)
        return [t.strip() for t in self._tokenizer.batch_decode(output, skip_special_tokens=True)]


def _pick_device(torch: Any, device: str) -> Any:
    if device == "auto":
        device = "cuda" if torch.cuda.is_available() else "cpu"
    if device == "cuda" and not torch.cuda.is_available():
        raise TarjamaError("--device cuda was asked for, but no CUDA device is available")
    if device not in ("cpu", "cuda"):
        raise TarjamaError(f"unknown device {device!r} (use auto, cpu or cuda)")
    return torch.device(device)


def _load(model_id: str) -> tuple[Any, Any, Any, str | None]:
    """Load tokenizer and model from a local directory or the hub, or fail in one line."""
    path = Path(model_id).expanduser()
    local = path.is_dir()
    if not local and _looks_like_path(model_id):
        raise TarjamaError(f"model directory {model_id!r} does not exist; pass --model DIR with a MarianMT model directory")
    if local:
        missing = [n for n in ("config.json", "source.spm", "target.spm", "vocab.json") if not (path / n).is_file()]
        if missing or not any((path / n).is_file() for n in WEIGHT_FILES):
            what = ", ".join(missing) if missing else "model weights (model.safetensors or pytorch_model.bin)"
            raise TarjamaError(f"{model_id}: not a MarianMT model directory (missing {what})")

    import torch  # noqa: PLC0415 - heavy import kept out of module import time
    from transformers import MarianMTModel, MarianTokenizer  # noqa: PLC0415
    from transformers.utils import logging as hf_logging  # noqa: PLC0415

    hf_logging.set_verbosity_error()
    source = str(path) if local else model_id

    def attempt(local_only: bool) -> tuple[Any, Any]:
        # transformers prints retries and advice to stderr; the user gets our one line instead.
        with contextlib.redirect_stderr(io.StringIO()):
            tokenizer = MarianTokenizer.from_pretrained(source, local_files_only=local_only)
            model = MarianMTModel.from_pretrained(source, local_files_only=local_only, use_safetensors=None)
        return tokenizer, model

    try:
        try:
            tokenizer, model = attempt(local_only=True)
        except OSError:
            if local or os.environ.get("HF_HUB_OFFLINE") not in (None, "", "0"):
                raise
            _require_hub(model_id)
            tokenizer, model = attempt(local_only=False)
    except TarjamaError:
        raise
    except Exception as exc:  # noqa: BLE001 - any loader failure becomes one actionable line
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise TarjamaError(
            f"cannot load model {model_id!r}: {reason[:200]}; to work offline, pass --model DIR with a downloaded MarianMT model directory"
        ) from None
    revision = getattr(model.config, "_commit_hash", None) or (_weights_digest(path) if local else None)
    return torch, tokenizer, model, revision


def _looks_like_path(name: str) -> bool:
    return name.startswith((".", "/", "~")) or os.sep + os.sep in name or name.count("/") > 1 or name.endswith("/")


def _require_hub(model_id: str) -> None:
    """Fail in seconds, not minutes of retries, when the model hub cannot be reached."""
    from huggingface_hub import constants  # noqa: PLC0415

    url = urlparse(constants.ENDPOINT)
    host, port = url.hostname or "huggingface.co", url.port or (443 if url.scheme == "https" else 80)
    try:
        socket.create_connection((host, port), timeout=5).close()
    except OSError:
        raise TarjamaError(
            f"model {model_id!r} is neither a local directory nor in the download cache, and the model hub "
            f"({host}) cannot be reached; download it on a connected machine and pass --model DIR"
        ) from None


def _weights_digest(path: Path) -> str | None:
    """A content hash stands in for the hub revision of a local model directory."""
    for name in WEIGHT_FILES:
        weights = path / name
        if weights.is_file():
            digest = hashlib.sha256()
            with weights.open("rb") as fh:
                for block in iter(lambda: fh.read(1 << 20), b""):
                    digest.update(block)
            return f"sha256:{digest.hexdigest()[:16]}"
    return None
