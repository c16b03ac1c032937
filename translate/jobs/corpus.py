"""The corpus job: two folders paired, every pair aligned and written as ``align SOURCE TARGET`` writes one.

Pairing the folders and reading a pair are :mod:`translate.alignment.corpus`;
what runs the pipeline on each pair and writes its files, and the one TMX
merged from all of them, lives here, above the pipeline and the exporters.  The
pairs may be aligned here (:func:`align_local`) or on a Ray cluster (the CLI
passes :func:`translate.cluster.runner.align_corpus`'s results): either way
:func:`run_corpus` writes the same files.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from translate import TOOL_NAME, __version__
from translate.alignment.corpus import CorpusPair, load_pair, pair_folders, plan_pairs
from translate.errors import TarjamaError, shown
from translate.model import Alignment, Document
from translate.settings import ExportOptions, Overwrite
from translate.textio import atomic_writer, temporary_name

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class CorpusJob:
    """The pairs to align, every one read and checked, and every output checked: holding no document text."""

    pairs: tuple[CorpusPair, ...]
    output_dir: Path
    export: ExportOptions
    presegmented: bool = False
    language_check: bool = True
    merged_tmx: Path | None = None
    unpaired: int = 0
    """Files of either side without a counterpart (each warned about by :func:`plan_corpus`)."""
    skipped: int = 0
    """Pairs with an empty side, not aligned (each warned about)."""


@dataclass(frozen=True, slots=True)
class PairDone:
    """One pair's outcome, reported as soon as its files are written."""

    pair: CorpusPair
    beads: int
    written: tuple[Path, ...]


def plan_corpus(
    source_dir: str,
    target_dir: str,
    output_dir: Path,
    export: ExportOptions,
    *,
    presegmented: bool = False,
    language_check: bool = True,
    merged_tmx: Path | None = None,
) -> CorpusJob:
    """Pair the folders, read and check every pair, and check every output, before any pair is aligned."""
    from translate.export import prepare_outputs

    pairing = pair_folders(source_dir, target_dir)
    for path in pairing.unpaired_source:
        log.warning("%s", f"{shown(path)}: no English counterpart in {shown(target_dir)}; not aligned")
    for path in pairing.unpaired_target:
        log.warning("%s", f"{shown(path)}: no Arabic counterpart in {shown(source_dir)}; not aligned")
    if not pairing.pairs:
        raise TarjamaError(f"no file of {shown(source_dir)} has a counterpart in {shown(target_dir)} (paired by relative path and name)")
    plan = plan_pairs(pairing.pairs, presegmented, language_check)  # every input checked before any work
    for _, why in plan.skipped:
        log.warning("%s", f"{why}; pair not aligned")
    if not plan.pairs:
        raise TarjamaError(f"every pair of {shown(source_dir)} and {shown(target_dir)} has an empty file; nothing to align")
    sources = [path for pair in plan.pairs for path in (pair.source, pair.target)]
    prepare_outputs(output_dir, [pair.stem for pair in plan.pairs], export.formats, export.target_lang or "en", sources, export.overwrite)
    if merged_tmx is not None:
        from translate.textio import refuse_overwriting_inputs, refuse_replacing_others

        refuse_overwriting_inputs([merged_tmx], sources)
        refuse_replacing_others([merged_tmx], export.overwrite)
    unpaired = len(pairing.unpaired_source) + len(pairing.unpaired_target)
    return CorpusJob(plan.pairs, output_dir, export, presegmented, language_check, merged_tmx, unpaired, len(plan.skipped))


def aligned_here(job: CorpusJob) -> Iterator[tuple[int, CorpusPair, Alignment]]:
    """The job's pairs aligned in this process (:func:`align_local`)."""
    return align_local(job.pairs, job.presegmented, job.language_check)


def run_corpus(
    job: CorpusJob, aligned: Iterable[tuple[int, CorpusPair, Alignment]], done: Callable[[PairDone], None]
) -> tuple[int, Path | None]:
    """Write each pair's files as its alignment arrives (in any order), and the merged TMX in the pairs' order.

    ``done`` is told of each pair once its files are written.  Returns the
    number of beads over all pairs and the merged TMX (``None`` without one);
    an interrupted run leaves no fragment of the merged TMX behind.
    """
    from translate.export.base import with_min_score

    export = job.export
    merged = (
        MergedTmx(job.merged_tmx, export.source_lang, export.target_lang, export.tmx_dedupe, export.overwrite)
        if job.merged_tmx is not None
        else None
    )
    try:
        beads = 0
        for index, pair, alignment in aligned:
            alignment = with_min_score(alignment, export.min_score)  # aligned here or on Ray: the driver decides what the TMX keeps
            written = write_pair(alignment, job, pair)
            if merged is not None:
                merged.add(index, pair.stem, alignment)
            beads += len(alignment.beads)
            done(PairDone(pair, len(alignment.beads), written))
        return beads, merged.finish() if merged is not None else None
    finally:
        if merged is not None:
            merged.discard()


def write_pair(alignment: Alignment, job: CorpusJob, pair: CorpusPair) -> tuple[Path, ...]:
    from translate.jobs.translate import write_alignment

    return write_alignment(alignment, job.output_dir, pair.stem, job.export, (pair.source, pair.target))


def align_pair(source: Document, target: Document, presegmented: bool = False, aligner: object | None = None) -> Alignment:
    """One pair through the single-pair pipeline (the function a Ray worker runs, too)."""
    from translate.pipeline import align_translation

    return align_translation(source, target, presegmented=presegmented, aligner=aligner)  # type: ignore[arg-type]


def align_local(
    pairs: Iterable[CorpusPair], presegmented: bool = False, language_check: bool = True
) -> Iterator[tuple[int, CorpusPair, Alignment]]:
    """Each pair aligned in turn with one aligner (its embedding model loaded once), as (index, pair, alignment),
    the shape the cluster's :func:`translate.cluster.runner.align_corpus` yields; a generator, so memory stays bounded."""
    from translate.alignment.aligner import SentenceAligner

    aligner = SentenceAligner()
    for index, pair in enumerate(pairs):
        source, target = load_pair(pair, presegmented, language_check)
        yield index, pair, align_pair(source, target, presegmented, aligner)


class MergedTmx:
    """One TMX for the whole corpus, written as pairs finish but in the pairs' order, atomically at the end.

    Each pair's units go to a fragment file as soon as the pair is aligned (the
    driver keeps no alignment in memory), and :meth:`finish` joins the fragments
    in the pairing's order, so a run on Ray, where pairs finish in any order,
    writes the same file as a local run.  A ``tuid`` is ``STEM#N``: unique in the
    file, and ``N`` is the bead number of that pair's own outputs.
    """

    def __init__(
        self,
        path: Path,
        source_lang: str | None = None,
        target_lang: str | None = None,
        dedupe: bool = False,
        overwrite: Overwrite = Overwrite.OURS,
    ) -> None:
        self.path = Path(path)
        self.overwrite = overwrite
        self.source_lang = source_lang
        self.target_lang = target_lang
        self.dedupe = dedupe
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # Named like every temporary file of ours, so that a later run clears it once this process is gone.
        self._parts = self.path.parent / temporary_name(".part")
        self._parts.mkdir()
        self._aligner: str | None = None
        self._segmenter: str | None = None
        self._min_score: float | None = None
        self._source_lang = source_lang or "ar"

    def add(self, index: int, stem: str, alignment: Alignment) -> None:
        from translate.export.base import with_languages, xml_text
        from translate.export.tmx import _unit, units

        labelled = with_languages(alignment, self.source_lang, self.target_lang)
        self._aligner = self._aligner or alignment.provenance.aligner
        self._segmenter = self._segmenter or alignment.provenance.segmenter
        self._min_score = alignment.provenance.min_score
        date = alignment.provenance.created.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        lines = []
        for unit in units(labelled, self.dedupe):
            tu = _unit(labelled, unit, date)
            tu[0] = tu[0].replace(f'tuid="{unit.number}"', f'tuid="{_attr(stem)}#{unit.number}"', 1)
            tu.insert(1, f'      <prop type="x-document">{xml_text(stem)}</prop>')
            lines.extend(tu)
        (self._parts / f"{index:09d}.part").write_text("".join(line + "\n" for line in lines), encoding="utf-8")
        self._source_lang = labelled.source.lang

    def finish(self) -> Path:
        from translate.export.tmx import head, header_attributes

        date = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        props = [(f"x-{TOOL_NAME}-{k}", v) for k, v in (("tool-version", __version__), ("segmenter", self._segmenter), ("aligner", self._aligner)) if v]
        props.append((f"x-{TOOL_NAME}-corpus", "one merged file; each unit's x-document is the pair's output name"))
        if self._min_score is not None:
            props.append((f"x-{TOOL_NAME}-min-score", f"{self._min_score:g} (pairs scoring below it are not in the TMX)"))
        try:
            # Joined a fragment at a time into the output's temporary file: bounded memory, then one rename.
            with atomic_writer(self.path, overwrite=self.overwrite) as out:
                out.write("\n".join(head(header_attributes(self._source_lang, date), props)) + "\n")
                for part in sorted(self._parts.glob("*.part")):
                    out.write(part.read_text(encoding="utf-8"))
                out.write("  </body>\n</tmx>\n")
        finally:
            self.discard()
        return self.path

    def discard(self) -> None:
        import shutil

        shutil.rmtree(self._parts, ignore_errors=True)


def _attr(value: str) -> str:
    from translate.export.base import xml_attrs

    return xml_attrs({"v": value})[len(' v="') : -1]
