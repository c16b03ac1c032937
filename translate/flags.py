"""Every flag a bead can carry, with what it tells the post-editor: one registry.

The QA checks (:mod:`translate.qa.checks`) and the translation engine
(:mod:`translate.translation.engine`) emit flags only through these entries,
and the review page writes its Flags legend from them, so a flag cannot
appear on a row without its explanation under the table.

A bead carries :class:`Flag` values (a registered name and a detail); every
writer renders one as ``name`` or ``name: detail`` (details never contain a
comma, so flags can be listed comma-separated).  A flag cannot be made under a
name the registry does not have.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FlagInfo:
    name: str
    label: str
    description: str

    def flag(self, detail: str = "") -> Flag:
        """This flag on a bead; the detail tells the translator where to look (``missing 430``)."""
        return Flag(self.name, detail)


@dataclass(frozen=True, slots=True)
class Flag:
    """One flag on a bead: the registry entry it is (by name) and what it found."""

    name: str
    detail: str = ""

    def __post_init__(self) -> None:
        if self.name not in FLAGS:
            raise ValueError(f"flag {self.name!r} is not in the registry (translate.flags.FLAGS)")

    def __str__(self) -> str:
        """``name`` or ``name: detail``: the text every writer shows (TMX x-flags, XLIFF notes, TSV, review page)."""
        return f"{self.name}: {self.detail}" if self.detail else self.name

    @property
    def info(self) -> FlagInfo:
        return FLAGS[self.name]

    @classmethod
    def parse(cls, text: str) -> Flag:
        """The flag a written ``name`` or ``name: detail`` stands for (ValueError when the name is not registered)."""
        name, _, detail = text.partition(":")
        return cls(name.strip(), detail.strip())


# QA checks: the pair looks wrong.
NUMBERS = FlagInfo("numbers", "Number mismatch", "a number in the source is missing from the target, or the target has one the source does not")
ARABIC_SCRIPT = FlagInfo("arabic-script", "Arabic left in English", "Arabic letters were left in the English")
LENGTH = FlagInfo("length", "Length outlier", "the target is far longer or shorter than translations of this length usually are")
REPETITION = FlagInfo("repetition", "Repetition", "a word or pattern repeats over and over: typical of degenerate MT output")
EMPTY = FlagInfo("empty", "Empty", "the translation is empty")
UNTRANSLATED = FlagInfo("untranslated", "Untranslated", "the target is the source, untranslated")
GLOSSARY = FlagInfo("glossary", "Glossary term", "a glossary term of the source does not have its required English in the target")

# Translation engine: how the machine translation was made.
SPLIT = FlagInfo("split", "Split", "the sentence was too long for the model: it was translated in pieces and rejoined; check the joins")
REPETITION_GUARD = FlagInfo(
    "repetition-guard",
    "Repetition guard",
    "the model's first output degenerated (a run repeated, or it hit the length cap); it was decoded again without repeated word groups",
)
LENGTH_CAP = FlagInfo(
    "length-cap",
    "Length cap",
    "even decoded again, the output reached the most tokens allowed for a sentence of this length: it may be cut short",
)

TERM = FlagInfo(
    "term",
    "Term enforced",
    "the model's own translation lacked the termbase's English for a source term, so it was put in while decoding"
    " (another of the model's candidates, or forced at the term's place): check the sentence reads well around it",
)

LOW_CONFIDENCE = FlagInfo(
    "low-confidence",
    "Low confidence",
    "the model was unsure of this machine translation: its confidence (the geometric mean of the probabilities of the"
    " words it chose) is below the threshold (0.5 unless --min-confidence says otherwise); check it first",
)

QA_FLAGS: tuple[FlagInfo, ...] = (NUMBERS, ARABIC_SCRIPT, LENGTH, REPETITION, EMPTY, UNTRANSLATED, GLOSSARY, LOW_CONFIDENCE)
ENGINE_FLAGS: tuple[FlagInfo, ...] = (SPLIT, REPETITION_GUARD, LENGTH_CAP, TERM)

FLAGS: dict[str, FlagInfo] = {info.name: info for info in (*QA_FLAGS, *ENGINE_FLAGS)}


def flag_list(flags: Iterable[Flag], separator: str) -> str:
    """Flags as one line of text, in their order (``, `` on the review page and in XLIFF, ``,`` in TMX, ``; `` in TSV)."""
    return separator.join(str(flag) for flag in flags)
