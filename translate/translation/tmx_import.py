"""Read translation units from a TMX file (1.1–1.4) for the translation memory.

Only human translations are wanted: units that tarjama itself wrote from
machine translation (``<prop type="x-origin">mt</prop>``, or a memory match
that was machine translation) are skipped, so that importing a tarjama draft
never turns MT into a "human" match.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from translate.errors import TarjamaError

_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# Inline elements whose content is markup of the original format, not text.
_CODES = {"bpt", "ept", "it", "ph", "ut"}


@dataclass(slots=True)
class TmxUnits:
    pairs: list[tuple[str, str]] = field(default_factory=list)
    skipped: Counter = field(default_factory=Counter)


def read_tmx(path: str | Path, source_lang: str = "ar", target_lang: str = "en") -> TmxUnits:
    """Pairs (source, target) of every unit with both languages and human origin."""
    units = TmxUnits()
    try:
        for _, element in ET.iterparse(str(path), events=("end",)):
            if element.tag != "tu":
                continue
            _read_unit(element, source_lang, target_lang, units)
            element.clear()
    except ET.ParseError as exc:
        raise TarjamaError(f"{path}: not a well-formed TMX file ({exc})") from None
    except OSError as exc:
        raise TarjamaError(f"cannot read {path}: {exc.strerror or exc}") from None
    return units


def _read_unit(tu: ET.Element, source_lang: str, target_lang: str, units: TmxUnits) -> None:
    props = {p.get("type"): (p.text or "") for p in tu.findall("prop")}
    origin = props.get("x-origin", "").lower()
    if origin == "mt":
        units.skipped["machine translation"] += 1
        return
    texts: dict[str, str] = {}
    for tuv in tu.findall("tuv"):
        lang = (tuv.get(_XML_LANG) or tuv.get("lang") or "").lower().replace("_", "-").split("-")[0]
        seg = tuv.find("seg")
        if seg is not None and lang and lang not in texts:
            texts[lang] = " ".join(_seg_text(seg).split())
    source, target = texts.get(source_lang), texts.get(target_lang)
    if not source or not target:
        units.skipped[f"no {source_lang} and {target_lang} text"] += 1
        return
    units.pairs.append((source, target))


def _seg_text(element: ET.Element) -> str:
    parts = [element.text or ""]
    for child in element:
        if child.tag not in _CODES:
            parts.append(_seg_text(child))
        parts.append(child.tail or "")
    return "".join(parts)
