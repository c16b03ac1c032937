"""``tarjama serve`` through HTTP: real LibreTranslate clients, the documented errors, hostile and slow input.

Every test talks to a real server process (tests/serve/conftest.py) with the
tiny random-weight model: answers are checked for structure and for equality
with the engine's own translation, never for wording.
"""

from __future__ import annotations

import io
import json
import socket
import sqlite3
import threading
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.serve.conftest import API_KEY, HAVE_SERVE, Server

pytestmark = [pytest.mark.heavy, pytest.mark.skipif(not HAVE_SERVE, reason="needs the serve extra: pip install -e '.[serve]'")]

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@pytest.fixture(scope="module")
def sentences() -> list[str]:
    from translate.segmentation import segment_document

    text = (FIXTURES / "article.ar.txt").read_text(encoding="utf-8")
    return list(dict.fromkeys(s.text for s in segment_document(text, "ar").segments))[:12]


def _translate(server: Server, q, **fields):
    return server.post_json("translate", {"q": q, "source": "ar", "target": "en", **fields})


# -- real clients ----------------------------------------------------------------------------


def test_libretranslatepy_translates_detects_and_lists_languages(keyed_server: Server, sentences: list[str]) -> None:
    from libretranslatepy import LibreTranslateAPI

    api = LibreTranslateAPI(keyed_server.url, api_key=API_KEY)
    text = api.translate(sentences[0], "ar", "en")
    assert isinstance(text, str) and text.strip()
    assert text == _translate(keyed_server, sentences[0], api_key=API_KEY)[1]["translatedText"], "form and JSON give one answer"
    assert api.detect(sentences[1]) == [{"confidence": 100.0, "language": "ar"}]
    codes = {lang["code"]: lang["targets"] for lang in api.languages()}
    assert codes["ar"] == ["en"]


def test_libretranslatepy_gets_the_documented_errors(keyed_server: Server, sentences: list[str]) -> None:
    import urllib.error

    from libretranslatepy import LibreTranslateAPI

    with pytest.raises(urllib.error.HTTPError) as wrong:
        LibreTranslateAPI(keyed_server.url, api_key="not-a-key").translate(sentences[0], "ar", "en")
    assert wrong.value.code == 403 and json.loads(wrong.value.read()) == {"error": "Invalid API key"}
    with pytest.raises(urllib.error.HTTPError) as none:
        LibreTranslateAPI(keyed_server.url).translate(sentences[0], "ar", "en")
    assert none.value.code == 403
    with pytest.raises(urllib.error.HTTPError) as long:
        LibreTranslateAPI(keyed_server.url, api_key=API_KEY).translate("ب" * 401, "ar", "en")
    assert long.value.code == 400
    assert json.loads(long.value.read()) == {"error": "Invalid request: request (401) exceeds text limit (400 characters)"}
    with pytest.raises(urllib.error.HTTPError) as french:
        LibreTranslateAPI(keyed_server.url, api_key=API_KEY).translate(sentences[0], "ar", "fr")
    assert french.value.code == 400 and json.loads(french.value.read()) == {"error": "fr is not supported"}


def test_deep_translator_with_custom_url_and_key(keyed_server: Server, sentences: list[str]) -> None:
    from deep_translator import LibreTranslator
    from deep_translator.exceptions import AuthorizationException, ServerException

    client = LibreTranslator(source="ar", target="en", api_key=API_KEY, custom_url=keyed_server.url)
    text = client.translate(sentences[2])
    assert text == _translate(keyed_server, sentences[2], api_key=API_KEY)[1]["translatedText"], "query string and JSON give one answer"
    assert client.translate_batch(sentences[:3]) == [_translate(keyed_server, s, api_key=API_KEY)[1]["translatedText"] for s in sentences[:3]]
    with pytest.raises(AuthorizationException):
        LibreTranslator(source="ar", target="en", api_key="wrong", custom_url=keyed_server.url).translate(sentences[0])
    with pytest.raises(ServerException):  # over the character limit: 400
        client.translate("ب " * 300)


# -- the API, field for field ------------------------------------------------------------------


def test_list_q_auto_source_and_paragraphs(keyed_server: Server, sentences: list[str]) -> None:
    alone = [_translate(keyed_server, s, api_key=API_KEY)[1]["translatedText"] for s in sentences[2:5]]
    status, body = keyed_server.post_json("translate", {"q": sentences[2:5], "source": "auto", "target": "en", "api_key": API_KEY})
    assert status == 200
    assert body["translatedText"] == alone
    assert body["detectedLanguage"] == [{"confidence": 100.0, "language": "ar"}] * 3
    assert sentences[2].endswith(".") and sentences[3].endswith(".")
    article = f"{sentences[2]} {sentences[3]}\n\n  {sentences[4]}\n"
    status, body = _translate(keyed_server, article, api_key=API_KEY)
    assert status == 200 and "detectedLanguage" not in body
    assert body["translatedText"] == f"{alone[0]} {alone[1]}\n\n  {alone[2]}\n", "sentence by sentence, the layout kept"


def test_the_answer_carries_each_texts_confidence_as_an_extra_field(keyed_server: Server, sentences: list[str]) -> None:
    """LibreTranslate's fields as they are, and tarjama's translationConfidence: one per text, 0 to 1."""
    status, one = _translate(keyed_server, sentences[2], api_key=API_KEY)
    assert status == 200 and isinstance(one["translatedText"], str)
    assert isinstance(one["translationConfidence"], float) and 0.0 <= one["translationConfidence"] <= 1.0
    status, many = keyed_server.post_json("translate", {"q": sentences[2:4], "source": "ar", "target": "en", "api_key": API_KEY})
    assert status == 200 and len(many["translationConfidence"]) == 2
    assert many["translationConfidence"][0] == one["translationConfidence"], "a text's confidence does not depend on its batch"
    # Two sentences as one text: their tokens together, so between the two.
    status, both = _translate(keyed_server, f"{sentences[2]} {sentences[3]}", api_key=API_KEY)
    low, high = sorted(many["translationConfidence"])
    assert low <= both["translationConfidence"] <= high


def test_every_sentence_goes_through_the_memory(keyed_server: Server, sentences: list[str]) -> None:
    _translate(keyed_server, f"{sentences[4]} {sentences[5]}", api_key=API_KEY)
    with sqlite3.connect(keyed_server.tm) as db:  # type: ignore[attr-defined]
        stored = {row[0] for row in db.execute("SELECT source FROM mt")}
    assert {sentences[4], sentences[5]} <= stored


def test_html_keeps_the_markup(keyed_server: Server, sentences: list[str]) -> None:
    alone = [_translate(keyed_server, s, api_key=API_KEY)[1]["translatedText"] for s in sentences[:2]]
    q = f'<p class="lead">{sentences[0]}</p><!-- {sentences[1]} --><ul><li>{sentences[1]}</li></ul><script>var x = "{sentences[0]}";</script>'
    status, body = _translate(keyed_server, q, format="html", api_key=API_KEY)
    from html import escape

    assert status == 200
    expected = f'<p class="lead">{escape(alone[0], quote=False)}</p><!-- {sentences[1]} --><ul><li>{escape(alone[1], quote=False)}</li></ul><script>var x = "{sentences[0]}";</script>'
    assert body["translatedText"] == expected


def test_alternatives_are_the_decoders_n_best(keyed_server: Server, sentences: list[str]) -> None:
    status, body = _translate(keyed_server, sentences[3], alternatives=3, api_key=API_KEY)
    assert status == 200
    alternatives = body["alternatives"]
    assert isinstance(alternatives, list) and 1 <= len(alternatives) <= 3
    assert body["translatedText"] not in alternatives and len(set(alternatives)) == len(alternatives)
    status, body = _translate(keyed_server, [sentences[3], sentences[4]], alternatives=2, api_key=API_KEY)
    assert status == 200 and len(body["alternatives"]) == 2 and all(len(a) <= 2 for a in body["alternatives"])
    assert _translate(keyed_server, sentences[3], alternatives=9, api_key=API_KEY) == (400, {"error": "Invalid request: alternatives parameter must be <= 5"})
    assert _translate(keyed_server, sentences[3], alternatives="x", api_key=API_KEY) == (400, {"error": "Invalid request: alternatives parameter is not a number"})


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"source": "ar", "target": "en"}, "Invalid request: missing q parameter"),
        ({"q": "نص", "target": "en"}, "Invalid request: missing source parameter"),
        ({"q": "نص", "source": "ar"}, "Invalid request: missing target parameter"),
        ({"q": "نص", "source": "ar", "target": "en", "format": "pdf"}, "pdf format is not supported"),
        ({"q": "Hello there", "source": "auto", "target": "en"}, "en is not supported"),
    ],
)
def test_libretranslate_messages(keyed_server: Server, fields: dict, error: str) -> None:
    assert keyed_server.post_json("translate", {**fields, "api_key": API_KEY}) == (400, {"error": error})


def test_translate_file_and_download(keyed_server: Server, sentences: list[str]) -> None:
    boundary = "tarjamaBoundary42"
    content = f"{sentences[0]}\n{sentences[1]}\n".encode()
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode() for k, v in (("source", "ar"), ("target", "en"), ("api_key", API_KEY))
    ]
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="خبر article.txt"\r\nContent-Type: text/plain\r\n\r\n'.encode() + content + b"\r\n")
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    status, _, answer = keyed_server.request("POST", "translate_file", body, {"Content-Type": f"multipart/form-data; boundary={boundary}"})
    assert status == 200, answer
    url = json.loads(answer)["translatedFileUrl"]
    assert url.startswith(keyed_server.url + "download_file/")
    status, headers, draft = keyed_server.request("GET", url[len(keyed_server.url) :])
    assert status == 200 and "attachment" in headers["content-disposition"]
    expected = [_translate(keyed_server, s, api_key=API_KEY)[1]["translatedText"] for s in sentences[:2]]
    assert draft.decode().split("\n\n") == [expected[0], expected[1] + "\n"]
    for bad in ("../etc/passwd", "0" * 32 + ".x/../../y", "..%2F..%2Fetc%2Fpasswd"):
        status, _, answer = keyed_server.request("GET", "download_file/" + bad)
        assert status in (400, 404) and "/" not in json.loads(answer)["error"].replace("download_file", "")


# -- safety: bad input gets its code, the server keeps serving --------------------------------------


def test_bad_bodies(open_server: Server) -> None:
    s = open_server
    assert s.request("POST", "translate", b"{not json", {"Content-Type": "application/json"})[0] == 400
    assert json.loads(s.request("POST", "translate", b"[1, 2]", {"Content-Type": "application/json"})[2]) == {"error": "Invalid JSON format"}
    assert s.request("POST", "translate", b'{"q": "\xff\xfe", "source": "ar", "target": "en"}', {"Content-Type": "application/json"})[0] == 400
    status, _, body = s.request("POST", "translate", b"q=\xff\xfe&source=ar&target=en", {"Content-Type": "application/x-www-form-urlencoded"})
    assert (status, json.loads(body)) == (400, {"error": "Invalid request: the parameters are not valid UTF-8"})
    assert s.request("POST", "translate?q=%FF&source=ar&target=en")[0] == 400
    status, body = s.post_json("translate", {"q": ["1"] * 10_000, "source": "ar", "target": "en"})
    assert (status, body) == (400, {"error": "Invalid request: request (10000 texts) exceeds text limit (128 texts)"})
    status, _, body = s.request("POST", "translate", b"x" * 200_000, {"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 413 and "100000 bytes" in json.loads(body)["error"]
    status, body = s.post_json("translate", {"q": {"a": 1}, "source": "ar", "target": "en"})
    assert status == 400
    for status_body in (s.request("POST", "translate", b"{", {"Content-Type": "application/json"})[2],):
        assert b"Traceback" not in status_body and b"/tmp" not in status_body
    assert s.alive()


def test_chunked_body_over_the_limit_is_cut_off(open_server: Server) -> None:
    with socket.create_connection(("127.0.0.1", open_server.port), timeout=30) as sock:
        sock.sendall(b"POST /translate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
        chunk = b"a" * 50_000
        reply = b""
        try:
            for _ in range(4):
                sock.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            sock.sendall(b"0\r\n\r\n")
        except OSError:
            pass  # the server may answer and close before the whole body is sent
        reply = sock.recv(4096)
    assert reply.startswith(b"HTTP/1.1 413"), reply[:200]
    assert open_server.alive()


def test_slow_clients_time_out_and_others_are_served(open_server: Server, sentences: list[str]) -> None:
    stalled_headers = socket.create_connection(("127.0.0.1", open_server.port), timeout=30)
    stalled_headers.sendall(b"POST /translate HTTP/1.1\r\nHost: x\r\n")  # never finishes its headers
    slow_body = socket.create_connection(("127.0.0.1", open_server.port), timeout=30)
    slow_body.sendall(b"POST /translate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{\"q\": ")
    started = time.monotonic()
    status, body = _translate(open_server, sentences[0])
    assert status == 200 and time.monotonic() - started < 3, "served while two clients stall"
    slow_body.settimeout(30)
    reply = b""
    while b"}" not in reply:
        chunk = slow_body.recv(4096)
        if not chunk:
            break
        reply += chunk
    assert reply.startswith(b"HTTP/1.1 408"), reply[:200]
    assert b"within 3 s" in reply
    slow_body.close()
    stalled_headers.close()
    assert open_server.alive()


def _bomb(megabytes: int) -> bytes:
    """A .docx whose document.xml inflates to ``megabytes`` MB from a few hundred KB."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
        z.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>')
        head = '<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>'
        with z.open("word/document.xml", "w") as member:
            member.write(head.encode())
            block = b"\xd8\xa8" * (1 << 19)  # 1 MB of one Arabic letter
            for _ in range(megabytes):
                member.write(block)
            member.write(b"</w:t></w:r></w:p></w:body></w:document>")
    return out.getvalue()


def _upload(server: Server, path: str, filename: str, data: bytes, fields: dict[str, str]):
    boundary = "bomb0boundary"
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode() for k, v in fields.items()]
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n\r\n'.encode() + data + b"\r\n")
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    return server.request("POST", path, body, {"Content-Type": f"multipart/form-data; boundary={boundary}"}, timeout=120)


def test_zip_bomb_docx_is_refused_and_memory_stays_bounded(open_server: Server) -> None:
    bomb = _bomb(250)
    assert len(bomb) < 300_000
    before = open_server.rss_kb()
    status, _, body = _upload(open_server, "translate_file", "bomb.docx", bomb, {"source": "ar", "target": "en"})
    assert status in (400, 413), body[:300]
    message = json.loads(body)["error"]
    assert "bomb" in message and "/tmp" not in message and "upload-" not in message
    assert open_server.alive()
    assert open_server.rss_kb() - before < 200_000, "the upload was not inflated into memory"
    status, _, body = _upload(open_server, "translate_file", "big.docx", b"PK" + b"\0" * 400_000, {"source": "ar", "target": "en"})
    assert status == 413, body[:300]
    status, _, body = _upload(open_server, "translate_file", "notes.pdf", b"%PDF-1.4", {"source": "ar", "target": "en"})
    assert (status, json.loads(body)) == (400, {"error": "Invalid request: file format not supported"})
    status, _, body = _upload(open_server, "translate_file", "broken.docx", b"PK\x03\x04 not a zip", {"source": "ar", "target": "en"})
    assert status == 400 and "broken" in json.loads(body)["error"]


def test_full_queue_answers_429_with_retry_after(tiny_model: Path, tmp_path: Path) -> None:
    """A request that fits the queue but finds it full gets 429; one larger than the whole queue gets 413 (it never fits)."""
    from tests.serve.conftest import start_server, stop_server

    server = start_server(tiny_model, tmp_path, "--no-tm", "--queue-limit", "4", "--max-batch", "3")
    sentence = "ذهب الولد إلى المدرسة في الصباح الباكر مع أخيه الكبير."
    raw = json.dumps({"q": [sentence + str(i) for i in range(3)], "source": "ar", "target": "en"}).encode()
    try:
        with ThreadPoolExecutor(24) as pool:
            answers = list(pool.map(lambda _: server.request("POST", "translate", raw, {"Content-Type": "application/json"}), range(24)))
        statuses = [status for status, _, _ in answers]
        assert set(statuses) == {200, 429}, statuses
        for status, headers, body in answers:
            if status == 429:
                assert headers["retry-after"] == "1" and json.loads(body)["error"].startswith("Slowdown:")
        status, body = server.post_json("translate", {"q": ["أ", "ب", "ت", "ث", "ج"], "source": "ar", "target": "en"})
        assert (status, body) == (413, {"error": "Invalid request: the request has 5 sentences; the limit is 4 (the queue's size)"})
        assert server.post_json("translate", {"q": ["أ", "ب"], "source": "ar", "target": "en"})[0] == 200
    finally:
        stop_server(server)


def test_cors_is_off_unless_asked(open_server: Server) -> None:
    status, headers, _ = open_server.request("GET", "languages", headers={"Origin": "https://evil.example"})
    assert status == 200 and not any(h.lower().startswith("access-control") for h in headers)


# -- batching across requests --------------------------------------------------------------------


def test_a_sentence_translates_the_same_alone_and_batched_with_others(open_server: Server, sentences: list[str]) -> None:
    alone = {}
    for sentence in sentences:
        status, body = _translate(open_server, sentence)
        assert status == 200
        alone[sentence] = body["translatedText"]
    before = open_server.health()["batching"]
    # Mixed: single sentences and lists, from many threads at once, in another order.
    requests = [[s] for s in reversed(sentences)] + [sentences[::2], sentences[1::2]]
    barrier = threading.Barrier(len(requests))

    def ask(q):
        barrier.wait(timeout=30)
        return _translate(open_server, q if len(q) > 1 else q[0])

    with ThreadPoolExecutor(len(requests)) as pool:
        answers = list(pool.map(ask, requests))
    after = open_server.health()["batching"]
    for q, (status, body) in zip(requests, answers):
        assert status == 200
        got = body["translatedText"] if isinstance(body["translatedText"], list) else [body["translatedText"]]
        assert got == [alone[s] for s in q]
    calls, merged = after["engine_calls"] - before["engine_calls"], after["requests"] - before["requests"]
    assert merged == len(requests) and calls < merged, f"requests were merged: {merged} requests in {calls} engine calls"
    assert after["largest_call"] > 1
