"""The align job: an Arabic article and its English translation, aligned and written (``tarjama align SOURCE TARGET``)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from translate.errors import TarjamaError
from translate.settings import ExportOptions
from translate.textio import STDIN, output_stem


@dataclass(frozen=True, slots=True)
class AlignReport:
    """What the command's one line says: the counts on both sides and the files written."""

    beads: int
    source_segments: int
    target_segments: int
    unmatched_source: int
    """Beads with Arabic and no English: what a reviewer looks at first."""
    unmatched_target: int
    written: tuple[Path, ...]


def align_files(
    source_path: str,
    target_path: str,
    output_dir: Path,
    export: ExportOptions,
    *,
    mt: str | None = None,
    presegmented: bool = False,
    language_check: bool = True,
) -> AlignReport:
    """Read both sides (and ``mt``, a machine translation that bridges the languages), check every output, align, write.

    The outputs are checked after the inputs are read and before the aligner's
    model is loaded, so a bad file or a name clash fails in a second.
    """
    from translate.alignment.corpus import CorpusPair, load_pair
    from translate.export import prepare_outputs, write_outputs
    from translate.pipeline import align_translation

    stem = output_stem(source_path)
    source, target = load_pair(CorpusPair(source_path, target_path, stem), presegmented, language_check)
    machine = None
    if mt:
        from translate.alignment.machine import read_machine_translation

        if mt == STDIN and STDIN in (source_path, target_path):
            raise TarjamaError("stdin (-) can be read only once")
        machine = read_machine_translation(mt, source)
    sources = [p for p in (source_path, target_path, mt) if p]
    prepare_outputs(output_dir, [stem], export.formats, export.target_lang or "en", sources, export.overwrite)
    alignment = align_translation(source, target, presegmented=presegmented, mt=machine, mt_label=Path(mt).name if mt else "")
    written = write_outputs(alignment, output_dir, stem, export, inputs=sources)
    return AlignReport(
        beads=len(alignment.beads),
        source_segments=len(source.segments),
        target_segments=len(target.segments),
        unmatched_source=sum(1 for b in alignment.beads if not b.target),
        unmatched_target=sum(1 for b in alignment.beads if not b.source),
        written=tuple(written),
    )
