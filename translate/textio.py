"""Reading input text strictly and writing outputs atomically.

Inputs are checked before any model is loaded, so a bad file costs the user
a second, not a minute; outputs appear whole or not at all.
"""

from __future__ import annotations

import codecs
import glob
import os
import sys
import tempfile
from pathlib import Path

from translate.errors import TarjamaError

STDIN = "-"


def decode(data: bytes, label: str) -> str:
    """Decode UTF-8 (with or without BOM) or UTF-16 with BOM; refuse anything else by name and offset."""
    if data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise TarjamaError(f"{label}: invalid UTF-16 at byte {exc.start}") from None
    else:
        if b"\x00" in data:
            raise TarjamaError(f"{label}: looks like a binary file (NUL byte at offset {data.index(0)}), expected UTF-8 text")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            offset = exc.start + (3 if data.startswith(codecs.BOM_UTF8) else 0)
            raise TarjamaError(f"{label}: not valid UTF-8 (first bad byte at offset {offset}); save the file as UTF-8") from None
    if "\x00" in text:
        raise TarjamaError(f"{label}: looks like a binary file (contains NUL characters)")
    if not text.strip():
        raise TarjamaError(f"{label}: the file is empty (no text to work on)")
    return text


def read_bytes(path: str | Path, expected: str = "a text file") -> bytes:
    """A whole file's bytes, or a one-line error that names the file."""
    p = Path(path)
    if p.is_dir():
        raise TarjamaError(f"{path}: is a directory, expected {expected}")
    try:
        return p.read_bytes()
    except FileNotFoundError:
        raise TarjamaError(f"{path}: no such file") from None
    except OSError as exc:
        raise TarjamaError(f"{path}: cannot read ({exc.strerror})") from None


def read_text(path: str) -> str:
    """Read a whole input file (or stdin for ``-``) as text."""
    if path == STDIN:
        return decode(sys.stdin.buffer.read(), "<stdin>")
    return decode(read_bytes(path), path)


def write_atomic(path: Path, text: str | bytes) -> None:
    """Write text (UTF-8, LF) or bytes to a temporary file beside ``path`` and rename it into place.

    An interrupted run therefore never leaves a half-written TMX that a CAT
    tool would import in part.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    # A run killed while writing leaves its temporary file behind; the rerun clears it.
    for stale in path.parent.glob(f".{glob.escape(path.name)}.*.part"):
        stale.unlink(missing_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        if isinstance(text, bytes):
            with os.fdopen(fd, "wb") as fh:
                fh.write(text)
                fh.flush()
                os.fsync(fh.fileno())
        else:
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
                fh.write(text)
                fh.flush()
                os.fsync(fh.fileno())
        # mkstemp creates 0600; an output is an ordinary file that colleagues may open.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
