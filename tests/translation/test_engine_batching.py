"""Batch sizes when the backend decodes several batches at once (CTranslate2 replicas)."""

from __future__ import annotations

from translate.translation.engine import _balanced_size, _batches


def test_parallel_batches_are_balanced_so_no_replica_idles() -> None:
    # 20 sentences on two replicas: 16 + 4 left one replica decoding 16 alone; 10 + 10 keeps both busy.
    assert _balanced_size(20, 16, 2) == 10
    sizes = [len(b) for b in _batches(list(range(20)), lambda i: 1, batch_tokens=2048, batch_size=_balanced_size(20, 16, 2))]
    assert sizes == [10, 10]
    assert _balanced_size(40, 16, 2) == 10  # 4 batches, not 16 + 16 + 8
    assert _balanced_size(100, 16, 2) == 13  # 8 batches, not 7


def test_balanced_size_never_exceeds_the_batch_size_and_leaves_one_decoder_alone() -> None:
    assert _balanced_size(20, 16, 1) == 16
    assert _balanced_size(1, 16, 2) == 16
    assert _balanced_size(128, 16, 2) == 16
    assert all(1 <= _balanced_size(n, b, p) <= b for n in range(1, 300) for b in (1, 4, 16) for p in (1, 2, 3, 4))
