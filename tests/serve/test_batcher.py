"""The cross-request batcher on its own: merging, order, the bounded queue, failures, exclusive calls."""

from __future__ import annotations

import threading
import time

import pytest

from translate.serve.batcher import Batcher, QueueFull


def _batcher(calls: list[list[str]], **options) -> Batcher:
    def setup():
        owner = threading.get_ident()

        def work(items: list[str]) -> list[str]:
            assert threading.get_ident() == owner, "only the worker thread runs the work"
            calls.append(list(items))
            return [item.upper() for item in items]

        return work

    batcher = Batcher(setup, **{"capacity": 100, "max_segments": 8, "wait_s": 0.2, **options})
    batcher.start()
    return batcher


def test_concurrent_jobs_are_merged_and_each_gets_its_own_results() -> None:
    calls: list[list[str]] = []
    batcher = _batcher(calls)
    try:
        futures = [batcher.submit([f"a{i}", f"b{i}"]) for i in range(3)]
        assert [f.result(5) for f in futures] == [[f"A{i}", f"B{i}"] for i in range(3)]
        assert calls == [["a0", "b0", "a1", "b1", "a2", "b2"]]
        assert (batcher.stats.calls, batcher.stats.jobs, batcher.stats.largest) == (1, 3, 6)
    finally:
        batcher.close()


def test_without_merging_every_job_is_its_own_call() -> None:
    calls: list[list[str]] = []
    batcher = _batcher(calls, merge=False)
    try:
        futures = [batcher.submit([f"x{i}"]) for i in range(3)]
        assert [f.result(5) for f in futures] == [["X0"], ["X1"], ["X2"]]
        assert calls == [["x0"], ["x1"], ["x2"]]
    finally:
        batcher.close()


def test_a_merged_call_stops_at_max_segments() -> None:
    calls: list[list[str]] = []
    batcher = _batcher(calls, max_segments=4)
    try:
        futures = [batcher.submit(["p", "q", "r"]) for _ in range(3)]
        for f in futures:
            f.result(5)
        assert all(len(c) <= 4 or c == ["p", "q", "r"] for c in calls) and len(calls) == 3
    finally:
        batcher.close()


def test_the_queue_is_bounded() -> None:
    gate = threading.Event()

    def setup():
        def work(items):
            gate.wait(5)
            return items

        return work

    batcher = Batcher(setup, capacity=4, max_segments=100, wait_s=0)
    batcher.start()
    try:
        first = batcher.submit(["1"])
        time.sleep(0.1)  # the worker holds the first job
        batcher.submit(["2", "3", "4"])
        with pytest.raises(QueueFull):
            batcher.submit(["5", "6"])
        gate.set()
        assert first.result(5) == ["1"]
    finally:
        gate.set()
        batcher.close()


def test_a_failing_job_fails_alone_and_the_worker_goes_on() -> None:
    """One bad input in a merged call fails only the job that brought it; the jobs merged with it get their results."""
    calls: list[list[str]] = []

    def setup():
        def work(items):
            calls.append(list(items))
            if "boom" in items:
                raise ValueError("bad item")
            return [item.upper() for item in items]

        return work

    batcher = Batcher(setup, capacity=10, max_segments=10, wait_s=0.2)
    batcher.start()
    try:
        a, bad, b = batcher.submit(["one", "two"]), batcher.submit(["x", "boom"]), batcher.submit(["fine"])
        with pytest.raises(ValueError, match="bad item"):
            bad.result(5)
        assert (a.result(5), b.result(5)) == (["ONE", "TWO"], ["FINE"])
        assert calls[0] == ["one", "two", "x", "boom", "fine"], "they were merged"
        assert batcher.submit(["later"]).result(5) == ["LATER"]
        assert batcher.call(lambda: threading.current_thread().name).result(5) == "tarjama-batcher"
    finally:
        batcher.close()


def test_a_lone_surrogate_fails_only_its_own_request_on_the_real_engine(translator) -> None:
    """The engine refuses a lone surrogate for the whole call it is in; the batcher keeps the others' answers."""
    batcher = Batcher(lambda: translator.translate_segments, capacity=100, max_segments=64, wait_s=0.3)
    batcher.start()
    try:
        innocent = [batcher.submit([f"ذهب الولد {i}."]) for i in range(6)]
        hostile = batcher.submit(["مرحبا", "\ud800"])
        with pytest.raises(ValueError, match="surrogate"):
            hostile.result(60)
        alone = [r.text for r in translator.translate_segments([f"ذهب الولد {i}." for i in range(6)])]
        assert [f.result(60)[0].text for f in innocent] == alone
        assert batcher.stats.largest == 8, "the hostile request was merged with the others"
    finally:
        batcher.close()


def test_setup_failure_is_raised_by_start() -> None:
    def setup():
        raise RuntimeError("no model")

    with pytest.raises(RuntimeError, match="no model"):
        Batcher(setup, capacity=1, max_segments=1, wait_s=0).start()
