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

pytestmark = [pytest.mark.heavy, needs_serve]  # real servers (see tests/conftest.py)

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


def _upload(server: Server, filename: str, data: bytes, timeout: float = 120):
    boundary = "load0boundary"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="source"\r\n\r\nar\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="target"\r\n\r\nen\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n\r\n'
    ).encode() + data + f"\r\n--{boundary}--\r\n".encode()
    return server.request("POST", "translate_file", body, {"Content-Type": f"multipart/form-data; boundary={boundary}"}, timeout=timeout)


def test_a_docx_over_the_limits_is_refused_while_it_is_read(server: Server) -> None:
    """A 220 KB .docx holding 60 MiB of XML ran over 10 minutes at 1.44 GB before its sentences were counted."""
    from tests.inputs.test_docx import heavy_docx

    data = heavy_docx(600_000)
    assert len(data) < 400_000
    before = server.rss_kb()
    status, _, body = _upload(server, "heavy.docx", data, timeout=90)
    assert status == 413, body[:300]
    message = json.loads(body)["error"]
    assert "heavy.docx" in message and "5000" in message and "/tmp" not in message
    assert server.rss_kb() - before < 150_000, "the document was not read whole into memory"
    assert server.alive()


def test_sigterm_stops_the_server_promptly_mid_work(tiny_model: Path, tmp_path: Path) -> None:
    """SIGTERM while a long upload was being translated: the server waited for all of it (and then for
    its whole queue) before it stopped."""
    import os
    import signal

    running = start_server(tiny_model, tmp_path, "--no-tm", "--file-limit", "3000000")
    try:
        article = ("أعلنت الوزارة يوم السبت أن القوات أكملت المهمة في المنطقة الشرقية. " * 10 + "\n\n") * 300
        thread, box = _in_background(lambda: _upload(running, "long.txt", article.encode(), timeout=300))
        for _ in range(200):  # until its sentences are queued or being translated
            if running.health()["batching"]["engine_calls"] > 0:
                break
            time.sleep(0.1)
        assert thread.is_alive(), f"the upload ended before the signal: {str(box.get('answer'))[:300]}"
        os.kill(running.process.pid, signal.SIGTERM)
        try:
            running.process.wait(timeout=15)
        except Exception:
            raise AssertionError("the server was still running 15 s after SIGTERM") from None
        assert thread.is_alive() or box["answer"][0] != 200, "the work went on to the end"
    finally:
        stop_server(running)


@pytest.fixture(scope="module")
def impatient(tiny_model: Path, tmp_path_factory: pytest.TempPathFactory):
    """A server whose requests may wait 2 s, with small engine calls so that long work takes many turns."""
    tmp = tmp_path_factory.mktemp("impatient")
    running = start_server(tiny_model, tmp, "--no-tm", "--timeout", "2", "--max-batch", "8", "--batch-wait-ms", "0")
    for _ in range(120):  # the first translation may convert the model (tens of seconds): wait it out, bounded
        if running.post_json("translate", {"q": "قال.", "source": "ar", "target": "en"}, timeout=30)[0] == 200:
            break
        time.sleep(1)
    yield running
    stop_server(running)


def _long_q(texts: int = 120) -> list[str]:
    return [" ".join(f"قال الوزير {i} {j} إن القوات أكملت المهمة في المنطقة." for j in range(30)) for i in range(texts)]


def _settled(server: Server, rounds: int = 40) -> int:
    """The sentences the engine has translated, once the count has stopped moving (at most ``rounds`` looks)."""
    last = -1
    for _ in range(rounds):
        now = server.health()["batching"]["sentences"]
        if now == last:
            return now
        last = now
        time.sleep(0.5)
    return last


def test_a_request_past_its_timeout_gets_504_and_its_work_is_dropped(impatient: Server) -> None:
    """Past --timeout the client got a generic 500 while its 3,600 sentences were still translated to the end."""
    before = _settled(impatient)
    status, body = impatient.post_json("translate", {"q": _long_q(), "source": "ar", "target": "en"}, timeout=120)
    assert status == 504, body
    assert "within 2 s" in body["error"] and "dropped" in body["error"]
    done = _settled(impatient)
    assert impatient.health()["queued"] == 0
    assert done - before < 3600 // 2, f"{done - before} of 3,600 sentences were translated after all"


def test_a_client_that_goes_away_leaves_no_work_behind(impatient: Server) -> None:
    import socket

    before = _settled(impatient)
    body = json.dumps({"q": _long_q(), "source": "ar", "target": "en"}, ensure_ascii=False).encode()
    with socket.create_connection(("127.0.0.1", impatient.port), timeout=10) as client:
        client.sendall(b"POST /translate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                       + f"Content-Length: {len(body)}\r\n\r\n".encode() + body)
        for _ in range(50):  # until its work is queued
            if impatient.health()["queued"] > 0:
                break
            time.sleep(0.05)
    done = _settled(impatient)
    assert impatient.health()["queued"] == 0
    assert done - before < 3600 // 2, f"{done - before} of 3,600 sentences were translated for a client that left"


def test_a_short_request_is_served_while_a_long_one_runs(impatient: Server) -> None:
    """One request's sentences take turns with others' instead of holding the model until they are all done."""
    payload = json.dumps({"q": _long_q(), "source": "ar", "target": "en"}, ensure_ascii=False).encode()
    thread, box = _in_background(lambda: impatient.request("POST", "translate", payload, {"Content-Type": "application/json"}, timeout=120))
    for _ in range(50):
        if impatient.health()["queued"] > 0:
            break
        time.sleep(0.05)
    status, body = impatient.post_json("translate", {"q": "قال الوزير.", "source": "ar", "target": "en"}, timeout=60)
    assert status == 200 and body["translatedText"]
    assert thread.is_alive(), "the short request waited for the long one"
    thread.join(120)
    assert box["answer"][0] == 504


def test_downloads_expire_by_age_and_are_bounded_by_bytes(tiny_model: Path, tmp_path: Path) -> None:
    """Old downloads were served until the next upload; the store was bounded only by its number of files."""
    running = start_server(tiny_model, tmp_path, "--no-tm", "--downloads-age", "3", "--downloads-limit", "20000")
    try:
        urls = []
        for index in range(3):
            text = (f"أعلنت الوزارة يوم السبت أن القوات {index} أكملت المهمة في المنطقة الشرقية. " * 20 + "\n\n") * 4
            status, _, body = _upload(running, f"article{index}.txt", text.encode())
            assert status == 200, body[:300]
            urls.append(json.loads(body)["translatedFileUrl"].split("/", 3)[3])
        assert running.request("GET", urls[-1])[0] == 200
        assert running.request("GET", urls[0])[0] == 404, "the oldest result went when the store passed 20,000 bytes"
        time.sleep(3.5)
        status, _, body = running.request("GET", urls[-1])
        assert status == 404 and b"3 s" in body, "a result older than --downloads-age is not served"
    finally:
        stop_server(running)
