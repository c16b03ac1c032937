"""Output formats: the English draft, TMX, the HTML review page and TSV.

None of these imports torch or transformers, so exporting (and the CLI's
option checking) stays fast.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from translate.errors import TarjamaError
from translate.export.base import Exporter, xml_safe
from translate.export.html import HtmlExporter
from translate.export.text import DraftExporter
from translate.export.tmx import TmxExporter
from translate.export.tsv import TsvExporter
from translate.model import Alignment

__all__ = ["EXPORTERS", "Exporter", "get_exporter", "parse_formats", "write_outputs", "xml_safe"]

EXPORTERS: dict[str, Exporter] = {
    exporter.name: exporter for exporter in (TmxExporter(), HtmlExporter(), DraftExporter(), TsvExporter())
}


def get_exporter(name: str) -> Exporter:
    try:
        return EXPORTERS[name]
    except KeyError:
        raise TarjamaError(f"unknown output format {name!r} (choose from: {', '.join(EXPORTERS)})") from None


def parse_formats(spec: str, allowed: Sequence[str]) -> list[str]:
    """Turn a CLI value such as ``"txt,tmx,html"`` into format names, refusing a typo before any work is done."""
    choices = ", ".join(allowed)
    if not spec.strip():
        raise TarjamaError(f"no output format given (choose from: {choices})")
    names: list[str] = []
    for raw in spec.split(","):
        name = raw.strip().lower()
        if not name:
            raise TarjamaError(f"empty output format in {spec!r} (choose from: {choices})")
        if name not in EXPORTERS:
            raise TarjamaError(f"unknown output format {name!r} (choose from: {choices})")
        if name not in allowed:
            raise TarjamaError(f"output format {name!r} is not available here (choose from: {choices})")
        if name not in names:
            names.append(name)
    return names


def write_outputs(alignment: Alignment, outdir: Path, stem: str, formats: Iterable[str]) -> list[Path]:
    """Write one file per format; every name is checked before the first file is written."""
    exporters = [get_exporter(name) for name in formats]
    return [exporter.write(alignment, outdir, stem) for exporter in exporters]
