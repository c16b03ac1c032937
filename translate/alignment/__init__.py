"""Alignment stage: pairs source and target segments into beads.

``pair_translations`` is for our own MT output, where the pairing is known;
``SentenceAligner`` is for an existing translation, where it must be found
(``align_documents``, Gale–Church, is kept as the baseline it is measured against).
"""

from translate.alignment.aligner import SentenceAligner
from translate.alignment.length import GaleChurchAligner, align_documents
from translate.alignment.pairing import PAIRING_SIGNATURE, pair_translations

__all__ = ["PAIRING_SIGNATURE", "GaleChurchAligner", "SentenceAligner", "align_documents", "pair_translations"]
