"""Reaching a Ray cluster: one clear line instead of a long wait, a traceback or Ray's own log lines.

Ray is an optional extra, imported here and nowhere else on the driver, and
only when ``--ray`` is given.

Which Ray: ``--ray`` without an address starts a Ray of its own on this
machine (Ray's ``address="local"``) and stops it at the end.  Ray's own
default would follow ``$RAY_ADDRESS`` and the file ``ray start`` leaves in
its temporary folder (``/tmp/ray/ray_current_cluster``): a stale file
(someone's killed cluster) made a run wait ten minutes, and a live one
would have joined a cluster that is not the user's.  So a cluster is only
ever joined when it is named: ``--ray ADDRESS``, or ``--ray auto`` for
Ray's own discovery.

Reaching it: ``ray.init`` on an address where nothing listens retries for
tens of seconds, and with a wrong token for twenty; a plain TCP connection
with a timeout says the first in seconds, and one GCS attempt instead of
twenty says the second.  Ray's C++ client writes its retries straight to
file descriptor 2, past Python's logging, so the descriptor is pointed at a
temporary file while Ray connects and disconnects; what Ray wrote there is
logged at debug level and, on failure, read for the reason.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType

from translate.errors import TarjamaError, first_line

INSTALL_HINT = "pip install 'tarjama[ray]'"
NAMESPACE = "tarjama"
"""Our actors are named in this namespace (``translate-JOB-N``), so an operator (or a test) can find one."""
CONNECT_TIMEOUT_S = 5.0
GCS_ATTEMPTS = 1
"""Ray's connection attempts to a named cluster's GCS (Ray's default: 20, a second apart); the port already answered."""
AUTO = "auto"

log = logging.getLogger(__name__)


def require_ray() -> None:
    """Refuse ``--ray`` without the extra before any work, without importing Ray (its import reads settings, below)."""
    import importlib.util

    try:
        found = importlib.util.find_spec("ray") is not None
    except (ImportError, ValueError):  # ValueError: a blocked module (sys.modules["ray"] = None)
        found = False
    if not found:
        raise TarjamaError(f"--ray needs Ray, an optional extra: {INSTALL_HINT}")


def preflight(address: str | None) -> None:
    """Refuse an address where nothing listens in seconds, before the inputs are read."""
    require_ray()
    if address:
        _reachable(*_resolve(address))


def connect(address: str | None) -> ModuleType:
    """Join the cluster at ``address`` (``auto``: the one Ray finds); without one, start a local Ray on this machine.

    Where the program has already initialised Ray itself, that Ray is used as it is.
    """
    ray, _ = _connect(address)
    return ray


@contextmanager
def session(address: str | None) -> Iterator[ModuleType]:
    """:func:`connect`, and at the end disconnect; a local Ray started here is stopped with it."""
    ray, ours = _connect(address)
    try:
        yield ray
    finally:
        if ours:
            with _ray_stderr():
                ray.shutdown()


def _connect(address: str | None) -> tuple[ModuleType, bool]:
    require_ray()
    target: str | None = None
    if address:
        target, origin = _resolve(address)
        host, _ = _host_port(target)
        if _loopback(host):
            _stay_on_loopback()
        _reachable(target, origin)
    else:
        if os.environ.get("RAY_ADDRESS"):
            log.warning(
                "RAY_ADDRESS=%s is not used: --ray without an address runs on a local Ray of its own; give a cluster as --ray ADDRESS",
                os.environ["RAY_ADDRESS"],
            )
        _local_defaults()
    try:
        import ray
    except ImportError as exc:  # installed but broken
        raise TarjamaError(f"--ray: Ray does not import ({first_line(exc)}); reinstall it: {INSTALL_HINT}") from exc
    if ray.is_initialized():
        return ray, False
    where = target or "a local Ray"
    attempts = {"RAY_gcs_server_port_wait_time_s": str(GCS_ATTEMPTS)} if target else {}
    try:
        with _ray_stderr() as written, _environment(attempts), _signal_handlers_kept():
            try:
                ray.init(
                    address=target or "local",  # "local": never $RAY_ADDRESS, never ray_current_cluster
                    namespace=NAMESPACE,
                    include_dashboard=False if target is None else None,
                    log_to_driver=False,
                    logging_level=logging.ERROR,
                    configure_logging=True,
                )
            except Exception as exc:
                reason = _reason(exc, written())
                if reason is None:
                    raise
                raise TarjamaError(f"cannot connect to the Ray cluster at {where}: {reason}") from exc
    except BaseException:
        if ray.is_initialized():  # half-connected: leave nothing running behind the error
            with _ray_stderr():
                ray.shutdown()
        raise
    return ray, True


def _reason(exc: BaseException, written: str) -> str | None:
    """Why Ray could not connect, in a line; None for an exception that is not Ray's (a bug of ours: not hidden)."""
    chain: list[BaseException] = []
    cause: BaseException | None = exc
    while cause is not None and len(chain) < 8:
        chain.append(cause)
        cause = cause.__cause__ or cause.__context__
    text = "\n".join(str(c) for c in chain) + "\n" + written
    if "InvalidAuthToken" in text or "AuthenticationError" in text:
        return "the cluster refused this machine's token (set the cluster's token in RAY_AUTH_TOKEN)"
    if isinstance(exc, (ConnectionError, TimeoutError, RuntimeError, ValueError)) or type(exc).__module__.startswith("ray"):
        return first_line(exc)
    return None


@contextmanager
def _ray_stderr() -> Iterator[Callable[[], str]]:
    """File descriptor 2 pointed at a temporary file while Ray connects: its C++ log lines bypass Python's logging.

    Yields a function that reads what was written; it is logged at debug level (``-v`` users and tests see it).
    """
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as sink:
        os.dup2(sink.fileno(), 2)

        def written() -> str:
            sys.stderr.flush()
            sink.seek(0)
            return sink.read(1 << 20).decode("utf-8", "replace")

        try:
            yield written
        finally:
            text = written()
            os.dup2(saved, 2)
            os.close(saved)
            for line in text.splitlines():
                log.debug("ray: %s", line)


@contextmanager
def _signal_handlers_kept() -> Iterator[None]:
    """The program's Ctrl-C and SIGTERM handlers, as they were before ``ray.init``.

    ``ray.init`` sets a SIGTERM handler of its own (``sys.exit``), and its C++
    core worker one that logs a stack and aborts the process (exit -6): a
    SIGTERM would then skip the program's cleanup and its exit status 143.
    Setting the handlers again after ``ray.init`` puts Python's (the
    program's) back in front of Ray's.
    """
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    kept = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for number, handler in kept.items():
            if handler is not None:
                signal.signal(number, handler)


@contextmanager
def _environment(values: dict[str, str]) -> Iterator[None]:
    before = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _resolve(address: str) -> tuple[str, str]:
    """The HOST:PORT to reach and where it came from; ``auto`` is resolved as Ray resolves it, but without its guesses.

    Ray's ``auto``: ``$RAY_ADDRESS``, else the address ``ray start`` wrote in
    ``ray_current_cluster`` under Ray's temporary folder (``$RAY_TMPDIR``, else
    ``$TMPDIR``, else ``/tmp``, then ``ray/``).  Resolved here, the address can
    be tried in seconds like a given one.
    """
    if address != AUTO:
        return address, ""
    if os.environ.get("RAY_ADDRESS"):
        return os.environ["RAY_ADDRESS"], "from RAY_ADDRESS"
    base = os.environ.get("RAY_TMPDIR") or os.environ.get("TMPDIR") or "/tmp"
    path = Path(base) / "ray" / "ray_current_cluster"
    try:
        found = path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        found = ""
    except OSError as exc:
        raise TarjamaError(f"--ray auto: cannot read {path} ({exc.strerror or exc})") from None
    if not found:
        raise TarjamaError(
            f"--ray auto: no Ray cluster was started on this machine ({path} does not exist); "
            "start one with 'ray start --head', give its address, or leave the address out for a local Ray"
        )
    return found, f"from {path}"


def _loopback(host: str) -> bool:
    return host == "localhost" or host.startswith("127.") or host == "::1"


def _stay_on_loopback() -> None:
    """On Linux Ray replaces 127.0.0.1 by the machine's outward address unless this is off.

    Ray reads the variable when it is imported, so it is set before the import;
    where Ray was imported already (a program that uses it itself) its constant
    is set to the same effect.
    """
    os.environ["RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER"] = "0"
    constants = sys.modules.get("ray._private.ray_constants")
    if constants is not None:
        setattr(constants, "ENABLE_RAY_CLUSTER", False)  # noqa: B010 - a module attribute the type checker cannot know


def _local_defaults() -> None:
    """A Ray that tarjama starts itself listens on loopback only and asks for a token, like a test cluster."""
    _stay_on_loopback()
    if not os.environ.get("RAY_AUTH_MODE"):
        os.environ["RAY_AUTH_MODE"] = "token"
        os.environ.setdefault("RAY_AUTH_TOKEN", secrets.token_hex(32))


def _reachable(address: str, origin: str = "") -> None:
    host, port = _host_port(address)
    try:
        with socket.create_connection((host, port), timeout=CONNECT_TIMEOUT_S):
            pass
    except OSError as exc:
        where = f"{address} ({origin})" if origin else address
        raise TarjamaError(f"cannot reach the Ray cluster at {where}: {exc.strerror or exc} (is it running? see 'ray status')") from None


def _host_port(address: str) -> tuple[str, int]:
    rest = address.split("://", 1)[1] if "://" in address else address
    host, sep, port = rest.rstrip("/").rpartition(":")
    if not sep or not host or not port.isdigit():
        default = 10001 if address.startswith("ray://") else None
        if default is None or ":" in rest:
            raise TarjamaError(f"bad Ray address {address!r}: expected HOST:PORT, ray://HOST:PORT or auto")
        return rest.rstrip("/"), default
    return host.strip("[]"), int(port)
