"""Corpus alignment: an archive of Arabic articles and the folder of their English versions.

Localization teams build translation memory from years of published pairs, not
from one article; this module pairs two folders' files by relative path and
name and reads each pair as ``tarjama align SOURCE TARGET`` reads one.  Aligning
and writing the pairs is a job (:mod:`translate.jobs.corpus`), one floor above
the pipeline; this module stays below it, so no import runs back up.  A pair
is a small picklable value because Ray workers (:mod:`translate.cluster`) are
sent pairs too.

A file without a counterpart is reported, never dropped silently: a missing
English version is the usual sign that the archive was exported incompletely.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from translate.errors import EmptyInput, TarjamaError, shown
from translate.model import Document

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
    """Read and check every pair before any is aligned, as ``translate`` plans a folder (:func:`translate.jobs.translate.plan`).

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
