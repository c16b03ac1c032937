"""Decoding backends: ``transformers`` (the reference) and ``ctranslate2`` (the fast one).

Choosing a backend is split from loading it.  :func:`plan_backend` says which
backend, device and compute type a run will use from what is cheap to ask
(``import ctranslate2`` and its device queries, ~70 ms; no model, no torch for
``auto``), because that choice is part of the translation memory key and a run
whose segments are all in the memory must not load a model to compute it.
:func:`open_backend` loads the model later, when a segment needs decoding; if
it ends up on another backend than planned (``auto`` falls back to
transformers when CTranslate2 cannot convert or load the model), the engine
re-keys before it reads or writes the memory again.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from translate.errors import TarjamaError
from translate.settings import BACKENDS
from translate.translation.backends.base import Backend
from translate.translation.source import ModelSource

if TYPE_CHECKING:
    from translate.translation.tokenizer import Tokenizer

log = logging.getLogger(__name__)

TRANSFORMERS_COMPUTE = {"default": "float32", "": "float32", "float32": "float32", "float16": "float16", "bfloat16": "bfloat16"}


@dataclass(frozen=True, slots=True)
class BackendPlan:
    """The backend a run will load, resolved without loading it; ``requested_*`` are the user's settings."""

    name: str
    device: str
    compute_type: str
    requested: str = "auto"
    requested_device: str = "auto"
    requested_compute_type: str = "default"

    @property
    def signature(self) -> str:
        """As :attr:`Backend.signature`: backend and numeric precision."""
        return f"{self.name}:{self.compute_type}"

    @property
    def may_fall_back(self) -> bool:
        """``auto`` with the default precision may end on transformers when CTranslate2 fails to load."""
        return self.name == "ctranslate2" and self.requested == "auto" and self.requested_compute_type in ("", "default")


def plan_backend(name: str, device: str = "auto", compute_type: str = "default") -> BackendPlan:
    """The backend, device and compute type a run will use; an impossible choice fails here, before any work."""
    if name not in BACKENDS:
        raise TarjamaError(f"unknown backend {name!r} (use {', '.join(BACKENDS)})")
    if name in ("auto", "ctranslate2"):
        try:
            from translate.translation.backends.ct2 import pick_compute_type, pick_device

            chosen = pick_device(device)
            return BackendPlan("ctranslate2", chosen, pick_compute_type(chosen, compute_type), name, device, compute_type)
        except ImportError:
            if name == "ctranslate2":
                raise TarjamaError("the ctranslate2 backend needs the ctranslate2 package (pip install ctranslate2)") from None
            reason = "ctranslate2 is not installed"
        except TarjamaError as exc:
            if name == "ctranslate2" or compute_type not in ("", "default"):
                raise
            reason = str(exc)
        log.warning("using the transformers backend: %s", reason)
    return _plan_transformers(name, device, compute_type)


def _plan_transformers(name: str, device: str, compute_type: str) -> BackendPlan:
    if compute_type not in TRANSFORMERS_COMPUTE:
        raise TarjamaError(f"the transformers backend runs float32, float16 or bfloat16, not {compute_type!r}")
    if device not in ("auto", "cpu", "cuda"):
        raise TarjamaError(f"unknown device {device!r} (use auto, cpu or cuda)")
    chosen = device
    if device != "cpu":  # only torch can say whether it sees a GPU: the transformers path imports it anyway
        import torch

        if device == "auto":
            chosen = "cuda" if torch.cuda.is_available() else "cpu"
        elif not torch.cuda.is_available():
            raise TarjamaError("--device cuda was asked for, but no CUDA device is available")
    precision = TRANSFORMERS_COMPUTE[compute_type]
    if precision != "float32" and chosen == "cpu":
        raise TarjamaError(f"--compute-type {precision} with the transformers backend needs --device cuda")
    return BackendPlan("transformers", chosen, precision, name, device, compute_type)


def open_backend(plan: BackendPlan, source: ModelSource, tokenizer: Tokenizer) -> Backend:
    """Load the model as planned; ``auto`` falls back to transformers when CTranslate2 cannot load it."""
    if plan.name == "ctranslate2":
        from translate.translation.backends.ct2 import CTranslate2Backend

        try:
            return CTranslate2Backend(source, tokenizer, device=plan.device, compute_type=plan.compute_type)
        except TarjamaError as exc:
            if not plan.may_fall_back:
                raise
            log.warning("using the transformers backend: %s", exc)
            plan = _plan_transformers(plan.requested, plan.requested_device, plan.requested_compute_type)
    from translate.translation.backends.hf import TransformersBackend

    return TransformersBackend(source, device=plan.device, compute_type=plan.compute_type)


__all__ = ["BACKENDS", "Backend", "BackendPlan", "open_backend", "plan_backend"]
