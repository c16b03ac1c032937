"""The pairs a model is tuned on: human translations only, deduplicated, with a held-out validation split.

Sources, in order: the memory's human units (never its machine
translations: a model tuned on its own output only grows surer of its own
mistakes), then TMX, XLIFF (confirmed targets only) and TSV files
(``arabic<TAB>english``, further columns ignored).  A source given later
replaces an earlier one's translation of the same (normalised) source, as
``tm import`` does; exact repeats are counted and dropped, since repeated
segments are what OPUS-CAT's author warns degrade a tuned model.

The validation split is chosen by a hash of each source, not at random: the
same data, in whatever order it is read, gives the same split on every run,
so a resumed run validates on what the interrupted one did, and the data's
hash in the report identifies the split too.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from translate.errors import TarjamaError, shown
from translate.textio import read_text
from translate.translation.memory import TranslationMemory, normalise

MIN_UNITS = 100
"""Fewest distinct pairs tuned on: below it the validation split (20 pairs) cannot tell a better model from a worse one."""
VALIDATION_SHARE = 0.1
MIN_VALIDATION = 20
MAX_VALIDATION = 1000
Pair = tuple[str, str]


@dataclass(frozen=True, slots=True)
class TuneData:
    """What the tuning learns from and is judged on, and where each pair came from."""

    train: tuple[Pair, ...]
    validation: tuple[Pair, ...]
    generic: tuple[Pair, ...] = ()
    """Pairs of a general sample mixed into training (never into validation) against forgetting."""
    sources: tuple[tuple[str, int], ...] = ()
    skipped: tuple[tuple[str, int], ...] = ()
    duplicates: int = 0
    digest: str = field(default="")

    def summary(self) -> dict[str, Any]:
        return {
            "train": len(self.train),
            "validation": len(self.validation),
            "generic": len(self.generic),
            "duplicates_dropped": self.duplicates,
            "sources": dict(self.sources),
            "skipped": dict(self.skipped),
            "sha256": self.digest,
        }


def collect(
    memory: Path | None,
    files: Sequence[Path] = (),
    generic: Sequence[Path] = (),
    *,
    source_lang: str = "ar",
    target_lang: str = "en",
    generic_share: float = 0.5,
) -> TuneData:
    """The pairs of the memory and files, split; a one-line error below :data:`MIN_UNITS` distinct pairs."""
    chosen: dict[str, Pair] = {}
    seen: set[Pair] = set()
    sources: list[tuple[str, int]] = []
    skipped: Counter = Counter()
    duplicates = 0
    groups: list[tuple[str, list[Pair]]] = []
    if memory is not None:
        if not memory.is_file():
            raise TarjamaError(f"translation memory {shown(memory)} does not exist; import human translations with `tarjama tm import`")
        with TranslationMemory(memory) as tm:
            groups.append((f"memory:{memory.name}", [(s, t) for s, t, _ in tm.human_pairs()]))
    for path in files:
        pairs, why = read_pairs(path, source_lang, target_lang)
        skipped.update({f"{path.name}: {reason}": n for reason, n in why.items()})
        groups.append((f"file:{path.name}", pairs))
    for name, pairs in groups:
        sources.append((name, len(pairs)))
        for source, target in pairs:
            key, value = normalise(source), (normalise(source), " ".join(target.split()))
            if not key or not value[1]:
                continue
            if value in seen:
                duplicates += 1
                continue
            seen.add(value)
            if key in chosen:
                duplicates += 1  # another translation of the same source: the later one is kept
            chosen[key] = value
    if len(chosen) < MIN_UNITS:
        read = sum(n for _, n in sources)
        raise TarjamaError(
            f"only {len(chosen)} distinct human translation{'s' if len(chosen) != 1 else ''} to tune on ({read} read); tarjama tune"
            f" needs at least {MIN_UNITS} (docs/tune.md): import more with `tarjama tm import`, or give TMX, XLIFF or TSV files"
        )
    ordered = sorted(chosen.values(), key=lambda pair: _hash(pair[0]))
    held = min(MAX_VALIDATION, max(MIN_VALIDATION, round(len(ordered) * VALIDATION_SHARE)))
    validation, train = tuple(ordered[:held]), tuple(ordered[held:])
    mixed = _generic_sample(generic, set(chosen), int(len(train) * generic_share), source_lang, target_lang, sources, skipped)
    digest = hashlib.sha256()
    for part in (validation, train, mixed):
        for source, target in sorted(part):
            digest.update(f"{source}\t{target}\n".encode())
        digest.update(b"\0")
    return TuneData(train, validation, mixed, tuple(sources), tuple(sorted(skipped.items())), duplicates, f"sha256:{digest.hexdigest()}")


def read_pairs(path: Path, source_lang: str, target_lang: str) -> tuple[list[Pair], Counter]:
    """A TMX, XLIFF or TSV file's human pairs, and what was skipped, by reason."""
    from translate.translation.xliff_import import is_xliff, read_translations

    if path.suffix.lower() in (".tsv", ".txt") and not is_xliff(path):
        return _read_tsv(path)
    units = read_translations(path, source_lang, target_lang)
    return units.pairs, units.skipped


def _read_tsv(path: Path) -> tuple[list[Pair], Counter]:
    pairs: list[Pair] = []
    skipped: Counter = Counter()
    for line in read_text(str(path)).splitlines():
        columns = line.split("\t")
        if len(columns) >= 2 and columns[0].strip() and columns[1].strip():
            pairs.append((columns[0].strip(), columns[1].strip()))
        elif line.strip():
            skipped["line without two columns"] += 1
    return pairs, skipped


def _generic_sample(
    files: Sequence[Path], known: set[str], wanted: int, source_lang: str, target_lang: str, sources: list, skipped: Counter
) -> tuple[Pair, ...]:
    """Up to ``wanted`` pairs of the general sample, chosen by hash (the same on every run), none of the team's own sources."""
    pool: dict[str, Pair] = {}
    for path in files:
        pairs, why = read_pairs(path, source_lang, target_lang)
        skipped.update({f"{path.name}: {reason}": n for reason, n in why.items()})
        sources.append((f"generic:{path.name}", len(pairs)))
        for source, target in pairs:
            key = normalise(source)
            if key and key not in known and target.strip():
                pool[key] = (key, " ".join(target.split()))
    return tuple(sorted(pool.values(), key=lambda pair: _hash(pair[0]))[:wanted])


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()
