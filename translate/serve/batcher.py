"""Cross-request batching: one worker thread owns the translator; requests queue segments and wait.

Decoding a batch of 16 sentences costs little more than decoding one, so a
server that translates each request on its own wastes most of the machine
when many clients ask at once.  Here every request puts its segments in one
bounded queue and waits on a future; the worker takes what is queued (up to
``max_segments``, waiting at most ``wait_s`` for more once the first job is
in) and hands it to the engine as one call, then splits the results back.
A call also waits (at most :data:`RETURN_S`) for as many new jobs as the last
call answered: clients answered together come back together, and 16 clients
are one call of 16 requests rather than two alternating calls of 8 (a
CTranslate2 replica then decodes batches twice as large, 16% more sentences a
second; at 4 clients the server answered 1.24× more requests a second).

The engine guarantees that a sentence's translation does not depend on what
it is batched with, so merging requests cannot change an answer (a test
proves it through the server).  The queue is bounded in segments: a request
that would overflow it is refused at once (HTTP 429), never queued into an
unbounded backlog.  The worker is also the only thread that touches the
translator, which is not thread-safe (its translation memory is an SQLite
connection owned by the thread that opened it).  A merged call that fails
is run again job by job, so that one request's bad input (a lone surrogate the
tokenizer refuses) fails that request only, not the strangers merged with it.

A job is cut into pieces of at most ``max_segments`` items, and jobs take
turns piece by piece: 4,080 sentences with alternatives held the model for
87 s as one job while every other client waited; now a short request waits
for one piece of each long one.  A job whose future is cancelled (its
request timed out, or its client went away) leaves the queue, and its
remaining pieces are never run.  ``stop`` fails every queued job at once, so
a server told to stop does not first work through its queue.

Nothing here knows about translation: the work is any function from a list
of items to a list of results of the same length.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import Future, InvalidStateError
from dataclasses import dataclass, field
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")

log = logging.getLogger(__name__)


RETURN_S = 0.1
"""How long a merged call waits at most for the clients the previous one answered (see ``Batcher._take``)."""


class QueueFull(Exception):
    """The queue holds too many segments already: the client should retry later."""


class Closed(Exception):
    """The batcher is stopping: no new work is taken, and queued work is dropped."""


@dataclass(slots=True, eq=False)
class _Job(Generic[T, R]):
    """One submission: its items, the pieces of it handed out so far, and the results that came back."""

    items: list[T]
    future: Future
    work: Callable[[list[T]], list[R]] | None  # None: the shared work, merged with other jobs
    chunk: int
    taken: int = 0
    finished: int = 0
    results: list = field(default_factory=list)

    @property
    def left(self) -> int:
        return len(self.items) - self.taken


@dataclass(frozen=True, slots=True)
class _Piece:
    job: _Job
    start: int
    items: list


@dataclass(slots=True)
class BatchStats:
    """What the worker did, for the log and the benchmark: how much merging happened."""

    calls: int = 0
    jobs: int = 0
    items: int = 0
    largest: int = 0
    sizes: dict[int, int] = field(default_factory=dict)


class Batcher(Generic[T, R]):
    """A bounded queue in front of one worker thread that runs ``work`` on merged pieces of jobs.

    ``setup`` runs first on the worker thread and returns the work function, so
    whatever it opens (a model, an SQLite connection) belongs to that thread.
    With ``merge=False`` every piece is its own call: the server without
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
        self._queue: deque[_Job] = deque()  # jobs with pieces left, in turn
        self._queued = 0  # items not yet handed to the worker
        self._lock = threading.Condition()
        self._closed = False
        self._ready = threading.Event()
        self._failure: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="tarjama-batcher", daemon=True)
        # The clients the last merged call answered, and the jobs submitted since: see _take.
        self._answered = 0
        self._answered_at = 0.0
        self._arrived = 0

    # -- lifecycle ------------------------------------------------------------------------

    def start(self) -> None:
        """Start the worker and wait until ``setup`` is done; its exception is raised here."""
        self._thread.start()
        self._ready.wait()
        if self._failure is not None:
            raise self._failure

    def stop(self) -> None:
        """Take no more work and fail every queued job with :class:`Closed`; the piece being run finishes. Does not wait."""
        with self._lock:
            self._closed = True
            self._lock.notify_all()

    def close(self, timeout: float = 30.0) -> None:
        self.stop()
        if self._thread.is_alive():
            self._thread.join(timeout)

    @property
    def queued(self) -> int:
        return self._queued

    # -- submitting -----------------------------------------------------------------------

    def submit(self, items: Sequence[T], work: Callable[[list[T]], list[R]] | None = None, chunk: int | None = None) -> Future:
        """Queue ``items``; the future's result is their results, in order.  Cancel it to drop what is left of the job.

        Without ``work`` the items go to the shared work, merged with other
        jobs' items; with it, each piece of at most ``chunk`` items is one call
        of ``work`` alone (work that cannot be merged, such as n-best lists).
        """
        future: Future = Future()
        if not items:
            future.set_result([])
            return future
        size = max(1, min(chunk or self.max_segments, self.max_segments))
        job: _Job = _Job(list(items), future, work, size, results=[None] * len(items))
        with self._lock:
            if self._closed:
                raise Closed("the server is stopping")
            if self._queued + len(job.items) > self.capacity:
                raise QueueFull(f"{self._queued} segments are queued (limit {self.capacity})")
            self._queue.append(job)
            self._queued += len(job.items)
            self._arrived += 1
            self._lock.notify_all()
        return future

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
            pieces = self._take()
            if pieces is None:
                return
            self._execute(pieces)

    def _drop_cancelled(self) -> None:
        """Cancelled jobs leave the queue: their remaining pieces are never run (called with the lock held)."""
        if any(job.future.done() for job in self._queue):
            for job in [job for job in self._queue if job.future.done()]:
                self._queue.remove(job)
                self._queued -= job.left

    def _piece(self, job: _Job, most: int) -> _Piece:
        """The next piece of the queue's first job; the job goes to the back of the queue while it has more."""
        count = min(job.left, most)
        piece = _Piece(job, job.taken, job.items[job.taken : job.taken + count])
        job.taken += count
        self._queued -= count
        self._queue.popleft()
        if job.left:
            self._queue.append(job)
        return piece

    def _take(self) -> list[_Piece] | None:
        """The next pieces to run together: the first job's next piece, then more while they fit and the wait lasts."""
        with self._lock:
            while True:
                self._drop_cancelled()
                if self._closed:
                    for job in self._queue:
                        _fail(job, Closed("the server is stopping"))
                    self._queue.clear()
                    self._queued = 0
                    return None
                if self._queue:
                    break
                self._lock.wait()
            first = self._queue[0]
            pieces = [self._piece(first, first.chunk)]
            if first.work is not None or not self.merge:
                return pieces
            total = len(pieces[0].items)
            deadline = time.monotonic() + self.wait_s
            # Clients answered by the last call come straight back; a call started without them halves
            # the batches (16 clients ran as two alternating calls of 8 requests, a CTranslate2 replica
            # decoding 8 sentences where it could decode 16, 16% more a second).  So the call also waits,
            # at most RETURN_S after that answer, until as many jobs have come in as it answered.
            returned = self._answered_at + RETURN_S
            while total < self.max_segments and not self._closed:
                self._drop_cancelled()
                if self._queue:
                    nxt = self._queue[0]
                    if nxt.work is not None:
                        break
                    piece = self._piece(nxt, self.max_segments - total)
                    pieces.append(piece)
                    total += len(piece.items)
                    continue
                now = time.monotonic()
                left = max(deadline, returned if self._arrived < self._answered else 0.0) - now
                if left <= 0:
                    break
                self._lock.wait(left)
            return pieces

    def _execute(self, pieces: list[_Piece]) -> None:
        live = [piece for piece in pieces if not piece.job.future.done()]
        if not live:
            return
        merged: list[T] = [item for piece in live for item in piece.items]
        work = live[0].job.work or self._work
        if live[0].job.work is None:
            stats = self.stats
            stats.calls += 1
            stats.jobs += len(live)
            stats.items += len(merged)
            stats.largest = max(stats.largest, len(merged))
            stats.sizes[len(live)] = stats.sizes.get(len(live), 0) + 1
        try:
            results = self._call(work, merged)
        except BaseException as exc:
            if len(live) == 1:
                log.exception("translation failed")
                with self._lock:
                    _fail(live[0].job, exc)
                    self._drop_cancelled()
                return
            # One job's bad input must not fail the jobs it was merged with: each piece runs again alone, and
            # only the one that fails on its own gets the exception (the rare failure costs a second pass).
            log.warning("a merged call of %d pieces failed (%s); running each alone", len(live), type(exc).__name__)
            for piece in live:
                try:
                    self._deliver([piece], self._call(work, list(piece.items)))
                except BaseException as alone:  # noqa: BLE001 - the request that brought the bad input gets it
                    log.info("one request's piece failed on its own: %s", type(alone).__name__)
                    with self._lock:
                        _fail(piece.job, alone)
                        self._drop_cancelled()
            return
        self._deliver(live, results)
        if live[0].job.work is None:
            with self._lock:
                self._answered, self._answered_at, self._arrived = len({id(p.job) for p in live}), time.monotonic(), 0

    @staticmethod
    def _call(work: Callable[[list[T]], list[R]] | None, items: list[T]) -> list[R]:
        assert work is not None
        results = work(items)
        if len(results) != len(items):
            raise RuntimeError(f"the work returned {len(results)} results for {len(items)} items")
        return results

    @staticmethod
    def _deliver(pieces: list[_Piece], results: list[R]) -> None:
        """Each piece's results into its job; a job whose last piece came back is answered."""
        start = 0
        for piece in pieces:
            job, count = piece.job, len(piece.items)
            if job.future.done():  # failed or cancelled meanwhile: nobody waits for it
                start += count
                continue
            job.results[piece.start : piece.start + count] = results[start : start + count]
            start += count
            job.finished += count
            if job.finished == len(job.items):
                try:
                    job.future.set_result(job.results)
                except InvalidStateError:  # cancelled meanwhile: nobody waits for it
                    pass


def _fail(job: _Job, exc: BaseException) -> None:
    try:
        job.future.set_exception(exc)
    except InvalidStateError:  # cancelled or failed already
        pass
