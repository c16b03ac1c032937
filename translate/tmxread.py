"""The one TMX reader: ``tm import`` (human units for the memory) and ``align --mt`` (our own MT) both read units here.

Both used to parse TMX their own way (one recursively, one keeping code
content that the other dropped); now a unit means the same thing to both,
and both read it under the XML policy of :mod:`translate.xmlread`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from translate.xmlread import element_text, iter_xml

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
CODES = frozenset({"bpt", "ept", "it", "ph", "ut"})
"""Inline elements whose content is markup of the original format (``<b>``), not text."""


@dataclass(frozen=True, slots=True)
class TmxUnit:
    """One ``<tu>``: its text per primary language (the first ``<tuv>`` of each, in file order) and its origin."""

    line: int | None
    origin: str
    """``<prop type="x-origin">``, lowercase: ``mt`` for machine translation, ``""`` when absent."""
    texts: tuple[tuple[str, str], ...]

    def text(self, lang: str) -> str | None:
        return next((text for code, text in self.texts if code == lang), None)


def primary_language(code: str) -> str:
    """``ar-SA``, ``AR_sa``, ``ar`` → ``ar``: units match on the primary language subtag."""
    return code.lower().replace("_", "-").split("-")[0]


def read_units(data: bytes | str | Path, label: str | None = None) -> Iterator[TmxUnit]:
    """Every ``<tu>`` of a TMX 1.1–1.4 file, streamed; an :class:`~translate.xmlread.XmlError` for a refused file."""
    for tu in iter_xml(data, label, tag="tu", root="tmx"):
        props = {p.get("type"): (p.text or "") for p in tu.iterchildren("prop")}
        texts: dict[str, str] = {}
        for tuv in tu.iterchildren("tuv"):
            lang = primary_language(tuv.get(XML_LANG) or tuv.get("lang") or "")
            seg = tuv.find("seg")
            if seg is not None and lang and lang not in texts:
                texts[lang] = " ".join(element_text(seg, CODES).split())
        yield TmxUnit(tu.sourceline, props.get("x-origin", "").strip().lower(), tuple(texts.items()))
