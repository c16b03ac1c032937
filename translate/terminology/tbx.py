"""TBX (ISO 30042): the termbase exchange format of Trados MultiTerm, memoQ and Phrase; TBX-Basic read.

Both generations are read: TBX 2 (``<martif>``, ``<termEntry>``, ``<langSet>``, ``<tig>``/``<ntig>``)
and TBX 3 (``<tbx>``, ``<conceptEntry>``, ``<langSec>``, ``<termSec>``, in its namespace or none).
An entry gives one :class:`Term` per Arabic term (synonyms are all matched), each
translated by the entry's first English term that is not deprecated, superseded
or forbidden (``administrativeStatus``).  An entry is do-not-translate when it
says so (``<termNote type="translatability">nonTranslatable</termNote>``, or a
note or descrip reading "do not translate"/"dnt"); such an entry needs no
English term: its Arabic-side term (a Latin name inside Arabic text) is kept as it is.
Entries in other languages only are skipped.  The XML is read safely
(:mod:`translate.xmlread`: no external entities, no network, a depth limit).
"""

from __future__ import annotations

import logging

from lxml import etree

from translate.errors import TarjamaError
from translate.terminology.entry import DNT_MARKS, Term
from translate.terminology.termbase import Glossary, _checked
from translate.wording import counted
from translate.xmlread import parse_xml

log = logging.getLogger(__name__)

_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_ENTRIES = frozenset({"termEntry", "conceptEntry"})
_TERM_GROUPS = frozenset({"tig", "ntig", "termSec", "termGrp"})
_NOT_PREFERRED = ("deprecated", "superseded", "forbidden", "notrecommended", "obsolete", "admitted-not")


def _name(element: etree._Element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def parse_tbx(data: bytes, name: str = "") -> Glossary:
    label = name or "termbase.tbx"
    root = parse_xml(data, label)
    if _name(root) not in ("martif", "tbx"):
        raise TarjamaError(f"{label}: not a TBX file: the root element is <{_name(root)}>, expected <martif> or <tbx>")
    terms: list[Term] = []
    skipped = 0
    for number, entry in enumerate((e for e in root.iter() if _name(e) in _ENTRIES), start=1):
        found = _entry_terms(entry, number, label)
        skipped += not found
        terms.extend(found)
    if skipped:
        log.info("%s: %s without an Arabic and an English term skipped", label, counted(skipped, "entry"))
    if not terms:
        raise TarjamaError(f"{label}: no entry with an Arabic and an English term (TBX-Basic, langSet xml:lang ar and en)")
    return _checked(terms, name)


def _entry_terms(entry: etree._Element, number: int, label: str) -> list[Term]:
    arabic: list[str] = []
    english: list[str] = []
    for lang_set in (e for e in entry.iter() if _name(e) in ("langSet", "langSec")):
        lang = (lang_set.get(_XML_LANG) or lang_set.get("lang") or "").lower()
        side = arabic if lang.split("-")[0].split("_")[0] == "ar" else english if lang.split("-")[0].split("_")[0] == "en" else None
        if side is None:
            continue
        for term in (e for e in lang_set.iter() if _name(e) == "term"):
            text = " ".join("".join(term.itertext()).split())
            if not text:
                raise TarjamaError(f"{label}: entry {number} (line {term.sourceline}): an empty <term>")
            if not _preferred(term):
                continue
            side.append(text)
    dnt = _do_not_translate(entry)
    if not arabic or (not english and not dnt):
        return []
    return [Term(a, english[0] if english else a, dnt, number) for a in dict.fromkeys(arabic)]


def _preferred(term: etree._Element) -> bool:
    """Whether a term may be produced: its group's administrativeStatus is not deprecated, superseded or forbidden."""
    group = term.getparent()
    if group is None or _name(group) not in _TERM_GROUPS:
        return True
    for note in group.iter():
        if _name(note) in ("termNote", "descrip") and (note.get("type") or "") == "administrativeStatus":
            status = "".join(note.itertext()).strip().lower().replace(" ", "")
            if status.startswith(_NOT_PREFERRED):
                return False
    return True


def _do_not_translate(entry: etree._Element) -> bool:
    for note in entry.iter():
        kind = _name(note)
        if kind not in ("termNote", "descrip", "note", "admin"):
            continue
        value = " ".join("".join(note.itertext()).split()).lower()
        if (note.get("type") or "").lower() == "translatability" and value in ("nontranslatable", "non-translatable", "no", "false", "dnt"):
            return True
        if value in DNT_MARKS - {"x", "yes", "true", "1", "keep"}:
            return True
    return False
