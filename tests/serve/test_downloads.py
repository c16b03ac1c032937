"""The downloads store on real files: bounded by bytes, files and age, pruned on every access."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from translate.serve.downloads import DownloadStore


def _result(store: DownloadStore, name: str, sizes: tuple[int, ...], age_s: float = 0) -> str:
    """Write one result's files (as the exporters do) and tell the store."""
    stem = store.new_stem(name)
    for index, size in enumerate(sizes):
        path = store.folder / f"{stem}.{index}.txt"
        path.write_bytes(b"x" * size)
        if age_s:
            past = time.time() - age_s
            os.utime(path, (past, past))
    store.added(stem)
    return stem


def _files(store: DownloadStore, stem: str) -> list[Path]:
    return sorted(store.folder.glob(f"{stem}.*"))


def test_the_store_is_bounded_by_bytes_oldest_first_and_the_newest_result_is_kept(tmp_path: Path) -> None:
    """7.2 MB of uploads wrote 73 MB of downloads; the store was bounded only by its number of files."""
    store = DownloadStore(tmp_path, max_bytes=10_000, max_age_s=3600, max_files=100)
    stems = [_result(store, f"r{i}", (1500, 1500), age_s=100 - i) for i in range(8)]  # 24 KB in all, oldest first
    assert store.total_bytes() <= 10_000
    assert not _files(store, stems[0]) and len(_files(store, stems[-1])) == 2
    big = _result(store, "big", (30_000,))
    assert len(_files(store, big)) == 1 and store.total_bytes() == 30_000, "a result larger than the limit is kept alone"


def test_the_store_is_bounded_by_files(tmp_path: Path) -> None:
    store = DownloadStore(tmp_path, max_bytes=10**9, max_age_s=3600, max_files=5)
    for i in range(6):
        _result(store, f"r{i}", (1, 1), age_s=100 - i)
    assert len(list(tmp_path.iterdir())) <= 5


def test_an_expired_file_is_never_served_and_goes_on_the_next_access(tmp_path: Path) -> None:
    """Expired files were served until the next upload pruned them."""
    store = DownloadStore(tmp_path, max_bytes=10**9, max_age_s=60, max_files=100)
    old = _result(store, "old", (10,), age_s=120)
    fresh = _result(store, "fresh", (10,))
    assert store.find(_files(store, fresh)[0].name) is not None
    old_name = f"{old}.0.txt"
    assert store.find(old_name) is None and not (tmp_path / old_name).exists()
    with pytest.raises(ValueError):
        store.find("../etc/passwd")
