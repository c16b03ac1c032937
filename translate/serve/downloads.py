"""The files the server hands out (/translate_file's answer, the page's downloads), bounded by bytes, count and age.

Every result writes several files (the draft, the TMX, the XLIFF, the
review page, a .docx): 7.2 MB of uploads wrote 73 MB of downloads, and a
store bounded only by its number of files (2,000) could grow to about 29 GB.
Expired files were also served until the next upload pruned them.  Here the
store is pruned on every access (each new result and each download): files
older than ``max_age_s`` are deleted and never served, and the oldest go
first while the store holds more than ``max_bytes`` or ``max_files``.  The
files of the result being written are never deleted by its own pruning, so
the store exceeds ``max_bytes`` by at most one result (itself bounded by the
upload limits).
"""

from __future__ import annotations

import logging
import os
import re
import secrets
import threading
import time
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

_NAME = re.compile(r"[0-9a-f]{32}\.[A-Za-z0-9][A-Za-z0-9._-]{0,150}")


@dataclass(frozen=True, slots=True)
class _Entry:
    path: Path
    size: int
    mtime: float


class DownloadStore:
    """A private folder of results, each file named by a random 128-bit token and the upload's name."""

    def __init__(self, folder: Path, *, max_bytes: int, max_age_s: float, max_files: int) -> None:
        self.folder = folder
        self.max_bytes = max_bytes
        self.max_age_s = max_age_s
        self.max_files = max_files
        self._lock = threading.Lock()  # requests prune from the event loop and from worker threads

    def new_stem(self, name: str) -> str:
        """A fresh stem for one result's files (``<token>.<name>``); the store is pruned first."""
        self.prune()
        return f"{secrets.token_hex(16)}.{name}"

    def added(self, stem: str) -> None:
        """The files of ``stem`` are written: prune to the limits, keeping them."""
        self.prune(keep=stem)

    def find(self, filename: str) -> Path | None:
        """The file to serve, or None: a name that is not ours, a file gone or expired."""
        if not _NAME.fullmatch(filename):
            raise ValueError(filename)
        self.prune()
        path = self.folder / filename
        try:
            fresh = time.time() - path.stat().st_mtime <= self.max_age_s
        except OSError:
            return None
        return path if fresh and path.is_file() else None

    def total_bytes(self) -> int:
        return sum(entry.size for entry in self._entries())

    def prune(self, keep: str | None = None) -> None:
        """Delete expired files, then the oldest while over the byte or file limit.

        The files of ``keep`` (the result being written) and of the newest
        result are not deleted for size: a result larger than the limit is
        still handed out, alone.
        """
        with self._lock:
            entries = sorted(self._entries(), key=lambda e: e.mtime)
            cutoff = time.time() - self.max_age_s
            total = sum(e.size for e in entries)
            count = len(entries)
            kept = {_token(keep)} if keep else set()
            if entries:
                kept.add(_token(entries[-1].path.name))
            for entry in entries:
                expired = entry.mtime < cutoff
                if not expired and total <= self.max_bytes and count <= self.max_files:
                    break
                if not expired and _token(entry.path.name) in kept:
                    continue
                try:
                    entry.path.unlink()
                except OSError:
                    continue
                total -= entry.size
                count -= 1

    def _entries(self) -> list[_Entry]:
        found = []
        try:
            with os.scandir(self.folder) as scan:
                for item in scan:
                    try:
                        info = item.stat(follow_symlinks=False)
                    except OSError:
                        continue
                    found.append(_Entry(Path(item.path), info.st_size, info.st_mtime))
        except OSError:
            return []
        return found


def _token(name: str) -> str:
    return name.split(".", 1)[0]
