"""A real ``python -m translate serve`` process on 127.0.0.1, a free port and the tiny model.

Each server is started as a user starts it, waited for on /health (a bounded
loop), and stopped by its pid at the end.  Tests that need the ``serve``
extra skip with the reason where it is not installed.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from importlib.util import find_spec
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HAVE_SERVE = all(find_spec(name) is not None for name in ("starlette", "uvicorn", "python_multipart"))
needs_serve = pytest.mark.skipif(not HAVE_SERVE, reason="needs the serve extra: pip install -e '.[serve]'")

API_KEY = "test-key-Ωmega-1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    process: subprocess.Popen
    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None, timeout: float = 60):
        """(status, headers, body) of one request; errors are answers too."""
        req = urllib.request.Request(self.url + path.lstrip("/"), data=body, method=method, headers=headers or {})
        try:
            with urllib.request.urlopen(req, timeout=timeout) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, dict(exc.headers), exc.read()

    def post_json(self, path: str, payload: object, timeout: float = 60):
        status, headers, body = self.request("POST", path, json.dumps(payload).encode(), {"Content-Type": "application/json"}, timeout)
        return status, json.loads(body)

    def health(self) -> dict:
        status, _, body = self.request("GET", "health", timeout=10)
        assert status == 200
        return json.loads(body)

    def rss_kb(self) -> int:
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        return 0

    def alive(self) -> bool:
        return self.process.poll() is None and self.health()["status"] == "ok"


def start_server(model: Path, tmp: Path, *args: str, timeout: float = 240) -> Server:
    port = free_port()
    log = tmp / f"server-{port}.log"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "translate", "serve", "--model", str(model), "--port", str(port), "--device", "cpu", *args],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=str(tmp),
        )
    server = Server(process, port, log)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the server exited with {process.returncode}: {log.read_text(errors='replace')[-3000:]}")
        try:
            if server.health()["status"] == "ok":
                return server
        except (OSError, AssertionError):
            pass
        time.sleep(0.3)
    stop_server(server)
    raise AssertionError(f"the server did not answer /health within {timeout} s: {log.read_text(errors='replace')[-3000:]}")


def stop_server(server: Server) -> None:
    if server.process.poll() is None:
        os.kill(server.process.pid, signal.SIGINT)
        try:
            server.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.kill(server.process.pid, signal.SIGKILL)
            server.process.wait(timeout=20)


@pytest.fixture(scope="module")
def keyed_server(tiny_model: Path, tmp_path_factory: pytest.TempPathFactory):
    """A server that wants an API key, with small limits and its own translation memory."""
    if not HAVE_SERVE:
        pytest.skip("needs the serve extra: pip install -e '.[serve]'")
    tmp = tmp_path_factory.mktemp("keyed")
    keys = tmp / "keys.txt"
    keys.write_text(f"# keys of the test team\n{API_KEY}\n\nother-key\n", encoding="utf-8")
    server = start_server(
        tiny_model, tmp,
        "--api-keys", str(keys), "--tm", str(tmp / "tm.sqlite"),
        "--char-limit", "400", "--batch-limit", "20", "--body-limit", "100000", "--file-limit", "300000",
        "--queue-limit", "64", "--body-timeout", "3",
    )
    server.tm = tmp / "tm.sqlite"  # type: ignore[attr-defined]
    yield server
    stop_server(server)


@pytest.fixture(scope="module")
def open_server(tiny_model: Path, tmp_path_factory: pytest.TempPathFactory):
    """A server without keys or memory (so every answer is decoded), waiting long enough to merge requests."""
    if not HAVE_SERVE:
        pytest.skip("needs the serve extra: pip install -e '.[serve]'")
    tmp = tmp_path_factory.mktemp("open")
    server = start_server(
        tiny_model, tmp, "--no-tm", "--batch-wait-ms", "150", "--body-limit", "100000", "--file-limit", "300000", "--body-timeout", "3"
    )
    yield server
    stop_server(server)
