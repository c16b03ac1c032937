"""Decoding backends: ``transformers`` (the reference) and ``ctranslate2`` (the fast one)."""

from __future__ import annotations

import logging
from typing import Any

from translate.errors import TarjamaError
from translate.settings import BACKENDS
from translate.translation.backends.base import Backend
from translate.translation.source import ModelSource

log = logging.getLogger(__name__)


def open_backend(
    name: str,
    source: ModelSource,
    tokenizer: Any,
    *,
    device: str = "auto",
    compute_type: str = "default",
) -> Backend:
    """Load the model in the named backend; ``auto`` is CTranslate2 when it loads, else transformers."""
    if name not in BACKENDS:
        raise TarjamaError(f"unknown backend {name!r} (use {', '.join(BACKENDS)})")
    if name in ("auto", "ctranslate2"):
        try:
            from translate.translation.backends.ct2 import CTranslate2Backend

            return CTranslate2Backend(source, tokenizer, device=device, compute_type=compute_type)
        except ImportError:
            if name == "ctranslate2":
                raise TarjamaError("the ctranslate2 backend needs the ctranslate2 package (pip install ctranslate2)") from None
            reason = "ctranslate2 is not installed"
        except TarjamaError as exc:
            if name == "ctranslate2" or compute_type not in ("", "default"):
                raise
            reason = str(exc)
        log.warning("using the transformers backend: %s", reason)
    from translate.translation.backends.hf import TransformersBackend

    return TransformersBackend(source, device=device, compute_type=compute_type)


__all__ = ["BACKENDS", "Backend", "open_backend"]
