"""The server under heavy requests: other clients are served meanwhile, long work is bounded and cancellable.

Each test drives a real ``tarjama serve`` process on 127.0.0.1 (see
conftest.py); request loops are bounded and the servers are stopped at the end.
"""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pytest

from tests.serve.conftest import Server, needs_serve, start_server, stop_server

pytestmark = needs_serve

ARTICLE = "أعلنت الوزارة يوم السبت أن القوات أكملت المهمة. "


@pytest.fixture(scope="module")
def server(tiny_model: Path, tmp_path_factory: pytest.TempPathFactory):
    tmp = tmp_path_factory.mktemp("load")
    running = start_server(tiny_model, tmp, "--no-tm", "--file-limit", "3000000")
    yield running
    stop_server(running)


def _in_background(function) -> tuple[threading.Thread, dict]:
    box: dict = {}

    def run() -> None:
        started = time.monotonic()
        try:
            box["answer"] = function()
        except Exception as exc:  # noqa: BLE001 - the test reads it
            box["answer"] = exc
        box["seconds"] = time.monotonic() - started

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, box


def _health_latencies(server: Server, thread: threading.Thread, limit: int = 600) -> list[float]:
    """How long /health took, asked again and again while ``thread`` runs (at most ``limit`` times)."""
    latencies = []
    for _ in range(limit):
        if not thread.is_alive():
            break
        started = time.monotonic()
        server.request("GET", "health", timeout=60)
        latencies.append(time.monotonic() - started)
        time.sleep(0.05)
    return latencies


def test_preparing_a_heavy_request_does_not_hold_other_clients(server: Server) -> None:
    """Cutting 40 texts of 1,650 short sentences each into sentences takes seconds; it ran on the event
    loop, and every other client (here /health) waited for all of it."""
    texts = ["<p>" + "أعلن. " * 1650 + "</p>"] * 40
    payload = json.dumps({"q": texts, "source": "ar", "target": "en", "format": "html"}, ensure_ascii=False).encode()
    thread, box = _in_background(lambda: server.request("POST", "translate", payload, {"Content-Type": "application/json"}, timeout=300))
    time.sleep(0.1)
    latencies = _health_latencies(server, thread)
    thread.join(300)
    assert latencies, f"the heavy request took only {box['seconds']:.1f} s: {str(box['answer'])[:300]}"
    assert max(latencies) < box["seconds"] / 4, f"/health waited {max(latencies):.1f} s of the heavy request's {box['seconds']:.1f} s"
    assert server.alive()
