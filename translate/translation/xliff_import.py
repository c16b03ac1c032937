"""Read post-edited XLIFF 1.2 and 2.0 files for the translation memory: what a translator confirmed.

The loop translate → post-edit → import → tune closes here: a CAT tool
hands back the XLIFF that ``tarjama translate --to xliff`` (or any tool)
wrote, with each target in a state that says whether a person confirmed it.
Only confirmed targets become human units; the rest are skipped and counted
by reason, so an import of a half-reviewed file never turns a machine draft
into a "human" match (which would then also become training data for
``tarjama tune``).

Confirmed means:

* XLIFF 1.2: ``state`` ``translated``, ``final`` or ``signed-off``, or the
  unit ``approved="yes"``; a ``translated`` target whose ``state-qualifier``
  is ``mt-suggestion`` or ``leveraged-mt`` is a machine pre-translation that
  nobody touched (some tools write it so), and is skipped;
* XLIFF 2.0/2.1: segment ``state`` ``translated``, ``reviewed`` or
  ``final``; ``translated`` with tarjama's own ``subState="tarjama:mt"`` or
  ``tarjama:tm`` is the draft as tarjama wrote it (XLIFF 2 has no "needs
  review" state) and is skipped until a reviewer moves it on.

Inline codes that hold the original format's markup (1.2 ``bpt``, ``ept``,
``it``, ``ph``) are left out of the text, as the TMX import leaves out TMX's.
The file is read under the one XML policy (:mod:`translate.xmlread`).
"""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from translate import TOOL_NAME
from translate.errors import TarjamaError
from translate.tmxread import primary_language
from translate.translation.tmx_import import TmxUnits, read_tmx
from translate.xmlread import element_text, parse_xml

XLIFF12 = "urn:oasis:names:tc:xliff:document:1.2"
XLIFF20 = "urn:oasis:names:tc:xliff:document:2.0"
CONFIRMED_12 = frozenset({"translated", "final", "signed-off"})
CONFIRMED_20 = frozenset({"translated", "reviewed", "final"})
MT_QUALIFIERS = frozenset({"mt-suggestion", "leveraged-mt"})
DRAFT_SUBSTATES = frozenset({f"{TOOL_NAME}:mt", f"{TOOL_NAME}:tm"})
XLIFF_SUFFIXES = (".xlf", ".xliff", ".sdlxliff", ".mqxliff")
_CODES_12 = frozenset({"bpt", "ept", "it", "ph"})
_SNIFF = 4096


def is_xliff(path: str | Path) -> bool:
    """By its name, or by an ``<xliff`` root near the top of a file named otherwise."""
    if str(path).lower().endswith(XLIFF_SUFFIXES):
        return True
    try:
        with open(path, "rb") as fh:
            head = fh.read(_SNIFF)
    except OSError:
        return False  # the reader that follows says why the file cannot be read
    return b"<xliff" in head or b"<\x00x\x00l\x00i\x00f\x00f" in head


def read_translations(path: str | Path, source_lang: str = "ar", target_lang: str = "en") -> TmxUnits:
    """Human pairs of a TMX or XLIFF file, whichever it is."""
    return read_xliff(path, source_lang, target_lang) if is_xliff(path) else read_tmx(path, source_lang, target_lang)


def read_xliff(path: str | Path, source_lang: str = "ar", target_lang: str = "en") -> TmxUnits:
    """Pairs (source, target) of every confirmed target of an XLIFF 1.2 or 2.x file, the others counted by reason."""
    root = parse_xml(Path(path), str(path))
    namespace = etree.QName(root).namespace or ""
    if etree.QName(root).localname != "xliff":
        raise TarjamaError(f"{path}: not an XLIFF file: the root element is <{etree.QName(root).localname}>")
    units = TmxUnits()
    version = root.get("version", "")
    if namespace == XLIFF20 or version.startswith("2"):
        _read_20(root, namespace, source_lang, target_lang, units)
    else:
        _read_12(root, namespace, source_lang, target_lang, units)
    return units


def _tag(namespace: str, name: str) -> str:
    return f"{{{namespace}}}{name}" if namespace else name


def _languages_match(found_source: str | None, found_target: str | None, source_lang: str, target_lang: str) -> bool:
    """A file or unit that says its languages must say ours; one that says nothing is taken as ours."""
    return (not found_source or primary_language(found_source) == source_lang) and (
        not found_target or primary_language(found_target) == target_lang
    )


def _read_12(root: etree._Element, ns: str, source_lang: str, target_lang: str, units: TmxUnits) -> None:
    codes = frozenset(_tag(ns, name) for name in _CODES_12)
    for file in root.iter(_tag(ns, "file")):
        if not _languages_match(file.get("source-language"), file.get("target-language"), source_lang, target_lang):
            units.skipped[f"not {source_lang} to {target_lang}"] += sum(1 for _ in file.iter(_tag(ns, "trans-unit")))
            continue
        for unit in file.iter(_tag(ns, "trans-unit")):
            source, target = unit.find(_tag(ns, "source")), unit.find(_tag(ns, "target"))
            if unit.get("translate") == "no":
                units.skipped["not for translation"] += 1
                continue
            if source is None or target is None:
                units.skipped["no target"] += 1
                continue
            state, qualifier = target.get("state", ""), target.get("state-qualifier", "")
            approved = unit.get("approved") == "yes"
            if not approved and state not in CONFIRMED_12:
                units.skipped[f"state {state}" if state else "no state"] += 1
                continue
            if not approved and state == "translated" and qualifier in MT_QUALIFIERS:
                units.skipped[f"machine translation not reviewed ({qualifier})"] += 1
                continue
            _add(units, element_text(source, codes), element_text(target, codes), source_lang, target_lang)


def _read_20(root: etree._Element, ns: str, source_lang: str, target_lang: str, units: TmxUnits) -> None:
    segments = list(root.iter(_tag(ns, "segment")))
    if not _languages_match(root.get("srcLang"), root.get("trgLang"), source_lang, target_lang):
        units.skipped[f"not {source_lang} to {target_lang}"] += len(segments)
        return
    for segment in segments:
        source, target = segment.find(_tag(ns, "source")), segment.find(_tag(ns, "target"))
        if source is None or target is None:
            units.skipped["no target"] += 1
            continue
        state, sub_state = segment.get("state", "initial"), segment.get("subState", "")
        if state not in CONFIRMED_20:
            units.skipped[f"state {state}"] += 1
            continue
        if state == "translated" and sub_state in DRAFT_SUBSTATES:
            units.skipped["machine translation not reviewed"] += 1
            continue
        _add(units, element_text(source), element_text(target), source_lang, target_lang)


def _add(units: TmxUnits, source: str, target: str, source_lang: str, target_lang: str) -> None:
    source, target = " ".join(source.split()), " ".join(target.split())
    if not source or not target:
        units.skipped[f"no {source_lang} and {target_lang} text"] += 1
        return
    units.pairs.append((source, target))
