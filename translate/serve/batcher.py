"""Cross-request batching: one worker thread owns the translator; requests queue segments and wait.

Decoding a batch of 16 sentences costs little more than decoding one, so a
server that translates each request on its own wastes most of the machine
when many clients ask at once.  Here every request puts its segments in one
bounded queue and waits on a future; the worker takes what is queued (up to
``max_segments``, waiting at most ``wait_s`` for more once the first job is
in) and hands it to the engine as one call, then splits the results back.

The engine guarantees that a sentence's translation does not depend on what
it is batched with, so merging requests cannot change an answer (a test
proves it through the server).  The queue is bounded in segments: a request
that would overflow it is refused at once (HTTP 429), never queued into an
unbounded backlog.  The worker is also the only thread that touches the
translator, which is not thread-safe (its translation memory is an SQLite
connection owned by the thread that opened it).  A merged call that fails
is run again job by job, so that one request's bad input (a lone surrogate the
tokenizer refuses) fails that request only, not the strangers merged with it.

Nothing here knows about translation: the work is any function from a list
of items to a list of results of the same length.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")

log = logging.getLogger(__name__)


class QueueFull(Exception):
    """The queue holds too many segments already: the client should retry later."""


class Closed(Exception):
    """The batcher is stopping: no new work is taken."""


@dataclass(slots=True)
class _Job(Generic[T, R]):
    items: Sequence[T] | None  # None: an exclusive call (``call``), run alone
    future: Future
    exclusive: Callable[[], object] | None = None
    size: int = 0


@dataclass(slots=True)
class BatchStats:
    """What the worker did, for the log and the benchmark: how much merging happened."""

    calls: int = 0
    jobs: int = 0
    items: int = 0
    largest: int = 0
    sizes: dict[int, int] = field(default_factory=dict)


class Batcher(Generic[T, R]):
    """A bounded queue in front of one worker thread that runs ``work`` on merged jobs.

    ``setup`` runs first on the worker thread and returns the work function, so
    whatever it opens (a model, an SQLite connection) belongs to that thread.
    With ``merge=False`` every job is its own call: the server without
    cross-request batching, for comparison.
    """

    def __init__(
        self,
        setup: Callable[[], Callable[[list[T]], list[R]]],
        *,
        capacity: int,
        max_segments: int,
        wait_s: float,
        merge: bool = True,
    ) -> None:
        self.capacity = capacity
        self.max_segments = max(1, max_segments)
        self.wait_s = wait_s
        self.merge = merge
        self.stats = BatchStats()
        self._setup = setup
        self._work: Callable[[list[T]], list[R]] | None = None
        self._queue: deque[_Job] = deque()
        self._queued = 0  # segments waiting
        self._lock = threading.Condition()
        self._closed = False
        self._ready = threading.Event()
        self._failure: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="tarjama-batcher", daemon=True)

    # -- lifecycle ------------------------------------------------------------------------

    def start(self) -> None:
        """Start the worker and wait until ``setup`` is done; its exception is raised here."""
        self._thread.start()
        self._ready.wait()
        if self._failure is not None:
            raise self._failure

    def close(self, timeout: float = 30.0) -> None:
        with self._lock:
            self._closed = True
            self._lock.notify_all()
        if self._thread.is_alive():
            self._thread.join(timeout)

    @property
    def queued(self) -> int:
        return self._queued

    # -- submitting -----------------------------------------------------------------------

    def submit(self, items: Sequence[T]) -> Future:
        """Queue ``items`` for the worker; the future's result is their results, in order."""
        future: Future = Future()
        if not items:
            future.set_result([])
            return future
        self._put(_Job(list(items), future, size=len(items)))
        return future

    def call(self, function: Callable[[], object]) -> Future:
        """Run ``function`` alone on the worker thread (work that cannot be merged, such as n-best)."""
        future: Future = Future()
        self._put(_Job(None, future, exclusive=function, size=1))
        return future

    def _put(self, job: _Job) -> None:
        with self._lock:
            if self._closed:
                raise Closed("the server is stopping")
            if self._queued + job.size > self.capacity:
                raise QueueFull(f"{self._queued} segments are queued (limit {self.capacity})")
            self._queue.append(job)
            self._queued += job.size
            self._lock.notify_all()

    # -- the worker -----------------------------------------------------------------------

    def _run(self) -> None:
        try:
            self._work = self._setup()
        except BaseException as exc:  # noqa: BLE001 - handed to start(), which raises it
            self._failure = exc
            self._ready.set()
            return
        self._ready.set()
        while True:
            jobs = self._take()
            if jobs is None:
                return
            self._execute(jobs)

    def _take(self) -> list[_Job] | None:
        """The next jobs to run together: the first one queued, then more while they fit and the wait lasts."""
        with self._lock:
            while not self._queue:
                if self._closed:
                    return None
                self._lock.wait()
            first = self._queue.popleft()
            self._queued -= first.size
            jobs = [first]
            if first.items is None or not self.merge:
                return jobs
            total = first.size
            deadline = time.monotonic() + self.wait_s
            while total < self.max_segments:
                if self._queue:
                    nxt = self._queue[0]
                    if nxt.items is None or total + nxt.size > self.max_segments:
                        break
                    self._queue.popleft()
                    self._queued -= nxt.size
                    jobs.append(nxt)
                    total += nxt.size
                    continue
                left = deadline - time.monotonic()
                if left <= 0 or self._closed:
                    break
                self._lock.wait(left)
            return jobs

    def _execute(self, jobs: list[_Job]) -> None:
        live = [job for job in jobs if job.future.set_running_or_notify_cancel()]
        if not live:
            return
        if live[0].items is None:
            job = live[0]
            try:
                job.future.set_result(job.exclusive())  # type: ignore[misc]
            except BaseException as exc:  # noqa: BLE001 - the request that asked gets it
                job.future.set_exception(exc)
            return
        merged: list[T] = [item for job in live for item in job.items]  # type: ignore[union-attr]
        stats = self.stats
        stats.calls += 1
        stats.jobs += len(live)
        stats.items += len(merged)
        stats.largest = max(stats.largest, len(merged))
        stats.sizes[len(live)] = stats.sizes.get(len(live), 0) + 1
        try:
            results = self._call(merged)
        except BaseException as exc:  # noqa: BLE001 - handed to the requests that asked, below
            if len(live) == 1:
                live[0].future.set_exception(exc)
                return
            # One job's bad input must not fail the jobs it was merged with: each runs again alone, and
            # only the one that fails on its own gets the exception (the rare failure costs a second pass).
            log.warning("a merged call of %d requests failed (%s); running each alone", len(live), type(exc).__name__)
            for job in live:
                try:
                    job.future.set_result(self._call(job.items))  # type: ignore[arg-type]
                except BaseException as alone:  # noqa: BLE001 - the request that brought the bad input gets it
                    job.future.set_exception(alone)
            return
        start = 0
        for job in live:
            job.future.set_result(results[start : start + len(job.items)])  # type: ignore[arg-type]
            start += len(job.items)  # type: ignore[arg-type]

    def _call(self, items: list[T]) -> list[R]:
        assert self._work is not None
        results = self._work(items)
        if len(results) != len(items):
            raise RuntimeError(f"the work returned {len(results)} results for {len(items)} items")
        return results
