"""Output formats: the English draft (.txt, .docx), TMX, XLIFF 1.2 and 2.0, the HTML review page and TSV.

None of these imports torch or transformers, so exporting (and the CLI's
option checking) stays fast.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from pathlib import Path

from translate.errors import TarjamaError, shown
from translate.export.base import MAX_SEGMENT_CHARS, Exporter, not_xml, with_languages, with_min_score, xml_safe
from translate.export.docx import DocxExporter
from translate.export.html import HtmlExporter
from translate.export.text import DraftExporter
from translate.export.tmx import TmxExporter
from translate.export.tsv import TsvExporter
from translate.export.xliff import XliffExporter
from translate.export.xliff2 import Xliff2Exporter
from translate.model import Alignment, Document, Provenance
from translate.settings import ExportOptions, Overwrite
from translate.textio import check_output_names, prepare_output_dir, refuse_overwriting_inputs, refuse_replacing_others
from translate.wording import counted

__all__ = [
    "EXPORTERS",
    "Exporter",
    "export_warnings",
    "get_exporter",
    "parse_formats",
    "planned_outputs",
    "prepare_outputs",
    "with_languages",
    "with_min_score",
    "write_outputs",
    "xml_safe",
]

log = logging.getLogger(__name__)

EXPORTERS: dict[str, Exporter] = {
    exporter.name: exporter
    for exporter in (
        TmxExporter(), HtmlExporter(), DraftExporter(), TsvExporter(), XliffExporter(), Xliff2Exporter(), DocxExporter()
    )
}

ALIASES = {"xlf": "xliff"}
"""Other names users type for a format: ``--to xlf`` is ``--to xliff``."""

# Formats whose files are XML (or HTML): characters XML forbids are dropped from them.
_XML_FORMATS = frozenset({"tmx", "html", "xliff", "xliff2", "docx"})
# Formats a CAT tool imports segment by segment, where Trados' length limit applies.
_CAT_FORMATS = frozenset({"tmx", "xliff", "xliff2"})


def get_exporter(name: str) -> Exporter:
    try:
        return EXPORTERS[ALIASES.get(name, name)]
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
        name = ALIASES.get(name, name)
        if not name:
            raise TarjamaError(f"empty output format in {spec!r} (choose from: {choices})")
        if name not in EXPORTERS:
            raise TarjamaError(f"unknown output format {name!r} (choose from: {choices})")
        if name not in allowed:
            raise TarjamaError(f"output format {name!r} is not available here (choose from: {choices})")
        if name not in names:
            names.append(name)
    return names


def export_warnings(alignment: Alignment, formats: Iterable[str]) -> list[str]:
    """What a user must hear about before loading the files: one line per kind of problem, not one per sentence."""
    formats = {ALIASES.get(f, f) for f in formats}
    warnings = []
    if formats & _XML_FORMATS:
        numbers, removed = [], []
        for number, bead in enumerate(alignment.beads, start=1):
            bad = not_xml(alignment.source_text(bead)) + not_xml(alignment.target_text(bead)) + not_xml(" ".join(map(str, bead.flags)))
            if bad:
                numbers.append(number)
                removed += bad
        elsewhere = not_xml(alignment.source.name + alignment.target.name + "".join(v for _, v in alignment.provenance.items()))
        removed += elsewhere
        if removed:
            where = f"{'sentence' if len(numbers) == 1 else 'sentences'} #{_list(numbers)}" if numbers else "document names"
            kinds = ", ".join(sorted({_codepoint(c) for c in removed}))
            outputs = ", ".join(sorted(formats & _XML_FORMATS))
            warnings.append(
                f"removed {counted(len(removed), 'character')} that XML does not allow ({kinds}) from {where} in the {outputs} output; "
                "the txt and tsv outputs keep them"
            )
    if formats & _CAT_FORMATS:
        long = []
        for number, bead in enumerate(alignment.beads, start=1):
            if bead.source and bead.target:
                length = max(len(alignment.source_text(bead)), len(alignment.target_text(bead)))
                if length > MAX_SEGMENT_CHARS:
                    long.append(f"#{number} ({length})")
        if long:
            warnings.append(
                f"{counted(len(long), 'segment')} longer than {MAX_SEGMENT_CHARS} characters, which Trados Studio refuses: "
                f"{_list(long, prefix='')}; split them in the source"
            )
    return warnings


def _codepoint(char: str) -> str:
    return f"U+{ord(char):04X}"


def _list(items: Sequence[object], limit: int = 10, prefix: str = "#") -> str:
    shown = [str(i) for i in items[:limit]]
    text = f", {prefix}".join(shown)
    return text + (f" and {len(items) - limit} more" if len(items) > limit else "")


def write_outputs(
    alignment: Alignment,
    outdir: Path,
    stem: str,
    export: ExportOptions | Iterable[str],
    *,
    inputs: Sequence[str | Path] = (),
) -> list[Path]:
    """Write one file per format; every name (and language code) is checked before the first file is written.

    ``export`` carries the formats and the exact language codes of a CAT
    project (``ar-SA``, ``en-US``); a plain list of format names writes the
    documents' own codes.  Warnings go to this module's logger.  No output is
    written over one of ``inputs`` (the files the outputs were made from), nor,
    unless ``export.overwrite`` says so, over a file that tarjama did not write.
    """
    if not isinstance(export, ExportOptions):
        export = ExportOptions(formats=tuple(export))
    formats = list(export.formats)
    exporters = [get_exporter(name) for name in formats]
    if export.tmx_dedupe:
        exporters = [TmxExporter(dedupe=True) if e.name == "tmx" else e for e in exporters]
    labelled = with_min_score(with_languages(alignment, export.source_lang, export.target_lang), export.min_score)
    refuse_overwriting_inputs([Path(outdir) / (stem + e.suffix(labelled)) for e in exporters], inputs)
    for message in export_warnings(labelled, formats):
        log.warning("%s: %s", shown(stem), message)
    return [exporter.write(labelled, outdir, stem, export.overwrite) for exporter in exporters]


def prepare_outputs(
    outdir: Path,
    stems: Iterable[str],
    formats: Iterable[str],
    target_lang: str,
    inputs: Iterable[str | Path],
    overwrite: Overwrite = Overwrite.OURS,
) -> None:
    """Everything about the outputs that can fail is checked before a model is loaded: the folder is
    writable, every name fits the file system, no output would land on an input, and none would
    replace a file that tarjama did not write (unless ``overwrite`` allows it)."""
    formats = list(formats)
    outputs = [path for stem in stems for path in planned_outputs(outdir, stem, formats, target_lang)]
    refuse_overwriting_inputs(outputs, inputs)
    refuse_replacing_others(outputs, overwrite)
    check_output_names(outputs)
    prepare_output_dir(Path(outdir))


def planned_outputs(outdir: Path, stem: str, formats: Iterable[str], target_lang: str) -> list[Path]:
    """The files ``write_outputs`` will write, known before anything is translated: the suffixes depend
    only on the target language, so an empty alignment in that language names them."""
    empty = Alignment(
        source=Document("", "", ()), target=Document(target_lang, "", ()), beads=(),
        provenance=Provenance(tool_version="", segmenter="", aligner=""),
    )
    return [Path(outdir) / (stem + get_exporter(name).suffix(empty)) for name in formats]
