"""What every output format shares: a name, a file suffix, rendering to text and atomic writing."""

from __future__ import annotations

import abc
import re
from datetime import datetime, timezone
from pathlib import Path
from typing import ClassVar

from translate.model import Alignment
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
    def render(self, alignment: Alignment) -> str:
        """The whole file as text; nothing is written until it is complete."""

    def write(self, alignment: Alignment, outdir: Path, stem: str) -> Path:
        path = Path(outdir) / (stem + self.suffix(alignment))
        write_atomic(path, self.render(alignment))
        return path
