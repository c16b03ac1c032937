"""What every output format shares: a name, a file suffix, rendering to text and atomic writing."""

from __future__ import annotations

import abc
import dataclasses
import re
from datetime import datetime, timezone
from pathlib import Path
from typing import ClassVar
from xml.sax.saxutils import escape

from translate.errors import TarjamaError
from translate.model import Alignment
from translate.settings import Overwrite
from translate.textio import write_atomic

# Characters outside the XML 1.0 ``Char`` production.  One of them makes a
# whole TMX unreadable for a CAT tool, and a lone surrogate cannot even be
# encoded as UTF-8, so they are dropped rather than escaped.  C1 controls and
# the bidi marks (U+200E, U+200F, U+061C) are legal and kept.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


_SURROGATE = re.compile("[\ud800-\udfff]")


def encodable(text: str) -> str:
    """Lone surrogates (possible only through the Python API) become U+FFFD so UTF-8 output never fails."""
    return _SURROGATE.sub("\ufffd", text)


def xml_safe(text: str) -> tuple[str, int]:
    """Return ``text`` without the characters XML 1.0 forbids, and how many were removed."""
    return _NOT_XML.subn("", text)


def not_xml(text: str) -> list[str]:
    """The characters XML 1.0 forbids in ``text``, in order: for a warning that names them."""
    return _NOT_XML.findall(text)


# A parser turns a literal CR into LF (and tabs/newlines in attributes into
# spaces); character references survive, so the text reads back unchanged.
_TEXT_ENTITIES = {"\r": "&#13;"}
_ATTR_ENTITIES = {'"': "&quot;", "\t": "&#9;", "\n": "&#10;", "\r": "&#13;"}


def xml_text(text: str) -> str:
    """Element content: XML-safe and escaped."""
    return escape(xml_safe(text)[0], _TEXT_ENTITIES)


def xml_attrs(attributes: dict[str, str]) -> str:
    """`` key="value"`` for each attribute, XML-safe and escaped, in the given order."""
    return "".join(f' {key}="{escape(xml_safe(value)[0], _ATTR_ENTITIES)}"' for key, value in attributes.items())


# Trados Studio refuses (or truncates) a TMX segment longer than this many characters.
MAX_SEGMENT_CHARS = 2000

_LANG_CODE = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*")


def check_lang_code(code: str) -> str:
    """A BCP 47 tag such as ``ar``, ``ar-SA`` or ``en-US``; a CAT tool matches the TM's pair exactly."""
    if not _LANG_CODE.fullmatch(code):
        raise TarjamaError(f"bad language code {code!r} (use a BCP 47 tag such as ar, ar-SA, en, en-US)")
    return code


def primary(lang: str) -> str:
    """``ar`` of ``ar-SA``: what direction, names and file suffixes depend on."""
    return lang.split("-")[0].lower()


def check_languages(source_lang: str | None, target_lang: str | None, source_base: str, target_base: str) -> None:
    """Refuse a malformed code, or one of another language: an Arabic text labelled ``fr`` imports into the wrong memory."""
    for option, code, base in (("--src-lang", source_lang, source_base), ("--tgt-lang", target_lang, target_base)):
        if code is not None:
            check_lang_code(code)
            if primary(code) != primary(base):
                raise TarjamaError(f"{option} {code}: this side is {base}; give a code of that language such as {base} or {base}-XX")


def with_languages(alignment: Alignment, source_lang: str | None = None, target_lang: str | None = None) -> Alignment:
    """The same alignment labelled with the exact codes a CAT project uses (``ar-SA``, ``en-US``)."""
    source, target = alignment.source, alignment.target
    check_languages(source_lang, target_lang, source.lang, target.lang)
    if source_lang and source_lang != source.lang:
        source = dataclasses.replace(source, lang=source_lang)
    if target_lang and target_lang != target.lang:
        target = dataclasses.replace(target, lang=target_lang)
    return dataclasses.replace(alignment, source=source, target=target)


def with_min_score(alignment: Alignment, min_score: float | None) -> Alignment:
    """The alignment whose TMX keeps only pairs scoring ``min_score`` or more; recorded in its provenance,
    so that every output (the TMX's header, the TSV's columns, the review page) says which pairs were left out."""
    if min_score is None or alignment.provenance.min_score == min_score:
        return alignment
    return dataclasses.replace(alignment, provenance=dataclasses.replace(alignment.provenance, min_score=min_score))


def confidence_text(confidence: float) -> str:
    """A confidence as every output shows it: two decimals (``0.83``), the precision a reviewer reads and the QA flag compares."""
    return f"{confidence:.2f}"


def utc(moment: datetime) -> datetime:
    """Read a naive timestamp as UTC: provenance times are taken in UTC."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


class Exporter(abc.ABC):
    """One output format; instances are stateless, so the registry shares one of each."""

    name: ClassVar[str]

    def suffix(self, alignment: Alignment) -> str:
        """The file suffix, a method because the draft's depends on the target language."""
        return f".{self.name}"

    @abc.abstractmethod
    def render(self, alignment: Alignment) -> str | bytes:
        """The whole file as text (bytes for a binary format such as .docx); nothing is written until it is complete."""

    def write(self, alignment: Alignment, outdir: Path, stem: str, overwrite: Overwrite = Overwrite.OURS) -> Path:
        """``OUTDIR/STEM.SUFFIX``; by default it replaces only a file that tarjama wrote there (see :class:`Overwrite`)."""
        path = Path(outdir) / (stem + self.suffix(alignment))
        write_atomic(path, self.render(alignment), overwrite)
        return path
