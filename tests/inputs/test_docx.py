"""Word documents within bounds: a zip bomb is refused by name and limit, in bounded memory."""

from __future__ import annotations

import io
import struct
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

from translate.errors import TarjamaError
from translate.inputs import docx as docx_input
from translate.inputs import load_document

MIB = 2**20


def article_docx() -> bytes:
    docx = pytest.importorskip("docx")
    made = docx.Document()
    made.add_heading("روسيا تعلن استعادة السيطرة على منطقة كورسك", level=1)
    made.add_paragraph("أعلنت وزارة الدفاع الروسية يوم السبت أن قواتها أكملت المهمة.")
    buffer = io.BytesIO()
    made.save(buffer)
    return buffer.getvalue()


def bomb(path: Path, inflated: int) -> Path:
    """A real .docx whose word/document.xml is replaced by ``inflated`` bytes of zeros, streamed in chunks."""
    source = zipfile.ZipFile(io.BytesIO(article_docx()))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for entry in source.infolist():
            if entry.filename == "word/document.xml":
                info = zipfile.ZipInfo(entry.filename)
                info.compress_type = zipfile.ZIP_DEFLATED
                with out.open(info, "w", force_zip64=True) as stream:
                    chunk = b"\0" * (4 * MIB)
                    for _ in range(inflated // len(chunk)):
                        stream.write(chunk)
            else:
                out.writestr(entry, source.read(entry))
    return path


def test_a_real_document_is_within_every_limit(tmp_path):
    path = tmp_path / "article.docx"
    path.write_bytes(article_docx())
    assert len(load_document(str(path), "ar").paragraphs) == 2


def test_a_zip_bomb_is_refused_in_bounded_memory(tmp_path):
    """2 MB on disk, document.xml inflating to 2 GiB, took 4.2 GB of memory, then an internal error.

    256 MiB of zeros (4 times the limit) make the same bomb in a few seconds instead of half a minute.
    """
    path = bomb(tmp_path / "bomb.docx", 256 * MIB)
    assert path.stat().st_size < MIB
    script = textwrap.dedent(
        f"""
        from translate.errors import TarjamaError
        from translate.inputs import load_document
        try:
            load_document({str(path)!r}, "ar")
        except TarjamaError as exc:
            print(exc)
        # VmHWM is this process image's own peak; ru_maxrss would count the parent's (pytest's)
        # resident size at fork time, which Linux carries across exec.
        status = open("/proc/self/status").read()
        print(int(status.split("VmHWM:")[1].split()[0]) // 1024)
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300, check=True)
    message, peak_mib = done.stdout.strip().splitlines()
    assert message.startswith(str(path)) and "word/document.xml" in message and "64 MiB" in message
    assert int(peak_mib) < 160, f"peak memory {peak_mib} MiB"  # about 60 here; the bomb alone is 256


def lie_about_size(data: bytes, name: str, size: int) -> bytes:
    """Rewrite the uncompressed size of ``name`` in its local header and in the central directory."""
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo(name)
    patched = bytearray(data)
    struct.pack_into("<I", patched, info.header_offset + 22, size)
    directory = bytes(patched).index(b"PK\x01\x02")
    while directory != -1:
        length = struct.unpack_from("<H", patched, directory + 28)[0]
        if bytes(patched[directory + 46 : directory + 46 + length]).decode() == name:
            struct.pack_into("<I", patched, directory + 24, size)
        directory = bytes(patched).find(b"PK\x01\x02", directory + 46)
    return bytes(patched)


def test_a_directory_that_understates_a_part_is_not_believed(tmp_path, monkeypatch):
    monkeypatch.setattr(docx_input, "MAX_PART_BYTES", 1 * MIB)
    path = bomb(tmp_path / "liar.docx", 8 * MIB)
    path.write_bytes(lie_about_size(path.read_bytes(), "word/document.xml", 1000))
    with pytest.raises(TarjamaError, match="liar.docx: (word/document.xml inflates to more than 1 MiB|not a readable Word .docx)"):
        load_document(str(path), "ar")


def test_every_part_counts_towards_the_total(tmp_path, monkeypatch):
    monkeypatch.setattr(docx_input, "MAX_TOTAL_BYTES", 2 * MIB)
    path = tmp_path / "many.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for entry in zipfile.ZipFile(io.BytesIO(article_docx())).infolist():
            out.writestr(entry, zipfile.ZipFile(io.BytesIO(article_docx())).read(entry))
        for index in range(3):
            out.writestr(f"word/media/image{index}.png", b"\0" * MIB)
    with pytest.raises(TarjamaError, match="many.docx: its parts inflate to more than 2 MiB"):
        load_document(str(path), "ar")


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path, monkeypatch):
    monkeypatch.setattr(docx_input, "MAX_DOCX_BYTES", 1000)
    path = tmp_path / "big.docx"
    path.write_bytes(article_docx() + b"\0" * 2000)
    with pytest.raises(TarjamaError, match="big.docx: larger than 0 MiB"):
        load_document(str(path), "ar")
