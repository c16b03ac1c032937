"""Translation memory: an embedded SQLite store of exact matches.

Two kinds of entries, kept apart:

* machine translations, keyed by model id, model revision, the decoding
  signature and the normalised source: a segment translated once with the same
  model and settings is never translated again, across runs and documents;
* human translations (``tarjama tm import FILE.tmx``), keyed by the normalised
  source alone: a human translation is right whatever model is loaded, and it
  wins over any machine translation.

Normalisation (:func:`normalise`) is deliberately light, as a CAT tool's exact
match is: Unicode NFC, bidi control marks dropped, runs of whitespace made one
space. Diacritics, tatweel and punctuation still count.
"""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from translate.errors import TarjamaError

SCHEMA_VERSION = 1
_BIDI_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_SPACE = re.compile(r"\s+")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS mt (
    model TEXT NOT NULL,
    revision TEXT NOT NULL,
    decoding TEXT NOT NULL,
    source TEXT NOT NULL,
    target TEXT NOT NULL,
    flags TEXT NOT NULL DEFAULT '',
    created TEXT NOT NULL,
    PRIMARY KEY (model, revision, decoding, source)
);
CREATE TABLE IF NOT EXISTS human (
    source TEXT PRIMARY KEY,
    target TEXT NOT NULL,
    origin TEXT NOT NULL,
    created TEXT NOT NULL
);
"""


def normalise(text: str) -> str:
    """The form a source segment is matched (and machine-translated) in."""
    return _SPACE.sub(" ", _BIDI_CONTROLS.sub("", unicodedata.normalize("NFC", text))).strip()


@dataclass(frozen=True, slots=True)
class Match:
    """A translation found in the memory."""

    target: str
    human: bool
    flags: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ModelKey:
    """What a machine translation depends on besides its source."""

    model: str
    revision: str
    decoding: str


class TranslationMemory:
    """An SQLite file; safe to share between processes (SQLite locks it)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path).expanduser()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(str(self.path), timeout=30)
            self._db.executescript(_SCHEMA)
            row = self._db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
            if row is None:
                with self._db:
                    self._db.execute("INSERT INTO meta VALUES ('schema', ?)", (str(SCHEMA_VERSION),))
            elif row[0] != str(SCHEMA_VERSION):
                raise TarjamaError(f"translation memory {self.path} has schema {row[0]}, this tarjama reads {SCHEMA_VERSION}; pass --tm with another file")
        except sqlite3.DatabaseError as exc:
            raise TarjamaError(f"cannot open translation memory {self.path}: {exc}; pass --tm with another file or --no-tm") from None
        except OSError as exc:
            raise TarjamaError(f"cannot create translation memory {self.path}: {exc.strerror or exc}; pass --tm PATH or --no-tm") from None

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> TranslationMemory:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def lookup(self, sources: Iterable[str], key: ModelKey | None) -> dict[str, Match]:
        """Matches for normalised sources; a human translation wins over a machine one."""
        found: dict[str, Match] = {}
        wanted = list(dict.fromkeys(sources))
        for chunk in _chunks(wanted, 500):
            marks = ",".join("?" * len(chunk))
            if key is not None:
                rows = self._db.execute(
                    f"SELECT source, target, flags FROM mt WHERE model = ? AND revision = ? AND decoding = ? AND source IN ({marks})",
                    (key.model, key.revision, key.decoding, *chunk),
                )
                for source, target, flags in rows:
                    found[source] = Match(target, human=False, flags=tuple(f for f in flags.split(",") if f))
            for source, target in self._db.execute(f"SELECT source, target FROM human WHERE source IN ({marks})", chunk):
                found[source] = Match(target, human=True)
        return found

    def store_mt(self, key: ModelKey, entries: Iterable[tuple[str, str, Sequence[str]]]) -> None:
        """Remember machine translations: (normalised source, target, flags)."""
        now = _now()
        with self._db:
            self._db.executemany(
                "INSERT OR REPLACE INTO mt VALUES (?, ?, ?, ?, ?, ?, ?)",
                ((key.model, key.revision, key.decoding, s, t, ",".join(f), now) for s, t, f in entries),
            )

    def store_human(self, entries: Iterable[tuple[str, str]], origin: str) -> int:
        """Add human translations (source, target); a later one for the same source replaces it."""
        now = _now()
        rows = [(normalise(s), t.strip(), origin, now) for s, t in entries if normalise(s) and t.strip()]
        with self._db:
            self._db.executemany("INSERT OR REPLACE INTO human VALUES (?, ?, ?, ?)", rows)
        return len(rows)

    def counts(self) -> dict[str, int]:
        return {
            "human": self._db.execute("SELECT count(*) FROM human").fetchone()[0],
            "mt": self._db.execute("SELECT count(*) FROM mt").fetchone()[0],
        }


def _chunks(items: list[str], size: int) -> Iterable[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
