"""uvicorn's HTTP/1.1 protocol with a deadline on request headers and room made by idle connections.

uvicorn times out nothing before a request's headers are complete: its only
timer is keep-alive, set after a response and cancelled by any byte received.
A client sending one byte a second held its connection forever, and 260 such
connections (over ``--connections``' 256 … uvicorn answers 503 once the open
connections reach the limit) locked every other client out.  Two rules, per
connection, close that hole:

* **a deadline**: a connection must deliver a request's headers within
  ``header_timeout_s`` of opening (or of its previous answer), else it is
  closed;
* **room**: when a new connection brings the count to the limit, the oldest
  connection that has not sent a request (no work in flight, nothing owed to
  it) is closed to make room, so idle and trickling connections never crowd
  out one that sends its request at once.

Why a subclass of uvicorn's h11 protocol: uvicorn offers ``timeout_keep_alive``
and ``h11_max_incomplete_event_size`` (both set) but no header timeout, and
the limit it checks counts connections, not requests.  The subclass touches
only uvicorn's per-connection state that its own keep-alive handler uses.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

log = logging.getLogger("translate.serve")

HEADER_BYTES = 16 * 1024
"""The largest request line plus headers (h11's incomplete-event limit; uvicorn answers 400 past it)."""


def protocol_class(header_timeout_s: float, connections: int) -> type[H11Protocol]:
    """The protocol uvicorn builds for each connection, with these limits."""

    class Protocol(_Guarded):
        timeout = header_timeout_s
        limit = connections

    return Protocol


class _Guarded(H11Protocol):
    timeout: float = 30.0
    limit: int = 256

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._header_deadline: asyncio.TimerHandle | None = None
        self._opened = 0.0

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._opened = self.loop.time()
        self._arm()
        if len(self.connections) >= self.limit:
            self._make_room()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing():
            self._arm()  # the next request's headers get the same time

    # -- the rules --------------------------------------------------------------------------

    def _waiting_for_request(self) -> bool:
        """No request received on this connection's current cycle: nothing in flight, nothing owed."""
        return self.conn.their_state is h11.IDLE and self.conn.our_state is h11.IDLE

    def _arm(self) -> None:
        self._disarm()
        self._header_deadline = self.loop.call_later(self.timeout, self._deadline_passed)

    def _disarm(self) -> None:
        if self._header_deadline is not None:
            self._header_deadline.cancel()
            self._header_deadline = None

    def _deadline_passed(self) -> None:
        self._header_deadline = None
        if self._waiting_for_request() and not self.transport.is_closing():
            self._close()

    def _make_room(self) -> None:
        idle = [c for c in self.connections if c is not self and isinstance(c, _Guarded) and c._waiting_for_request()]
        if not idle:
            return  # every connection is busy: uvicorn's 503 is the right answer
        oldest = min(idle, key=lambda c: c._opened)
        oldest._close()

    def _close(self) -> None:
        self._disarm()
        self.connections.discard(self)  # counted out now, not on the next turn of the loop
        if not self.transport.is_closing():
            try:
                self.conn.send(h11.ConnectionClosed())
            except h11.LocalProtocolError:
                pass
            self.transport.close()
