"""Alignment stage: pairs source and target segments into beads.

``pair_translations`` is for our own MT output, where the pairing is known;
``SentenceAligner`` is for an existing translation, where it must be found
(``align_documents``, Gale–Church, is kept as the baseline it is measured against).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from translate.alignment.pairing import PAIRING_SIGNATURE, pair_translations

if TYPE_CHECKING:
    from translate.alignment.aligner import SentenceAligner
    from translate.alignment.length import GaleChurchAligner, align_documents

# The aligners need numpy: imported on first use, so that `tarjama translate`, which only
# pairs its own translations, does not pay for them.
_LAZY = {"SentenceAligner": "aligner", "GaleChurchAligner": "length", "align_documents": "length"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f"translate.alignment.{_LAZY[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["PAIRING_SIGNATURE", "GaleChurchAligner", "SentenceAligner", "align_documents", "pair_translations"]
