"""A real Ray cluster for the tests: ``ray start --head`` in its own session, on loopback, with a token.

Stopping it: ``ray stop`` would end every Ray process on the machine (other
people's clusters too), so the fixture starts ``ray start --block`` as the
leader of a new session and, at the end, signals that session's processes only
(every process Ray starts for this cluster, the workers included, inherits the
session id; no other process can have it).
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Cluster:
    address: str
    env: dict[str, str]
    session: int


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _session_pids(session: int) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if os.getsid(int(entry.name)) == session:
                pids.append(int(entry.name))
        except (ProcessLookupError, PermissionError):
            continue
    return pids


def _end_session(session: int, leader: subprocess.Popen) -> None:
    for sig, grace in ((signal.SIGTERM, 5.0), (signal.SIGKILL, 5.0)):
        for pid in _session_pids(session):
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline and _session_pids(session):
            try:
                leader.wait(timeout=0.2)
            except subprocess.TimeoutExpired:
                pass
        if not _session_pids(session):
            break
    if leader.poll() is None:
        leader.wait(timeout=5)


@pytest.fixture(scope="session")
def ray_cluster():
    import importlib.util

    if importlib.util.find_spec("ray") is None:  # not imported: Ray reads its settings when imported
        pytest.skip("Ray is an optional extra: pip install 'tarjama[ray]'")
    ray_bin = shutil.which("ray") or str(Path(sys.executable).with_name("ray"))
    port = _free_port()
    temp = Path(tempfile.mkdtemp(prefix="tj-ray-", dir="/tmp"))  # short: Ray's socket paths must fit in 107 bytes
    env = {
        **os.environ,
        "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0",  # the node is 127.0.0.1 and every port listens on loopback only
        "RAY_AUTH_MODE": "token",
        "RAY_AUTH_TOKEN": secrets.token_hex(32),
        "PYTHONPATH": str(ROOT),  # the workers import this checkout's tarjama, as a node with it installed would
    }
    env.pop("RAY_ADDRESS", None)
    leader = subprocess.Popen(
        [
            ray_bin, "start", "--head", f"--port={port}", "--num-cpus=2", "--include-dashboard=false",
            f"--dashboard-port={_free_port()}", "--disable-usage-stats", f"--temp-dir={temp}", "--block",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        lines = []
        while time.monotonic() < deadline:
            line = leader.stdout.readline()
            if not line and leader.poll() is not None:
                pytest.fail("ray start exited:\n" + "".join(lines))
            lines.append(line)
            if "Ray runtime started" in line:
                break
        else:
            pytest.fail("ray start did not come up in 120 s:\n" + "".join(lines))
        threading_drain(leader)
        yield Cluster(f"127.0.0.1:{port}", env, leader.pid)
    finally:
        _end_session(leader.pid, leader)
        shutil.rmtree(temp, ignore_errors=True)


def threading_drain(process: subprocess.Popen) -> None:
    """Keep reading ``ray start``'s output so that it never blocks on a full pipe."""
    import threading

    threading.Thread(target=lambda: [None for _ in process.stdout], daemon=True).start()
