"""The reference backend: transformers' ``MarianMTModel.generate`` in torch.

torch and transformers' model classes are imported here and nowhere else, so
the commands that do not translate (segment, evaluate, align) start fast.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Sequence
from typing import Any

from translate.errors import TarjamaError, first_line
from translate.translation.backends.base import Backend, cpu_threads
from translate.translation.source import ModelSource

COMPUTE_TYPES = {"default": None, "float32": "float32", "float16": "float16", "bfloat16": "bfloat16"}


class TransformersBackend(Backend):
    name = "transformers"

    def __init__(self, source: ModelSource, *, device: str = "auto", compute_type: str = "default") -> None:
        import torch
        from transformers import MarianMTModel
        from transformers.utils import logging as hf_logging

        hf_logging.set_verbosity_error()
        self._torch = torch
        self.device = _pick_device(torch, device)
        if compute_type not in COMPUTE_TYPES:
            raise TarjamaError(f"the transformers backend runs float32, float16 or bfloat16, not {compute_type!r}")
        self.compute_type = COMPUTE_TYPES[compute_type] or "float32"
        if self.compute_type != "float32" and self.device == "cpu":
            raise TarjamaError(f"--compute-type {self.compute_type} with the transformers backend needs --device cuda")
        if self.device == "cpu" and torch.get_num_threads() > cpu_threads():
            torch.set_num_threads(cpu_threads())
        try:
            with contextlib.redirect_stderr(io.StringIO()):
                model = MarianMTModel.from_pretrained(str(source.path))
        except Exception as exc:
            raise TarjamaError(f"cannot load model {source.model_id!r}: {first_line(exc)[:200]}") from exc
        # transformers declares PreTrainedModel.to with @wraps(torch.nn.Module.to), so its
        # annotations take the device for ``self``: a gap in its typing, not in this call.
        self._model = model.to(self.device, getattr(torch, self.compute_type)).eval()  # type: ignore[arg-type]
        self._pad = _token_id(model.config.pad_token_id, "pad", source)
        self._eos = _token_id(model.config.eos_token_id, "eos", source)

    def generate(
        self,
        batch: Sequence[Sequence[int]],
        *,
        beam: int,
        max_new_tokens: int,
        min_new_tokens: int = 0,
        no_repeat_ngram_size: int = 0,
    ) -> list[list[int]]:
        torch = self._torch
        width = max(len(ids) for ids in batch)
        input_ids = torch.full((len(batch), width), self._pad, dtype=torch.long)
        attention_mask = torch.zeros((len(batch), width), dtype=torch.long)
        for row, ids in enumerate(batch):
            input_ids[row, : len(ids)] = torch.tensor(ids, dtype=torch.long)
            attention_mask[row, : len(ids)] = 1
        options: dict[str, Any] = {"num_beams": beam, "max_new_tokens": max_new_tokens, "do_sample": False}
        if no_repeat_ngram_size:
            options["no_repeat_ngram_size"] = no_repeat_ngram_size
        if min_new_tokens:
            options["min_new_tokens"] = min_new_tokens
            if min_new_tokens >= max_new_tokens:
                options["forced_eos_token_id"] = None
        with torch.inference_mode():
            output = self._model.generate(
                input_ids=input_ids.to(self.device), attention_mask=attention_mask.to(self.device), **options
            )
        return [self._strip(row) for row in output.tolist()]

    def n_best(self, ids: Sequence[int], *, beam: int, count: int, max_new_tokens: int, min_new_tokens: int = 0) -> list[list[int]]:
        torch = self._torch
        options: dict[str, Any] = {
            "num_beams": max(beam, count), "num_return_sequences": count, "max_new_tokens": max_new_tokens, "do_sample": False,
        }
        if min_new_tokens:
            options["min_new_tokens"] = min_new_tokens
            if min_new_tokens >= max_new_tokens:
                options["forced_eos_token_id"] = None
        with torch.inference_mode():
            output = self._model.generate(input_ids=torch.tensor([list(ids)], device=self.device), **options)
        return [self._strip(row) for row in output.tolist()]

    def _strip(self, row: list[int]) -> list[int]:
        ids = row[1:]  # the decoder start token
        if self._eos in ids:
            ids = ids[: ids.index(self._eos)]
        return [i for i in ids if i != self._pad]


def _token_id(value: int | list[int] | None, name: str, source: ModelSource) -> int:
    """A special token id of the model's config, which must be one token: padding and cutting
    the output at the end-of-sentence token need exactly one id (a Marian config gives one)."""
    if isinstance(value, int):
        return value
    raise TarjamaError(f"model {source.model_id!r}: its config.json gives {name}_token_id={value!r}, expected one token id")


def _pick_device(torch: Any, device: str) -> str:
    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if device == "cuda" and not torch.cuda.is_available():
        raise TarjamaError("--device cuda was asked for, but no CUDA device is available")
    if device not in ("cpu", "cuda"):
        raise TarjamaError(f"unknown device {device!r} (use auto, cpu or cuda)")
    return device
