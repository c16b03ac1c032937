"""Corpus alignment: an archive of Arabic articles and the folder of their English versions.

Localization teams build translation memory from years of published pairs, not
from one article; this module pairs two folders' files by relative path and
name, and runs the single-pair pipeline (:func:`translate.pipeline.align_translation`)
on each pair, so a pair aligned here gives exactly the files ``tarjama align
SOURCE TARGET`` gives.  The same functions run on Ray workers
(:mod:`translate.cluster`), which is why a pair is a small picklable value and
the work on it is one function.

A file without a counterpart is reported, never dropped silently: a missing
English version is the usual sign that the archive was exported incompletely.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from translate import TOOL_NAME, __version__
from translate.errors import EmptyInput, TarjamaError, shown
from translate.model import Alignment, Document
from translate.settings import Overwrite
from translate.textio import atomic_writer, temporary_name

LANGUAGE_TAGS = ("ar", "en", "ara", "eng")
"""A last name part that says the language (``NAME.ar.txt`` / ``NAME.en.txt``) is not part of the pairing key."""


@dataclass(frozen=True, slots=True)
class CorpusPair:
    """One Arabic file and its English version; ``stem`` is where its outputs go under -o (``a/NAME``)."""

    source: str
    target: str
    stem: str


@dataclass(frozen=True, slots=True)
class Pairing:
    """The pairs in a stable order (sorted by key) and the files of either side that have no counterpart."""

    pairs: tuple[CorpusPair, ...]
    unpaired_source: tuple[str, ...]
    unpaired_target: tuple[str, ...]


def is_corpus(source: str, target: str) -> bool:
    return Path(source).is_dir() and Path(target).is_dir()


def pair_folders(source_dir: str, target_dir: str) -> Pairing:
    """Pair ``AR/a/NAME.txt`` with ``EN/a/NAME.txt`` (any input format on either side: ``.html`` ↔ ``.txt`` pairs too).

    The key is the relative path without the suffix and without a trailing
    language tag, so ``a/NAME.ar.txt`` pairs with ``a/NAME.en.html``.  Two files of
    one side with the same key are an error (which one is the article?), not a guess.
    """
    source = _keyed(source_dir)
    target = _keyed(target_dir)
    if not source:
        raise TarjamaError(f"{shown(source_dir)}: no input files (.txt, .html, .htm, .docx) in this folder")
    if not target:
        raise TarjamaError(f"{shown(target_dir)}: no input files (.txt, .html, .htm, .docx) in this folder")
    pairs = tuple(
        CorpusPair(str(source[key]), str(target[key]), Path(source[key]).relative_to(source_dir).with_suffix("").as_posix())
        for key in sorted(source.keys() & target.keys())
    )
    return Pairing(
        pairs,
        tuple(str(source[k]) for k in sorted(source.keys() - target.keys())),
        tuple(str(target[k]) for k in sorted(target.keys() - source.keys())),
    )


def _keyed(folder: str) -> dict[str, Path]:
    from translate.inputs import folder_files, warn_other_formats

    root = Path(folder)
    found: dict[str, Path] = {}
    files, others = folder_files(root)
    warn_other_formats(others, "aligned")
    for path in files:  # translate's walk: a subfolder that cannot be read stops the run by name
        key = _key(path.relative_to(root))
        if key in found:
            raise TarjamaError(
                f"{shown(found[key])} and {shown(path)} would both pair with the same file; rename one or move it out of {shown(folder)}"
            )
        found[key] = path
    return found


def _key(relative: Path) -> str:
    stem = relative.with_suffix("")
    name, dot, tag = stem.name.rpartition(".")
    if dot and name and tag.lower() in LANGUAGE_TAGS:
        stem = stem.with_name(name)
    return stem.as_posix()


def load_pair(pair: CorpusPair, presegmented: bool = False, language_check: bool = True) -> tuple[Document, Document]:
    """Read both sides as ``tarjama align`` reads a pair: any input format, and each side in its own script.

    The one reader of the single-pair and the corpus form, so the checks of one are the checks of both.
    """
    from translate.inputs import load_document, read_lines
    from translate.script import check_script
    from translate.textio import output_stem

    names = (Path(pair.stem).name, output_stem(pair.target))
    if presegmented:
        from translate.segmentation import presegmented_document

        source = presegmented_document("\n".join(read_lines(pair.source, "--presegmented")), "ar", name=names[0])
        target = presegmented_document("\n".join(read_lines(pair.target, "--presegmented")), "en", name=names[1])
    else:
        source, target = load_document(pair.source, "ar", name=names[0]), load_document(pair.target, "en", name=names[1])
    if language_check:
        check_script(source.text, "ar", pair.source, "the Arabic source")
        check_script(target.text, "en", pair.target, "the English translation")
    return source, target


@dataclass(frozen=True, slots=True)
class CorpusPlan:
    """The pairs to align, every one read and checked, and those left out because a side has no text (with why)."""

    pairs: tuple[CorpusPair, ...]
    skipped: tuple[tuple[CorpusPair, str], ...]


def plan_pairs(pairs: Iterable[CorpusPair], presegmented: bool = False, language_check: bool = True) -> CorpusPlan:
    """Read and check every pair before any is aligned, as ``translate`` plans a folder (:func:`translate.batch.plan`).

    A bad file stops the run here, before the aligner's model is loaded and
    before any output is written, not after the pairs before it were aligned.
    A pair with an empty side is skipped, as ``translate`` skips an empty file
    of a folder: an empty file is a common export accident, it has nothing to
    align, and stopping would lose the rest of an archive for it.  One pair is
    held at a time, so memory stays bounded whatever the archive's size.
    """
    keep: list[CorpusPair] = []
    skipped: list[tuple[CorpusPair, str]] = []
    for pair in pairs:
        try:
            load_pair(pair, presegmented, language_check)
        except EmptyInput as exc:
            skipped.append((pair, str(exc)))
        else:
            keep.append(pair)
    return CorpusPlan(tuple(keep), tuple(skipped))


def align_pair(source: Document, target: Document, presegmented: bool = False, aligner: object | None = None) -> Alignment:
    """One pair through the single-pair pipeline (the function a Ray worker runs, too)."""
    from translate.pipeline import align_translation

    return align_translation(source, target, presegmented=presegmented, aligner=aligner)  # type: ignore[arg-type]


def align_local(
    pairs: Iterable[CorpusPair], presegmented: bool = False, language_check: bool = True
) -> Iterator[tuple[CorpusPair, Alignment]]:
    """Each pair aligned in turn with one aligner (its embedding model loaded once); a generator, so memory stays bounded."""
    from translate.alignment.aligner import SentenceAligner

    aligner = SentenceAligner()
    for pair in pairs:
        source, target = load_pair(pair, presegmented, language_check)
        yield pair, align_pair(source, target, presegmented, aligner)


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
        self._source_lang = source_lang or "ar"

    def add(self, index: int, stem: str, alignment: Alignment) -> None:
        from translate.export.base import with_languages, xml_text
        from translate.export.tmx import _unit, units

        labelled = with_languages(alignment, self.source_lang, self.target_lang)
        self._aligner = self._aligner or alignment.provenance.aligner
        self._segmenter = self._segmenter or alignment.provenance.segmenter
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
