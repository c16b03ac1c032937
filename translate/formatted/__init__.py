"""Formatted documents (Word, web pages) translated with their formatting, and their XLIFF round trip.

:mod:`.tagged` is the text-with-inline-codes model, :mod:`.base` the filter
family (one class per format, reading and writing it), :mod:`.units` the step
from units to the plain sentences the engine translates.  See docs/formatted.md.
"""

from translate.formatted.base import FILTERS, Filter, TextUnit, filter_for, filter_named
from translate.formatted.tagged import Code, CodeKind, SplitText, TaggedText, split_at
from translate.formatted.units import SegmentedUnits, segment_units

__all__ = [
    "FILTERS",
    "Code",
    "CodeKind",
    "Filter",
    "SegmentedUnits",
    "SplitText",
    "TaggedText",
    "TextUnit",
    "filter_for",
    "filter_named",
    "segment_units",
    "split_at",
]
