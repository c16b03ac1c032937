"""Settings as typed values: what a user chose, as one value that pickles, compares and prints.

The cluster runner ships a :class:`DecodingSettings` to its workers and the
server logs it, so it holds plain values only.  What it resolves to on a
loaded model (the backend that really loaded, the model's own beam, the
length rule) is a :class:`DecodingSignature`, in the manner of sacrebleu's
signatures: the translation memory key and every output's provenance are
rendered from that one value, never assembled by hand in several places.
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass
from typing import Literal, get_args

BackendName = Literal["auto", "transformers", "ctranslate2"]
DeviceName = Literal["auto", "cpu", "cuda"]

BACKENDS: tuple[str, ...] = get_args(BackendName)
DEVICES: tuple[str, ...] = get_args(DeviceName)
DEFAULT_BATCH_TOKENS = 2048
DEFAULT_BATCH_SIZE = 16
DEFAULT_NO_REPEAT_NGRAM = 3
DEFAULT_MIN_CONFIDENCE = 0.5
"""Below this confidence a machine translation is flagged ``low-confidence``: the model gave the tokens it chose
less than even odds on average (a mean token log-probability under ln 0.5).  Not calibrated on real
models here (no weights on the build machines): scripts/calibrate_confidence.py suggests one for a model."""
DEFAULT_MIN_SCORE = 0.27
"""``tarjama align --min-score``: the TMX keeps aligned pairs scoring at least this (docs/alignment.md#the-precision-dial)."""
LENGTH_BUCKET = 8
"""Output caps depend on the source length rounded up to this, so a cap never depends on a batch."""


@dataclass(frozen=True, slots=True)
class DecodingSettings:
    """Everything a user may choose about decoding; ``None`` means "the model's own"."""

    backend: BackendName = "auto"
    device: DeviceName = "auto"
    compute_type: str = "default"
    beam: int | None = None
    batch_tokens: int = DEFAULT_BATCH_TOKENS
    batch_size: int = DEFAULT_BATCH_SIZE
    max_length_ratio: float = 2.0
    no_repeat_ngram: int = DEFAULT_NO_REPEAT_NGRAM
    # For benchmarks: every output exactly this many tokens (speed is measured at a fixed length).
    fixed_length: int | None = None
    # For tests of splitting: a lower input limit than the model's positions.
    max_source_tokens: int | None = None

    def __post_init__(self) -> None:
        # A settings value crosses process boundaries (cluster workers, the server): refuse a bad
        # one where it is made, not where a worker first uses it.
        if self.backend not in BACKENDS:
            raise ValueError(f"unknown backend {self.backend!r} (use {', '.join(BACKENDS)})")
        if self.device not in DEVICES:
            raise ValueError(f"unknown device {self.device!r} (use {', '.join(DEVICES)})")
        for name in ("batch_tokens", "batch_size"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1")
        for name in ("beam", "fixed_length", "max_source_tokens"):
            value = getattr(self, name)
            if value is not None and value < 1:
                raise ValueError(f"{name} must be at least 1")
        if self.no_repeat_ngram < 0:
            raise ValueError("no_repeat_ngram must be 0 (off) or more")
        if not self.max_length_ratio > 0:
            raise ValueError("max_length_ratio must be positive")


@dataclass(frozen=True, slots=True)
class DecodingSignature:
    """The settings as resolved on a loaded model: everything that changes an output, and where it ran.

    ``memory_text`` keys the translation memory (a change in any of its parts
    is a different translation); ``provenance_text`` adds what does not change
    an output but tells how it was made (device, batch budget).
    """

    backend: str  # name:compute type, e.g. ctranslate2:int8
    device: str
    beam: int
    max_length: int
    max_length_ratio: float
    no_repeat_ngram: int
    max_source_tokens: int
    batch_tokens: int
    fixed_length: int | None = None

    def budget(self, source_tokens: int) -> int:
        """The most tokens a translation of ``source_tokens`` tokens may have: a function of the sentence alone."""
        if self.fixed_length:
            return self.fixed_length
        bucket = math.ceil(source_tokens / LENGTH_BUCKET) * LENGTH_BUCKET
        return min(self.max_length, math.ceil(self.max_length_ratio * bucket) + 10)

    @property
    def length_rule(self) -> str:
        if self.fixed_length:
            return f"{self.fixed_length} exactly"
        return f"min({self.max_length},{self.max_length_ratio:g}*ceil(src/{LENGTH_BUCKET})*{LENGTH_BUCKET}+10)"

    @property
    def guard(self) -> str:
        return f"no-repeat-{self.no_repeat_ngram}-on-degenerate" if self.no_repeat_ngram else "off"

    @property
    def memory_text(self) -> str:
        return (
            f"backend={self.backend}|beam={self.beam}|max_new_tokens={self.length_rule}|guard={self.guard}"
            f"|max_source_tokens={self.max_source_tokens}"
        )

    @property
    def provenance_text(self) -> str:
        return f"{self.memory_text}|device={self.device}|batch_tokens={self.batch_tokens}"

    def __str__(self) -> str:
        return self.provenance_text


class Overwrite(enum.Enum):
    """What an output may replace at its path.  An input is never replaced, whatever this says.

    The output folder is often a folder of the user's (``.``, the article's own
    folder), where ``article.html`` may be the page the article came from: a
    file there is replaced only when tarjama wrote it and nobody changed it
    since, which the folder's ledger of outputs records
    (:func:`translate.textio.is_ours`).
    """

    OURS = "ours"
    """Only a file that a tarjama run wrote there, unchanged since: the default, and what a rerun needs."""
    ANY = "any"
    """Any file (``--overwrite``); what is written is recorded as tarjama's, so the next run needs no flag."""
    PRIVATE = "private"
    """A folder only tarjama writes, every name new (the server's downloads): nothing checked, nothing recorded."""


@dataclass(frozen=True, slots=True)
class QaSettings:
    """What the QA checks of a machine translation are told besides the glossary."""

    min_confidence: float = DEFAULT_MIN_CONFIDENCE
    """Flag a machine translation whose confidence, to two decimals as shown, is below this; 0 flags none."""

    def __post_init__(self) -> None:
        if not 0.0 <= self.min_confidence <= 1.0:  # also refuses NaN
            raise ValueError("min_confidence is a confidence, between 0 and 1")

    @property
    def signature(self) -> str:
        return f"confidence<{self.min_confidence:g}"


@dataclass(frozen=True, slots=True)
class ExportOptions:
    """Which files to write and how to label them for a CAT project."""

    formats: tuple[str, ...] = ("txt", "tmx", "html")
    # The exact codes a CAT project uses (ar-SA, en-US); None writes the documents' own (ar, en).
    source_lang: str | None = None
    target_lang: str | None = None
    tmx_dedupe: bool = False
    overwrite: Overwrite = Overwrite.OURS
    min_score: float | None = None
    """Aligned pairs scoring below this stay out of the TMX (``tarjama align --min-score``); None keeps all."""
