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

The file is shared between processes and people, so the storage around it is
part of the contract:

* a memory that cannot be written (read-only storage, no write permission on
  the file or its folder) is opened read-only: every lookup works, nothing new
  is stored, and one warning says so;
* a new memory is created in one write transaction, so several processes
  creating it at once all end up with the same, complete file;
* a memory another process holds locked (a long ``tarjama tm import``) is waited
  for, with a warning after a few seconds, up to ``DEFAULT_LOCK_WAIT`` seconds;
* a full disk, a damaged file or an I/O error ends the run with one
  ``TarjamaError`` naming the file and what to do, never an internal error.

The memory keeps SQLite's default rollback journal, not WAL: WAL needs shared
memory beside the file, which read-only storage and network shares (where a
team memory lives) do not give reliably.

Schema versions (``meta.schema``):

* 1 (tarjama 0.1): machine translations without scores;
* 2: each machine translation also keeps the model's score of it
  (``logprob``, the summed token log-probability, and ``tokens``, how many
  tokens it covers), so a translation served from the memory has the same
  confidence as a fresh one.

A schema-1 memory is upgraded in place when it is opened writable: two columns
are added, in one write transaction, and every row is kept (its machine
translations have no score: they are served without a confidence).  A
read-only schema-1 memory is read as it is.  A memory of a newer schema than
this release knows is refused: it may hold what this release would lose.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import re
import sqlite3
import time
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TypeVar

from translate.errors import TarjamaError
from translate.flags import FLAGS, Flag, flag_list
from translate.translation.hypotheses import Score

SCHEMA_VERSION = 2
READABLE_SCHEMAS = (1, 2)
"""Schemas this release reads: 1 is upgraded to 2 in place (read as it is where the memory is read-only)."""
DEFAULT_LOCK_WAIT = 600.0  # seconds a run waits for a memory another process holds locked
NOTICE_AFTER = 5.0  # seconds of waiting for a lock before the wait is announced
IMPORT_CHUNK = 5000  # human translations per write transaction: how long an import holds the lock
log = logging.getLogger("translate.memory")
T = TypeVar("T")
_BIDI_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_SPACE = re.compile(r"\s+")

# SQLite's primary result codes (https://sqlite.org/rescode.html). The sqlite3
# module names them only from Python 3.11; these values are SQLite's stable ABI.
SQLITE_BUSY = 5
SQLITE_LOCKED = 6
SQLITE_READONLY = 8
SQLITE_IOERR = 10
SQLITE_CORRUPT = 11
SQLITE_FULL = 13
SQLITE_NOTADB = 26

# Before Python 3.11 an exception carries no result code, only SQLite's message
# (sqlite3_errmsg). For these codes it is the code's fixed text (sqlite3_errstr),
# or starts with it ("disk I/O error" for every extended I/O error).
_MESSAGE_CODES = (
    ("database is locked", SQLITE_BUSY),
    ("database table is locked", SQLITE_LOCKED),
    ("database schema is locked", SQLITE_LOCKED),
    ("attempt to write a readonly database", SQLITE_READONLY),
    ("disk i/o error", SQLITE_IOERR),
    ("database disk image is malformed", SQLITE_CORRUPT),
    ("malformed database schema", SQLITE_CORRUPT),
    ("database or disk is full", SQLITE_FULL),
    ("file is not a database", SQLITE_NOTADB),
)

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    """CREATE TABLE IF NOT EXISTS mt (
    model TEXT NOT NULL,
    revision TEXT NOT NULL,
    decoding TEXT NOT NULL,
    source TEXT NOT NULL,
    target TEXT NOT NULL,
    flags TEXT NOT NULL DEFAULT '',
    created TEXT NOT NULL,
    logprob REAL,
    tokens INTEGER,
    PRIMARY KEY (model, revision, decoding, source)
)""",
    """CREATE TABLE IF NOT EXISTS human (
    source TEXT PRIMARY KEY,
    target TEXT NOT NULL,
    origin TEXT NOT NULL,
    created TEXT NOT NULL
)""",
)


def normalise(text: str) -> str:
    """The form a source segment is matched (and machine-translated) in."""
    return _SPACE.sub(" ", _BIDI_CONTROLS.sub("", unicodedata.normalize("NFC", text))).strip()


@dataclass(frozen=True, slots=True)
class Match:
    """A translation found in the memory."""

    target: str
    human: bool
    flags: tuple[Flag, ...] = ()
    score: Score | None = None
    """The model's score of a machine translation (None for a human one, or one stored under schema 1)."""


@dataclass(frozen=True, slots=True)
class ModelKey:
    """What a machine translation depends on besides its source."""

    model: str
    revision: str
    decoding: str


class TranslationMemory:
    """An SQLite file; safe to share between processes (SQLite locks it).

    Every statement runs in autocommit mode or in an explicit ``BEGIN
    IMMEDIATE`` transaction: a writer takes the write lock before it reads, so
    two writers never deadlock on a lock upgrade, and a busy lock is always
    something to wait for, never a failure to report.
    """

    def __init__(self, path: str | Path, *, lock_wait: float = DEFAULT_LOCK_WAIT) -> None:
        self.path = Path(path).expanduser()
        self.lock_wait = lock_wait
        self.read_only = False
        self.schema = SCHEMA_VERSION
        self._told_wait = False
        self._db: sqlite3.Connection | None = None
        try:
            why = _why_read_only(self.path)
            if why:
                self._open_read_only(why)
            else:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._db = self._connect(str(self.path), uri=False)
                try:
                    self._retry(self._create)
                except sqlite3.OperationalError as exc:
                    if _code(exc) != SQLITE_READONLY:
                        raise
                    # Read-only in a way access() does not see (a read-only mount over the network).
                    self._db.close()
                    self._open_read_only("the storage refuses writes")
            self._check_schema()
            if self.schema < SCHEMA_VERSION and not self.read_only:
                try:
                    self._retry(self._upgrade)
                except sqlite3.OperationalError as exc:
                    if _code(exc) != SQLITE_READONLY:
                        raise
                    self.close()  # read-only in a way access() does not see: read it as it is
                    self._open_read_only("the storage refuses writes")
        except sqlite3.Error as exc:
            self._close_quietly()
            raise self._error(exc, opening=True) from exc
        except OSError as exc:
            self._close_quietly()
            raise TarjamaError(f"cannot create translation memory {self.path}: {exc.strerror or exc}; use --tm OTHER or --no-tm") from exc
        except TarjamaError:
            self._close_quietly()
            raise

    # -- opening ------------------------------------------------------------------

    def _connect(self, target: str, *, uri: bool) -> sqlite3.Connection:
        # The busy handler waits a short while; _retry() announces the wait and keeps on waiting.
        busy = max(0.0, min(NOTICE_AFTER, self.lock_wait / 2))
        return sqlite3.connect(target, uri=uri, timeout=busy, isolation_level=None)

    def _open_read_only(self, why: str) -> None:
        # On read-only storage nobody can be writing the file, so it is opened immutable: no
        # locks, no journal to look for (a lock may not even be possible there). A file that is
        # merely not writable by us may be written by others, so it is read with locking.
        query = "immutable=1" if _read_only_storage(self.path) else "mode=ro"
        self._db = self._connect(f"{self.path.absolute().as_uri()}?{query}", uri=True)
        self.read_only = True
        log.warning("translation memory %s is read-only (%s): its translations are used, new ones are not stored", self.path, why)

    def _create(self) -> None:
        """The tables and the schema version, in one transaction.

        Processes that create the same new memory at once queue on the write
        lock; the first creates everything and the others find it done (``OR
        IGNORE``), so none fails on the schema row another just wrote.
        """
        assert self._db is not None
        has_meta = self._db.execute("SELECT count(*) FROM sqlite_master WHERE name = 'meta'").fetchone()[0]
        if has_meta and self._db.execute("SELECT count(*) FROM meta WHERE key = 'schema'").fetchone()[0]:
            return  # an existing memory: opening it takes no write lock
        with self._transaction():
            for statement in _SCHEMA:
                self._db.execute(statement)
            self._db.execute("INSERT OR IGNORE INTO meta VALUES ('schema', ?)", (str(SCHEMA_VERSION),))

    def _check_schema(self) -> None:
        def read() -> tuple | None:
            assert self._db is not None
            if not self._db.execute("SELECT count(*) FROM sqlite_master WHERE name = 'meta'").fetchone()[0]:
                return None
            return self._db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone() or ("none",)

        row = self._retry(read)
        if row is None:
            raise TarjamaError(f"{self.path} is not a tarjama translation memory; use --tm OTHER or --no-tm")
        schema = int(row[0]) if str(row[0]).isdigit() else None
        if schema is not None and schema > SCHEMA_VERSION:
            raise TarjamaError(
                f"translation memory {self.path} was written by a newer tarjama (schema {schema}; this one reads up to"
                f" {SCHEMA_VERSION}): upgrade tarjama to use it, or use --tm OTHER or --no-tm"
            )
        if schema not in READABLE_SCHEMAS:
            raise TarjamaError(f"translation memory {self.path} has schema {row[0]}, this tarjama reads {SCHEMA_VERSION}; use --tm OTHER or --no-tm")
        self.schema = schema

    def _upgrade(self) -> None:
        """Schema 1 to 2 in place: the score columns added, every row kept, in one write transaction.

        The schema is read again under the write lock: of several processes
        that open the same old memory at once, the first upgrades it and the
        others find it done.
        """
        assert self._db is not None
        with self._transaction():
            (found,) = self._db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
            if found == "1":
                self._db.execute("ALTER TABLE mt ADD COLUMN logprob REAL")
                self._db.execute("ALTER TABLE mt ADD COLUMN tokens INTEGER")
                self._db.execute("UPDATE meta SET value = ? WHERE key = 'schema'", (str(SCHEMA_VERSION),))
                log.info("translation memory %s upgraded to schema %d (every entry kept)", self.path, SCHEMA_VERSION)
        self.schema = SCHEMA_VERSION

    def close(self) -> None:
        if self._db is not None:
            self._db.close()

    def _close_quietly(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self.close()

    def __enter__(self) -> TranslationMemory:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- use ------------------------------------------------------------------------

    def lookup(self, sources: Iterable[str], key: ModelKey | None) -> dict[str, Match]:
        """Matches for normalised sources; a human translation wins over a machine one."""
        wanted = list(dict.fromkeys(sources))
        scores = "logprob, tokens" if self.schema >= 2 else "NULL, NULL"  # a read-only schema-1 memory has no scores

        def read() -> dict[str, Match]:
            assert self._db is not None
            found: dict[str, Match] = {}
            for chunk in _chunks(wanted, 500):
                marks = ",".join("?" * len(chunk))
                if key is not None:
                    rows = self._db.execute(
                        f"SELECT source, target, flags, {scores} FROM mt"
                        f" WHERE model = ? AND revision = ? AND decoding = ? AND source IN ({marks})",
                        (key.model, key.revision, key.decoding, *chunk),
                    ).fetchall()
                    for source, target, flags, logprob, tokens in rows:
                        found[source] = Match(target, human=False, flags=_read_flags(flags), score=_read_score(logprob, tokens))
                for source, target in self._db.execute(f"SELECT source, target FROM human WHERE source IN ({marks})", chunk).fetchall():
                    found[source] = Match(target, human=True)
            return found

        return self._use(read)

    def store_mt(self, key: ModelKey, entries: Iterable[tuple[str, str, Sequence[Flag], Score | None]]) -> None:
        """Remember machine translations: (normalised source, target, flags, score); a read-only memory keeps none."""
        if self.read_only:
            return
        now = _now()
        rows = [
            (key.model, key.revision, key.decoding, s, t, flag_list(f, ","), now, *((c.logprob, c.tokens) if c is not None else (None, None)))
            for s, t, f, c in entries
        ]
        if not rows:
            return
        statement = (
            "INSERT OR REPLACE INTO mt (model, revision, decoding, source, target, flags, created, logprob, tokens)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
        )
        try:
            self._use(lambda: self._write(statement, rows))
        except TarjamaError as exc:
            cause = exc.__cause__
            if not (isinstance(cause, sqlite3.Error) and _code(cause) == SQLITE_READONLY):
                raise
            # Writable by the look of it, refused when written: read-only from here on.
            self.read_only = True
            log.warning("translation memory %s is read-only (%s): its translations are used, new ones are not stored", self.path, cause)

    def store_human(self, entries: Iterable[tuple[str, str]], origin: str) -> int:
        """Add human translations (source, target); a later one for the same source replaces it.

        Committed in chunks: a big import never holds the write lock for long,
        so runs that share the memory wait seconds, not the whole import.
        """
        if self.read_only:
            raise TarjamaError(f"translation memory {self.path} is read-only: nothing imported; import into a writable copy (--tm OTHER)")
        now = _now()
        rows = [(normalise(s), t.strip(), origin, now) for s, t in entries if normalise(s) and t.strip()]
        for start in range(0, len(rows), IMPORT_CHUNK):
            chunk = rows[start : start + IMPORT_CHUNK]
            self._use(functools.partial(self._write, "INSERT OR REPLACE INTO human VALUES (?, ?, ?, ?)", chunk))
        return len(rows)

    def human_pairs(self) -> list[tuple[str, str, str]]:
        """Every human translation (normalised source, target, origin), in source order: what ``tarjama tune`` learns from.

        Machine translations are never returned: a model tuned on its own
        output would only learn its own mistakes with more confidence.
        """

        def read() -> list[tuple[str, str, str]]:
            assert self._db is not None
            return [tuple(row) for row in self._db.execute("SELECT source, target, origin FROM human ORDER BY source")]

        return self._use(read)

    def counts(self) -> dict[str, int]:
        def read() -> dict[str, int]:
            assert self._db is not None
            return {
                "human": self._db.execute("SELECT count(*) FROM human").fetchone()[0],
                "mt": self._db.execute("SELECT count(*) FROM mt").fetchone()[0],
            }

        return self._use(read)

    # -- mechanics ------------------------------------------------------------------

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[None]:
        assert self._db is not None
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
            self._db.execute("COMMIT")
        except BaseException:
            if self._db.in_transaction:
                with contextlib.suppress(sqlite3.Error):
                    self._db.execute("ROLLBACK")
            raise

    def _write(self, statement: str, rows: list[tuple]) -> None:
        assert self._db is not None
        with self._transaction():
            self._db.executemany(statement, rows)

    def _use(self, action: Callable[[], T]) -> T:
        """``action`` waited through locks, its SQLite errors as one line for the user."""
        try:
            return self._retry(action)
        except sqlite3.Error as exc:
            raise self._error(exc, opening=False) from exc

    def _retry(self, action: Callable[[], T]) -> T:
        """``action`` again while another process holds the lock, up to ``lock_wait`` seconds.

        A whole action is retried, never half of one: a busy write transaction
        was rolled back by _transaction().
        """
        started = time.monotonic()
        while True:
            try:
                return action()
            except sqlite3.OperationalError as exc:
                if _code(exc) not in (SQLITE_BUSY, SQLITE_LOCKED):
                    raise
                waited = time.monotonic() - started
                if waited >= self.lock_wait:
                    raise TarjamaError(
                        f"the translation memory {self.path} has been locked by another process for {waited:.0f} s"
                        " (a long `tarjama tm import`?); rerun when it is done, or use --tm OTHER or --no-tm"
                    ) from exc
                if not self._told_wait:
                    self._told_wait = True
                    log.warning(
                        "waiting for the translation memory %s, locked by another process… (up to %s s more)",
                        self.path, f"{self.lock_wait - waited:.0f}",
                    )
                time.sleep(0.05)  # a lock-upgrade conflict returns at once: no busy loop

    def _error(self, exc: sqlite3.Error, *, opening: bool) -> TarjamaError:
        """What went wrong with the file, said so that the user knows what to do."""
        what = f"cannot open translation memory {self.path}" if opening else f"translation memory {self.path}"
        other = "use --tm OTHER or --no-tm"
        code = _code(exc)
        if code == SQLITE_FULL:
            return TarjamaError(f"{what}: the disk is full; free some space there, or {other} (outputs already written are kept)")
        if code in (SQLITE_CORRUPT, SQLITE_NOTADB):
            return TarjamaError(f"{what} is damaged ({exc}); move the damaged file away (a new memory starts empty), or {other}")
        if code == SQLITE_IOERR:
            return TarjamaError(f"{what}: the storage failed ({exc}); check the disk, or {other}")
        return TarjamaError(f"{what}: {exc}; {other}")


def _code(exc: sqlite3.Error) -> int | None:
    """The primary SQLite result code of an error (extended codes carry it in the low byte).

    Python 3.11+ gives the (extended) code; 3.10 gives only the message, read back into its code.
    """
    code: int | None = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF
    message = str(exc).lower()
    for text, primary in _MESSAGE_CODES:
        if message.startswith(text):
            return primary
    return None


def _read_only_storage(path: Path) -> bool:
    try:
        return bool(os.statvfs(path).f_flag & os.ST_RDONLY)
    except OSError:
        return False


def _why_read_only(path: Path) -> str | None:
    """Why an existing memory cannot be written, or None: the file, or its folder (for the journal)."""
    if not path.is_file():
        return None
    if _read_only_storage(path):
        return "read-only storage"
    if not os.access(path, os.W_OK):
        return "no write permission on the file"
    if not os.access(path.parent, os.W_OK | os.X_OK):
        return "no write permission on its folder, where SQLite keeps its journal"
    return None


def _read_flags(stored: str) -> tuple[Flag, ...]:
    """The flags of a stored machine translation (written ``name,name``, as in TMX x-flags).

    A name the registry no longer has is left out: a flag must be explained
    where it is shown, and an old memory is no reason to fail a run.
    """
    return tuple(Flag.parse(text) for text in stored.split(",") if text and text.partition(":")[0].strip() in FLAGS)


def _read_score(logprob: float | None, tokens: int | None) -> Score | None:
    """A stored score; None where there is none (schema 1) or it is not one (a hand-edited row)."""
    try:
        return Score(float(logprob), int(tokens)) if logprob is not None and tokens is not None else None
    except (TypeError, ValueError):
        return None


def _chunks(items: list[str], size: int) -> Iterable[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
