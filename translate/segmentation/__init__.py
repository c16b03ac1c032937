"""Rule-based sentence segmentation of Arabic and English news text.

Pure Python (stdlib only) so that ``tarjama segment`` starts without loading
any model.  The language rules live in :mod:`translate.segmentation.rules`.
"""

from translate.segmentation.splitter import (
    SEGMENTER_NAME,
    SEGMENTER_VERSION,
    presegmented_document,
    segment_document,
    signature,
    split_sentences,
)

__all__ = [
    "SEGMENTER_NAME",
    "SEGMENTER_VERSION",
    "presegmented_document",
    "segment_document",
    "signature",
    "split_sentences",
]
