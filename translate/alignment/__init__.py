"""Alignment stage: pairs source and target segments into beads.

``pair_translations`` is for our own MT output, where the pairing is known;
``align_documents`` is for an existing translation, where it must be found.
"""

from translate.alignment.length import GaleChurchAligner, align_documents
from translate.alignment.pairing import PAIRING_SIGNATURE, pair_translations

__all__ = ["GaleChurchAligner", "align_documents", "pair_translations", "PAIRING_SIGNATURE"]
