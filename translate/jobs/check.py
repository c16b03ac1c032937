"""The check job: QA of an existing translation, and its checked pairs written where asked (``tarjama check``)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from translate.model import Alignment, Document
from translate.settings import ExportOptions


@dataclass(frozen=True, slots=True)
class CheckedTranslation:
    """The checked pairs, with the line of the translation's file that holds each bead's target."""

    alignment: Alignment
    lines: tuple[int, ...]
    inputs: tuple[str, ...]
    """The files the check read: no output may replace one of them."""
    qa: str
    """The QA summary ("3 numbers, 1 length"), empty when no segment is flagged."""


def check_files(
    source_path: str,
    target_path: str,
    *,
    glossary: str | None = None,
    output_dir: Path | None = None,
    export: ExportOptions | None = None,
    language_check: bool = True,
) -> CheckedTranslation:
    """Read and pair the two files, check every output (with ``output_dir``), then flag what to review.

    Writing is a second step (:func:`write_checked`) so that the command can
    print the flagged lines before the files are written, as it always has.
    """
    from translate.pipeline import check_translation, read_translation
    from translate.qa import load_glossary, summary

    pair = read_translation(source_path, target_path, language_check=language_check, read_source=read_source)
    terms = load_glossary(glossary) if glossary is not None else None
    inputs = tuple(p for p in (source_path, target_path, glossary) if p)
    if output_dir is not None and export is not None and export.formats:
        from translate.export import prepare_outputs

        prepare_outputs(output_dir, [pair.source.name], export.formats, "en", inputs, export.overwrite)
    alignment = check_translation(pair, terms)
    return CheckedTranslation(alignment, pair.lines, inputs, summary(alignment.beads) or "")


def write_checked(checked: CheckedTranslation, output_dir: Path, export: ExportOptions) -> list[Path]:
    """The checked pairs in every format asked for, named after the source (checked by :func:`check_files`)."""
    from translate.export import write_outputs

    return write_outputs(checked.alignment, output_dir, checked.alignment.source.name, export, inputs=checked.inputs)


def read_source(path: str, name: str) -> Document:
    """A Word document or web page as ``tarjama translate`` reads it (tables, headers, notes included), so its draft pairs."""
    from translate.inputs import InputFile
    from translate.jobs.translate import read_input

    return read_input(InputFile(path, name))
