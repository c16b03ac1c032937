"""Reading input text strictly and writing outputs atomically.

Inputs are checked before any model is loaded, so a bad file costs the user
a second, not a minute; outputs appear whole or not at all.
"""

from __future__ import annotations

import codecs
import contextlib
import contextvars
import errno
import hashlib
import json
import os
import re
import secrets
import shutil
import socket
import sys
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from translate.errors import EmptyInput, TarjamaError, shown
from translate.settings import Overwrite

STDIN = "-"


_ENCODING: contextvars.ContextVar[str | None] = contextvars.ContextVar("tarjama_text_encoding", default=None)
"""The encoding the user named (``--encoding``) for the text files that are not UTF-8; None: UTF-8 only."""

ENCODING_HINT = "--encoding cp1256"
"""What to tell the user of a file that is not UTF-8: most such Arabic files are Windows-1256."""


def text_encoding(name: str) -> str:
    """The canonical name of a codec that decodes bytes to text, or one error line that says what to give."""
    try:
        canonical = codecs.lookup(name).name
        with contextlib.suppress(UnicodeDecodeError):  # (one byte is no UTF-16) base64, rot13 … are codecs, not text encodings
            b"a".decode(canonical)
    except (LookupError, ValueError):
        raise TarjamaError(f"{name!r} is not a text encoding Python knows; e.g. cp1256 (Arabic Windows), iso-8859-6, utf-16") from None
    return canonical


@contextlib.contextmanager
def reading_encoding(name: str | None) -> Iterator[None]:
    """Within the block, text files that are not UTF-8 are read as ``name`` (``--encoding``).

    A context rather than a parameter, because a run reads text in many places
    (inputs found in folders, the glossary, an ``--mt`` draft, both sides of a
    pair) and all of them must read as the user said.  A file that is valid
    UTF-8, or has a BOM, is read as such whatever the name: so one ``--encoding
    cp1256`` serves a run that mixes the user's Windows files with tarjama's own
    UTF-8 outputs (``check article.txt out/article.en.txt``); a Windows-1256
    Arabic text is, in practice, never valid UTF-8.
    """
    token = _ENCODING.set(text_encoding(name) if name else None)
    try:
        yield
    finally:
        _ENCODING.reset(token)


def decode(data: bytes, label: str) -> str:
    """Decode UTF-8 (with or without BOM), UTF-16 with BOM, or the encoding named by :func:`reading_encoding`;
    refuse anything else by name and offset, naming the option that reads it."""
    named = _ENCODING.get()
    if data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise TarjamaError(f"{shown(label)}: invalid UTF-16 at byte {exc.start}") from exc
    elif data.startswith(codecs.BOM_UTF8):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise TarjamaError(f"{shown(label)}: not valid UTF-8 although it starts with a UTF-8 BOM (first bad byte at offset {exc.start + 3})") from exc
    else:
        try:
            text = data.decode("utf-8")
            bad = None
        except UnicodeDecodeError as exc:
            bad = exc.start
        if named is not None and (bad is not None or b"\x00" in data):
            try:
                text = data.decode(named)
            except UnicodeDecodeError as exc:
                raise TarjamaError(f"{shown(label)}: not valid UTF-8, nor {named} (first bad byte at offset {exc.start}); name its encoding with --encoding NAME") from exc
        elif b"\x00" in data:
            raise TarjamaError(f"{shown(label)}: looks like a binary file (NUL byte at offset {data.index(0)}), expected UTF-8 text")
        elif bad is not None:
            raise TarjamaError(
                f"{shown(label)}: not valid UTF-8 (first bad byte at offset {bad}); if it is Windows-1256 (Arabic Windows), "
                f"read it with {ENCODING_HINT} (or name its encoding with --encoding NAME), or save it as UTF-8"
            )
    if "\x00" in text:
        raise TarjamaError(f"{shown(label)}: looks like a binary file (contains NUL characters)")
    if not text.strip():
        raise EmptyInput(f"{shown(label)}: the file is empty (no text to work on)")
    return text


def read_bytes(path: str | Path, expected: str = "a text file") -> bytes:
    """A whole file's bytes, or a one-line error that names the file."""
    p = Path(path)
    if p.is_dir():
        raise TarjamaError(f"{shown(path)}: is a directory, expected {expected}")
    try:
        return p.read_bytes()
    except FileNotFoundError:
        raise TarjamaError(f"{shown(path)}: no such file") from None
    except OSError as exc:
        raise TarjamaError(f"{shown(path)}: cannot read ({exc.strerror})") from exc


def read_text(path: str) -> str:
    """Read a whole input file (or stdin for ``-``) as text."""
    if path == STDIN:
        return decode(sys.stdin.buffer.read(), "<stdin>")
    return decode(read_bytes(path), path)


# Temporary names are short and fixed-length, so that any output name the file system accepts can be
# written (a temporary name built from the output's name would be too long for a 230-byte one), and they
# name their owner, so that a run clears only what a dead process left, never a live run's file.
TEMP_PREFIX = ".tarjama-"
STALE_AFTER = 24 * 3600
"""Seconds after which a temporary file or folder is stale whoever made it (a pid reused, another machine's)."""


def _host() -> str:
    return re.sub(r"[^A-Za-z0-9.]+", "", socket.gethostname())[:32] or "host"


def temporary_name(suffix: str = ".tmp") -> str:
    """``.tarjama-HOST-PID-RANDOM.tmp``: short whatever the output's name, and it says which process owns it."""
    return f"{TEMP_PREFIX}{_host()}-{os.getpid()}-{secrets.token_hex(4)}{suffix}"


_TEMPORARY = re.compile(r"\.tarjama-(?P<host>[A-Za-z0-9.]+)-(?P<pid>\d+)-[0-9a-f]+\.(?:tmp|part)")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # EPERM: another user's live process
        return True
    return True


def is_stale(path: Path) -> bool:
    """A temporary file or folder whose owner is gone: a dead process of this machine, or anyone's after a day."""
    match = _TEMPORARY.fullmatch(path.name)
    if match is None:
        return False
    try:
        age = time.time() - path.lstat().st_mtime
    except OSError:
        return False
    if age > STALE_AFTER:
        return True
    return match["host"] == _host() and int(match["pid"]) != os.getpid() and not _alive(int(match["pid"]))


def clear_stale(folder: Path) -> None:
    """Remove the temporary files and folders that dead runs left in ``folder``; a live run's are kept."""
    try:
        entries = list(folder.iterdir())
    except OSError:
        return
    for entry in entries:
        if entry.name.startswith(TEMP_PREFIX) and is_stale(entry):
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                with contextlib.suppress(OSError):
                    entry.unlink()


_ADVICE = {
    errno.EROFS: "the storage is read-only; write the outputs elsewhere with -o DIR",
    errno.ENOSPC: "the disk is full; free some space or write the outputs elsewhere with -o DIR",
    errno.EDQUOT: "the disk quota is exceeded; free some space or write the outputs elsewhere with -o DIR",
    errno.EACCES: "permission denied; write the outputs elsewhere with -o DIR",
    errno.EPERM: "permission denied; write the outputs elsewhere with -o DIR",
    errno.ENOTDIR: "a part of this path is a file, not a folder; give a folder with -o DIR",
    errno.EEXIST: "a file of that name is in the way, not a folder; give a folder with -o DIR",
    errno.EISDIR: "a folder of that name is in the way; remove it or write the outputs elsewhere with -o DIR",
    errno.ENAMETOOLONG: "the name is too long for this file system; rename the input or write the outputs elsewhere with -o DIR",
}


def write_error(path: Path | str, exc: OSError, doing: str = "cannot write") -> TarjamaError:
    """One line that names the path, says what went wrong and what to do."""
    reason = exc.strerror or type(exc).__name__
    advice = _ADVICE.get(exc.errno or 0, "write the outputs elsewhere with -o DIR")
    return TarjamaError(f"{doing} {shown(path)}: {reason}; {advice}")


def name_max(folder: Path) -> int:
    """The longest file name (in bytes) that ``folder``'s file system accepts."""
    try:
        return os.pathconf(folder, "PC_NAME_MAX")
    except (OSError, ValueError):
        return 255


def prepare_output_dir(folder: Path) -> None:
    """Prove the output folder writable before any model is loaded, without making it yet.

    An unwritable ``-o`` is found in a second, not after the first document
    has been translated; and a run that then fails (a missing model, a bad
    option) leaves no empty folder behind: the folder is made by the first
    write.  So the probe goes to the nearest folder that exists already.
    """
    if str(folder) == STDIN:  # `-o -` would make a folder named "-"; the outputs are several files, never stdout
        raise TarjamaError("-o -: the outputs are files written into a folder, not to standard output; give a folder with -o DIR")
    existing = Path(folder)
    while not existing.exists() and existing.parent != existing:
        if existing.is_symlink():  # a dangling link: mkdir would fail on it
            break
        existing = existing.parent
    if not existing.is_dir():
        where = "is a file" if existing == Path(folder) else f"is under {existing}, which is a file"
        raise TarjamaError(f"-o {folder}: {where}, not a folder; give a folder with -o DIR")
    probe = existing / temporary_name()
    try:
        fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        with contextlib.suppress(OSError):
            probe.unlink()
        what = "cannot write to the output folder" if existing == Path(folder) else "cannot create the output folder"
        raise write_error(folder, exc, what) from exc


def refuse_overwriting_inputs(outputs: Iterable[Path], inputs: Iterable[str | Path]) -> None:
    """No output may land on an input, whatever the names: files are compared by identity (device and inode),
    so a hard link, a symbolic link or another spelling of the input's path is caught too."""
    identities: dict[tuple[int, int], str] = {}
    for source in inputs:
        if str(source) == STDIN:
            continue
        try:
            info = os.stat(source)
        except OSError:
            continue
        identities[(info.st_dev, info.st_ino)] = str(source)
    for output in outputs:
        for stat in (os.stat, os.lstat):
            try:
                info = stat(output)
            except OSError:
                continue
            overwritten = identities.get((info.st_dev, info.st_ino))
            if overwritten is not None:
                raise TarjamaError(
                    f"the output {output} would overwrite the input {overwritten}; write the outputs elsewhere with -o DIR"
                )


def check_output_names(outputs: Iterable[Path]) -> None:
    """An output name the file system cannot hold is refused by name before any work is done."""
    for output in outputs:
        folder = output.parent
        while not folder.is_dir() and folder != folder.parent:
            folder = folder.parent
        limit = name_max(folder)
        if len(os.fsencode(output.name)) > limit:
            raise TarjamaError(
                f"cannot write {output}: the name is {len(os.fsencode(output.name))} bytes, longer than the {limit} "
                "this file system accepts; rename the input"
            )


# --- whose file is it: the ledger of outputs ---------------------------------------------------------
#
# An output folder is often the user's own (``.``, the article's folder), where ``article.html`` may be
# the web page the article came from.  A file is replaced only when tarjama wrote it there and nobody
# changed it since: every output written is recorded (name, size, SHA-256) in a hidden ledger in its
# folder, one JSON line appended per write.  Content, not a marker inside the file, decides, for two
# reasons: the .txt draft and the .tsv have no room for a marker (the draft is post-edited and read back
# by ``evaluate`` and ``check``; a TSV line is a bead), and a draft the translator has post-edited is the
# user's work now, which a rerun must not throw away.  A missing or damaged ledger makes nothing ours:
# the error says how to go on (``-o DIR`` or ``--overwrite``), so no file is ever lost to a guess.

LEDGER = ".tarjama-outputs"
"""The ledger's name in an output folder (hidden; folder inputs skip hidden files)."""
LEDGER_COMPACT_BYTES = 1 << 20
"""A ledger grown past this (a folder rerun thousands of times) is rewritten with one line per file."""


def _digest(path: Path) -> tuple[int, str]:
    """Size and SHA-256 of a file, read a MiB at a time."""
    sha = hashlib.sha256()
    size = 0
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            sha.update(chunk)
            size += len(chunk)
    return size, sha.hexdigest()


def _ledger_entries(folder: Path, name: str | None = None) -> list[dict[str, Any]]:
    """The ledger's entries (only ``name``'s, when given); an unreadable or damaged line is no entry."""
    try:
        data = (folder / LEDGER).read_bytes()
    except OSError:
        return []
    if name is None:
        lines = data.splitlines()
    else:  # a rerun of a big folder checks thousands of names: find this one's lines without splitting the rest
        needle = json.dumps({"name": name})[1:-1].encode()
        lines, found = [], data.find(needle)
        while found >= 0:
            start, end = data.rfind(b"\n", 0, found) + 1, data.find(b"\n", found)
            end = len(data) if end < 0 else end
            lines.append(data[start:end])
            found = data.find(needle, end)
    entries = []
    for line in lines:
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if isinstance(entry, dict) and (name is None or entry.get("name") == name):
            entries.append(entry)
    return entries


def is_ours(path: Path) -> bool:
    """Whether ``path`` is a file that a tarjama run wrote there, unchanged since (a missing path is not)."""
    path = Path(path)
    try:
        info = path.lstat()
    except OSError:
        return False
    if not os.path.isfile(path) or path.is_symlink():
        return False  # tarjama writes regular files only; a link or a device is someone else's
    recorded = {(entry.get("size"), entry.get("sha256")) for entry in _ledger_entries(path.parent, path.name)}
    if info.st_size not in {size for size, _ in recorded}:
        return False  # not worth reading: no write of ours had this size
    try:
        return _digest(path) in recorded
    except OSError:
        return False


def refuse_replacing_others(outputs: Iterable[Path], overwrite: Overwrite = Overwrite.OURS) -> None:
    """Unless told otherwise, no output may replace a file that tarjama did not write: one line names it and the way out."""
    if overwrite is not Overwrite.OURS:
        return
    others = [
        path for path in outputs if os.path.lexists(path) and not (path.is_dir() and not path.is_symlink()) and not is_ours(path)
    ]
    if others:
        more = f" (and {len(others) - 1} more)" if len(others) > 1 else ""
        raise TarjamaError(
            f"{shown(others[0])}{more} is not a file tarjama wrote (or it was changed since): not replaced; "
            "write the outputs elsewhere with -o DIR, or replace it with --overwrite"
        )


def _record(path: Path, size: int, sha: str) -> None:
    """Append this output to its folder's ledger: one line in one ``write``, so concurrent runs do not mix lines."""
    ledger = path.parent / LEDGER
    line = json.dumps({"name": path.name, "size": size, "sha256": sha}) + "\n"
    try:
        if ledger.stat().st_size > LEDGER_COMPACT_BYTES:
            _compact(path.parent)
    except OSError:
        pass
    try:
        fd = os.open(ledger, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o666)
        try:
            os.write(fd, line.encode("ascii"))
        finally:
            os.close(fd)
    except OSError as exc:
        raise write_error(ledger, exc) from exc


def _compact(folder: Path) -> None:
    """The ledger with the last entry of each file that still exists; a line another run appends meanwhile may be
    lost, which makes that file not ours (refused, never lost): the safe side of the race."""
    latest = {entry.get("name"): entry for entry in _ledger_entries(folder)}
    kept = "".join(json.dumps(e) + "\n" for name, e in latest.items() if isinstance(name, str) and (folder / name).is_file())
    tmp = folder / temporary_name()
    try:
        tmp.write_text(kept, encoding="ascii")
        os.replace(tmp, folder / LEDGER)
    except OSError:
        with contextlib.suppress(OSError):
            tmp.unlink()


def write_atomic(path: Path, text: str | bytes, overwrite: Overwrite = Overwrite.PRIVATE) -> None:
    """Write text (UTF-8, LF) or bytes to a temporary file beside ``path`` and rename it into place.

    An interrupted run therefore never leaves a half-written TMX that a CAT
    tool would import in part.  Concurrent runs writing the same output each
    write their own temporary file: the last complete write wins.  An output
    for the user passes ``Overwrite.OURS`` (or ``ANY``): see :func:`atomic_writer`.
    """
    with atomic_writer(path, binary=isinstance(text, bytes), overwrite=overwrite) as fh:
        fh.write(text)


@contextlib.contextmanager
def atomic_writer(path: Path, *, binary: bool = False, overwrite: Overwrite = Overwrite.PRIVATE) -> Iterator[IO[Any]]:
    """:func:`write_atomic` for a file written piece by piece (the merged TMX of a corpus): bounded memory, one rename.

    With ``Overwrite.OURS`` a file already at ``path`` that tarjama did not
    write is refused right before the rename (it may have appeared since the
    run was planned), and with ``OURS`` or ``ANY`` the new file is recorded in
    the folder's ledger first, so that a crash can never leave an output of
    ours unrecorded.  ``PRIVATE`` (the default) is for tarjama's own files.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise write_error(path.parent, exc, "cannot create the folder") from exc
    # A run killed while writing leaves its temporary file behind; a later run clears it once its owner is gone.
    clear_stale(path.parent)
    tmp = path.parent / temporary_name()
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as exc:
        raise write_error(path, exc) from exc
    try:
        with os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        # The temporary file is created 0600; an output is an ordinary file that colleagues may open.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        if overwrite is not Overwrite.PRIVATE:
            refuse_replacing_others([path], overwrite)
            _record(path, *_digest(tmp))
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise write_error(path, exc) from exc
        raise


def output_stem(path: str) -> str:
    """NAME of NAME.ext (``stdin`` for -): what a document and the outputs made from it are named after."""
    if path == STDIN:
        return "stdin"
    name = Path(path).name
    stem, _, _ = name.rpartition(".")
    return stem or name
