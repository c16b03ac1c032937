"""``tarjama serve``'s request handling against hostile and mistaken input (issue 19).

Each test reproduces one defect found by the faults review on a real server
process (tests/serve/conftest.py): an English file, a lone surrogate, an
overflowing number, a request too large to ever fit the queue, a body cut off
mid-way, a multipart field that is not UTF-8, clients that trickle their
headers, the model's path in the files served.  Each ends by checking that the
server's log holds no "internal error".
"""

from __future__ import annotations

import io
import json
import re
import socket
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.serve.conftest import API_KEY, HAVE_SERVE, Server, start_server, stop_server

pytestmark = [pytest.mark.heavy, pytest.mark.skipif(not HAVE_SERVE, reason="needs the serve extra: pip install -e '.[serve]'")]

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
ENGLISH = "The minister said on Sunday that the economy is growing quickly and that prices will fall next year.\n" * 3


def _no_internal_error(server: Server) -> None:
    log = server.log.read_text(encoding="utf-8", errors="replace")
    assert "internal error" not in log and "Traceback" not in log, log[-3000:]


def _multipart(fields: dict[str, bytes], file: tuple[str, bytes] | None = None) -> tuple[bytes, dict[str, str]]:
    boundary = "req0boundary"
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n'.encode() + v + b"\r\n" for k, v in fields.items()]
    if file is not None:
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{file[0]}"\r\n\r\n'.encode() + file[1] + b"\r\n")
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), {"Content-Type": f"multipart/form-data; boundary={boundary}"}


def _arabic() -> str:
    return (FIXTURES / "article.ar.txt").read_text(encoding="utf-8")


# -- the language check ---------------------------------------------------------------------------


def test_an_english_file_or_text_is_refused_with_the_clis_check(open_server: Server) -> None:
    body, headers = _multipart({"source": b"ar", "target": b"en"}, ("report.txt", ENGLISH.encode()))
    status, _, answer = open_server.request("POST", "translate_file", body, headers)
    assert status == 400, answer[:300]
    error = json.loads(answer)["error"]
    assert error.startswith("report.txt: ") and "English (Latin script)" in error and "--no-language-check" not in error
    body, headers = _multipart({"text": ENGLISH.encode()})
    status, _, page = open_server.request("POST", "/", body, headers)
    assert status == 400 and b"English (Latin script)" in page
    # Arabic still passes, and a short English string to /translate is translated as given (documented).
    body, headers = _multipart({"source": b"ar", "target": b"en"}, ("article.txt", _arabic().encode()))
    assert open_server.request("POST", "translate_file", body, headers)[0] == 200
    assert open_server.post_json("translate", {"q": "Hello world", "source": "ar", "target": "en"})[0] == 200
    _no_internal_error(open_server)


# -- one bad request fails only itself -----------------------------------------------------------


def test_a_lone_surrogate_fails_only_its_own_request(open_server: Server) -> None:
    sentences = [line for line in _arabic().splitlines() if line.strip()][:30]

    def innocent(i: int) -> int:
        return open_server.post_json("translate", {"q": sentences[i % len(sentences)], "source": "ar", "target": "en"})[0]

    def hostile(raw: bytes) -> int:
        return open_server.request("POST", "translate", raw, {"Content-Type": "application/json"})[0]

    hostile_bodies = [
        b'{"q": "\\ud800", "source": "ar", "target": "en"}',
        b'{"q": ["\\u0645\\u0631\\u062d\\u0628\\u0627", "x\\udfff"], "source": "ar", "target": "en"}',
        b'{"q": "\\u0645\\u0631\\u062d\\u0628\\u0627", "source": "\\ud800", "target": "en"}',
        b'{"q": "\\u0645\\u0631\\u062d\\u0628\\u0627", "source": "ar", "target": "en", "api_key": "\\ud800"}',
    ]
    with ThreadPoolExecutor(16) as pool:
        good = [pool.submit(innocent, i) for i in range(40)]
        bad = [pool.submit(hostile, raw) for raw in hostile_bodies]
        assert [f.result(120) for f in bad] == [400] * len(hostile_bodies)
        assert [f.result(120) for f in good] == [200] * 40
    _no_internal_error(open_server)


def test_numbers_and_strings_that_overflow_are_400(open_server: Server) -> None:
    for raw in (
        b'{"q": "\\u0645\\u0631\\u062d\\u0628\\u0627", "source": "ar", "target": "en", "alternatives": 1e400}',
        b'{"q": "\\u0645\\u0631\\u062d\\u0628\\u0627", "source": "ar", "target": "en", "alternatives": -1e400}',
        b'{"q": "\\u0645\\u0631\\u062d\\u0628\\u0627", "source": "ar", "target": "en", "alternatives": NaN}',
    ):
        status, _, body = open_server.request("POST", "translate", raw, {"Content-Type": "application/json"})
        assert status == 400, body[:300]
    status, _, body = open_server.request("POST", "detect", b'{"q": "\\ud800"}', {"Content-Type": "application/json"})
    assert status == 400, body
    _no_internal_error(open_server)


def test_a_request_that_can_never_fit_the_queue_is_413_naming_the_limit(keyed_server: Server) -> None:
    # keyed_server: --queue-limit 64, --char-limit 400, --batch-limit 20: 20 texts of 5 sentences each = 100 sentences.
    texts = ["ذهب الولد. جاء الرجل. قرأ الكتاب. كتب الدرس. نام الطفل."] * 20
    status, body = keyed_server.post_json("translate", {"q": texts, "source": "ar", "target": "en", "api_key": API_KEY})
    assert status == 413 and "64" in body["error"] and "100" in body["error"], body
    article = "\n".join(["ذهب الولد إلى المدرسة في الصباح الباكر."] * 80)
    payload, headers = _multipart({"source": b"ar", "target": b"en", "api_key": API_KEY.encode()}, ("long.txt", article.encode()))
    status, _, answer = keyed_server.request("POST", "translate_file", payload, headers)
    assert status == 413 and "64" in json.loads(answer)["error"], answer[:300]
    _no_internal_error(keyed_server)


# -- bodies ---------------------------------------------------------------------------------------


def test_a_chunked_body_over_the_limit_is_not_read_on(open_server: Server) -> None:
    """open_server: --body-limit 100000. Past the 413 the server closes the connection instead of reading 20 MB more."""
    chunk = b"a" * 64_000
    sent = 0
    with socket.create_connection(("127.0.0.1", open_server.port), timeout=30) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 65536)
        sock.sendall(b"POST /translate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
        try:
            while sent < 20_000_000:
                sock.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                sent += len(chunk)
        except OSError:
            pass  # the server closed the connection: what this test wants
        reply = b""
        try:
            reply = sock.recv(4096)
        except OSError:
            pass
    assert sent < 10_000_000, f"the server read {sent} bytes past its limit"
    assert reply == b"" or reply.startswith(b"HTTP/1.1 413"), reply[:200]
    assert open_server.alive()
    _no_internal_error(open_server)


def test_a_multipart_field_that_is_not_utf8_is_400(open_server: Server) -> None:
    body, headers = _multipart({"q": "مرحبا".encode() + b"\xff\xfe", "source": b"ar", "target": b"en"})
    status, _, answer = open_server.request("POST", "translate", body, headers)
    assert status == 400 and "UTF-8" in json.loads(answer)["error"], answer[:300]
    body, headers = _multipart({"text": b"\xd9\x85\xff"})
    assert open_server.request("POST", "/", body, headers)[0] == 400
    _no_internal_error(open_server)


def test_a_client_leaving_mid_body_is_one_quiet_line(open_server: Server) -> None:
    before = open_server.log.read_text(encoding="utf-8", errors="replace")
    with socket.create_connection(("127.0.0.1", open_server.port), timeout=30) as sock:
        sock.sendall(b"POST /translate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n{\"q\": \"")
        time.sleep(0.5)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and len(open_server.log.read_text(encoding="utf-8", errors="replace")) == len(before):
        time.sleep(0.2)
    added = open_server.log.read_text(encoding="utf-8", errors="replace")[len(before) :]
    assert len(added.strip().splitlines()) == 1 and "disconnected" in added, added
    assert open_server.alive()
    _no_internal_error(open_server)


# -- connections ----------------------------------------------------------------------------------


def test_clients_trickling_their_headers_do_not_lock_others_out(tiny_model: Path, tmp_path: Path) -> None:
    """260 connections sending a byte a second (over the 256 connections uvicorn serves): a normal client still gets its answer,
    and each trickling connection is closed once the time to send a request (--body-timeout) has passed."""
    server = start_server(tiny_model, tmp_path, "--no-tm", "--body-timeout", "4")
    slow: list[socket.socket] = []
    try:
        request = b"POST /translate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        for _ in range(260):
            sock = socket.create_connection(("127.0.0.1", server.port), timeout=5)
            sock.sendall(request[:1])
            slow.append(sock)
        started = time.monotonic()
        for second in range(1, 3):
            for sock in slow:
                try:
                    sock.sendall(request[second : second + 1])
                except OSError:
                    pass
            status, body = server.post_json("translate", {"q": "مرحبا بالعالم", "source": "ar", "target": "en"}, timeout=30)
            assert status == 200, body
            time.sleep(max(0.0, started + second - time.monotonic()))
        time.sleep(max(0.0, started + 6 - time.monotonic()))  # past the 4 s to send a request
        open_now = 0
        for sock in slow:
            sock.settimeout(0.5)
            try:
                if sock.recv(1024) == b"":
                    continue
            except (TimeoutError, socket.timeout):
                open_now += 1
            except OSError:
                continue
        assert open_now == 0, f"{open_now} trickling connections are still open after the request timeout"
        _no_internal_error(server)
    finally:
        for sock in slow:
            sock.close()
        stop_server(server)


# -- what the server says about itself -----------------------------------------------------------


def test_no_file_served_names_the_models_path(open_server: Server, tiny_model: Path) -> None:
    body, headers = _multipart({"text": _arabic().encode()})
    status, _, page = open_server.request("POST", "/", body, headers, timeout=120)
    assert status == 200
    path = str(tiny_model).encode()
    assert path not in page and b"tiny" in page, "the review page names the model, not where it lies"
    links = re.findall(rb'href="(/download_file/[^"]+)"', page)
    assert len(links) == 5
    for link in links:
        status, _, data = open_server.request("GET", link.decode())
        assert status == 200
        if link.endswith(b".docx"):
            with zipfile.ZipFile(io.BytesIO(data)) as docx:
                data = b"".join(docx.read(name) for name in docx.namelist())
        assert path not in data, link
    _no_internal_error(open_server)


def test_the_start_line_and_the_page_say_the_limits_in_force(keyed_server: Server) -> None:
    log = keyed_server.log.read_text(encoding="utf-8", errors="replace")
    assert "ServeConfig(" not in log
    start = [line for line in log.splitlines() if "serving http://127.0.0.1:" in line]
    assert len(start) == 1, log[:2000]
    for said in ("400 characters a text", "20 texts", "300 kB a file", "64 sentences"):
        assert said in start[0], start[0]
    status, _, page = keyed_server.request("GET", "/")
    assert status == 200
    hints = " ".join(re.findall(r'<p class="hint">([^<]*)</p>', page.decode()))
    assert "300 kB" in hints and "64 sentences" in hints and "10,000,000" not in hints, hints
