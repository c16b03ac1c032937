"""Reaching a Ray cluster: one clear line instead of a long wait or a traceback.

Ray is an optional extra, imported here and nowhere else on the driver, and
only when ``--ray`` is given.  ``ray.init`` on an address where nothing
listens retries for tens of seconds; a plain TCP connection with a timeout
says the same in a few, so the address is tried first.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import sys
from types import ModuleType

from translate.errors import TarjamaError, first_line

INSTALL_HINT = "pip install 'tarjama[ray]'"
NAMESPACE = "tarjama"
"""Our actors are named in this namespace (``translate-JOB-N``), so an operator (or a test) can find one."""
CONNECT_TIMEOUT_S = 5.0

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
    address = address or os.environ.get("RAY_ADDRESS") or None
    if address not in (None, "auto"):
        _reachable(address)


def connect(address: str | None) -> ModuleType:
    """Join the cluster at ``address`` (else ``$RAY_ADDRESS``, else start a local Ray on this machine)."""
    require_ray()
    address = address or os.environ.get("RAY_ADDRESS") or None
    if address is None:
        _local_defaults()
    elif address != "auto":
        host, _ = _host_port(address)
        if _loopback(host):
            _stay_on_loopback()
        _reachable(address)
    try:
        import ray
    except ImportError as exc:  # installed but broken
        raise TarjamaError(f"--ray: Ray does not import ({first_line(exc)}); reinstall it: {INSTALL_HINT}") from exc
    if ray.is_initialized():
        return ray
    try:
        ray.init(
            address=address,
            namespace=NAMESPACE,
            include_dashboard=False if address is None else None,
            log_to_driver=False,
            logging_level=logging.ERROR,
            configure_logging=True,
        )
    except (ConnectionError, TimeoutError, RuntimeError, ValueError) as exc:
        where = address or "a local Ray"
        raise TarjamaError(f"cannot connect to the Ray cluster at {where}: {first_line(exc)}") from exc
    except Exception as exc:  # AuthenticationError and kin have no common base in Ray's API
        if type(exc).__module__.startswith("ray"):
            raise TarjamaError(f"cannot connect to the Ray cluster at {address or 'a local Ray'}: {first_line(exc)}") from exc
        raise
    return ray


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


def _reachable(address: str) -> None:
    host, port = _host_port(address)
    try:
        with socket.create_connection((host, port), timeout=CONNECT_TIMEOUT_S):
            pass
    except OSError as exc:
        raise TarjamaError(f"cannot reach the Ray cluster at {address}: {exc.strerror or exc} (is it running? see 'ray status')") from None


def _host_port(address: str) -> tuple[str, int]:
    rest = address.split("://", 1)[1] if "://" in address else address
    host, sep, port = rest.rstrip("/").rpartition(":")
    if not sep or not host or not port.isdigit():
        default = 10001 if address.startswith("ray://") else None
        if default is None or ":" in rest:
            raise TarjamaError(f"bad Ray address {address!r}: expected HOST:PORT, ray://HOST:PORT or auto")
        return rest.rstrip("/"), default
    return host.strip("[]"), int(port)
