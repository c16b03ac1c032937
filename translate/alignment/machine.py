"""Reading our own earlier machine translation back, for the MT bridge of ``tarjama align --mt``.

Post-editing workflow: ``tarjama translate article.ar.txt`` writes
``article.tmx`` (Arabic segment + its MT) and ``article.en.txt`` (the draft);
a translator reworks the draft; ``tarjama align article.ar.txt final.en.txt
--mt article.tmx`` then aligns the Arabic with the translator's English, using
the MT as a bridge.  The TMX is the exact record (each Arabic segment with its
own MT); the draft ``.en.txt`` works too when its paragraphs still hold one
sentence per Arabic segment.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import defaultdict, deque

from translate.errors import TarjamaError
from translate.model import Document

_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def machine_translation(text: str, label: str, source: Document) -> list[str | None]:
    """The MT of every source segment (``None`` where it is not known), from a TMX or a plain-text draft."""
    if text.lstrip().startswith("<"):
        return _from_tmx(text, label, source)
    return _from_draft(text, label, source)


def _lang(tuv: ET.Element) -> str:
    return (tuv.get(_XML_LANG) or tuv.get("lang") or "").lower().split("-")[0].split("_")[0]


def _from_tmx(text: str, label: str, source: Document) -> list[str | None]:
    try:
        root = ET.fromstring(text.encode("utf-8"))
    except ET.ParseError as exc:
        raise TarjamaError(f"{label}: not a readable TMX file ({exc})") from None
    src_lang = source.lang.lower()
    by_source: dict[str, deque[str]] = defaultdict(deque)
    units = 0
    for tu in root.iter("tu"):
        sides: dict[str, str] = {}
        for tuv in tu.iter("tuv"):
            seg = tuv.find("seg")
            if seg is not None:
                sides[_lang(tuv)] = "".join(seg.itertext())
        if src_lang in sides:
            others = [v for k, v in sides.items() if k != src_lang]
            if others:
                by_source[_key(sides[src_lang])].append(others[0])
                units += 1
    if not units:
        raise TarjamaError(f"{label}: no translation units with a '{src_lang}' side in this TMX")
    out: list[str | None] = []
    for segment in source.segments:
        queue = by_source.get(_key(segment.text))
        out.append(queue.popleft() if queue else None)
    if all(t is None for t in out):
        raise TarjamaError(f"{label}: none of its {units} units has an Arabic side that matches a segment of the source; is it the TMX of this article?")
    return out


def _key(text: str) -> str:
    return " ".join(text.split())


def _from_draft(text: str, label: str, source: Document) -> list[str | None]:
    """A draft as ``tarjama translate`` writes it: a line (paragraph) per source paragraph."""
    from translate.segmentation import segment_document

    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if len(lines) == len(source.segments):  # one segment per line
        return list(lines)
    draft = segment_document(text, "en")
    if len(draft.paragraphs) != len(source.paragraphs):
        raise TarjamaError(
            f"{label}: {len(draft.paragraphs)} paragraphs for {len(source.paragraphs)} in the source; "
            "pass the NAME.tmx that 'tarjama translate' wrote instead"
        )
    out: list[str | None] = []
    for src_par, mt_par in zip(source.paragraphs, draft.paragraphs):
        if len(src_par.segments) == len(mt_par.segments):
            out.extend(s.text for s in mt_par.segments)
        else:  # the MT split a sentence differently: no bridge for this paragraph
            out.extend([None] * len(src_par.segments))
    return out
