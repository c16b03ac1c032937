"""/translate_file answers a Word upload with the Word document translated in place, formatted (as LibreTranslate does)."""

from __future__ import annotations

import io
import json
import re
import zipfile

import docx

from tests.formatted.wordfiles import LINK, article, png
from tests.serve.conftest import Server

PICTURE = png(rgb=(5, 6, 7))


def test_a_word_upload_comes_back_as_the_same_word_document_in_english(open_server: Server) -> None:
    boundary = "word0boundary"
    fields = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode() for k, v in (("source", "ar"), ("target", "en"))]
    fields.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="news.docx"\r\n\r\n'.encode() + article(PICTURE) + b"\r\n")
    body = b"".join(fields) + f"--{boundary}--\r\n".encode()
    status, _, answer = open_server.request("POST", "translate_file", body, {"Content-Type": f"multipart/form-data; boundary={boundary}"}, timeout=300)
    assert status == 200, answer[:300]
    url = json.loads(answer)["translatedFileUrl"]
    assert url.endswith(".en.docx")
    status, _, data = open_server.request("GET", url[len(open_server.url) :])
    assert status == 200
    document = docx.Document(io.BytesIO(data))
    assert len(document.tables) == 1 and len(document.inline_shapes) == 1
    assert [p.style.name for p in document.paragraphs][:4] == ["Heading 1", "Normal", "Normal", "List Bullet"]
    assert any(r.bold for p in document.paragraphs for r in p.runs)
    assert LINK in [r.target_ref for r in document.part.rels.values() if r.is_external]
    assert not re.search(r"[\u0600-\u06FF]", "\n".join(p.text for p in document.paragraphs) + document.sections[0].header.paragraphs[0].text)
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        assert PICTURE in [package.read(n) for n in package.namelist() if n.startswith("word/media/")]


def test_the_pages_word_download_for_a_word_upload_is_the_document_itself(open_server: Server) -> None:
    boundary = "page0boundary"
    body = (f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="news.docx"\r\n\r\n'.encode() + article(PICTURE)
            + f"\r\n--{boundary}--\r\n".encode())
    status, _, html = open_server.request("POST", "/", body, {"Content-Type": f"multipart/form-data; boundary={boundary}"}, timeout=300)
    assert status == 200, html[:300]
    link = re.search(r'href="(/download_file/[0-9a-f]+\.news\.en\.docx)"', html.decode())
    assert link is not None, html.decode()[-2000:]
    status, _, data = open_server.request("GET", link.group(1))
    assert status == 200
    document = docx.Document(io.BytesIO(data))
    assert len(document.tables) == 1 and len(document.inline_shapes) == 1
    assert LINK in [r.target_ref for r in document.part.rels.values() if r.is_external]
