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


def heavy_docx(paragraphs: int, style: str = "Heading1", text: str = "أعلنت الوزارة.") -> bytes:
    """A real .docx (python-docx's own styles) whose body holds ``paragraphs`` styled paragraphs: a few
    hundred KB on disk, megabytes of XML."""
    docx = pytest.importorskip("docx")
    made = docx.Document()
    made.add_paragraph("x")
    buffer = io.BytesIO()
    made.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    one = f'<w:p><w:pPr><w:pStyle w:val="{style}"/></w:pPr><w:r><w:t>{text}</w:t></w:r></w:p>'
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for entry in source.infolist():
            data = source.read(entry)
            if entry.filename == "word/document.xml":
                xml = data.decode()
                start = xml.index("<w:body>") + len("<w:body>")
                data = (xml[:start] + one * paragraphs + xml[start:]).encode()
            archive.writestr(entry, data)
    return out.getvalue()


def _in_subprocess(script: str, timeout: float) -> list[str]:
    """Run ``script`` in a fresh interpreter; its printed lines, then its peak memory in MiB (VmHWM)."""
    script += '\nprint(int(open("/proc/self/status").read().split("VmHWM:")[1].split()[0]) // 1024)\n'
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=timeout, check=True)
    return done.stdout.strip().splitlines()


def test_many_paragraphs_are_read_in_one_pass_in_bounded_memory(tmp_path):
    """A 220 KB .docx holding 60 MiB of XML ran over 10 minutes at 1.44 GB: python-docx looked each
    paragraph's style up again (1.2 ms a paragraph here) over a tree of the whole part.

    200,000 paragraphs (16 MiB of XML) took 4 minutes; read as a stream they take seconds.
    """
    path = tmp_path / "heavy.docx"
    path.write_bytes(heavy_docx(200_000))
    assert path.stat().st_size < 400_000
    script = textwrap.dedent(
        f"""
        from translate.inputs.docx import docx_paragraphs
        paragraphs = docx_paragraphs(open({str(path)!r}, "rb").read(), "heavy.docx")
        print(len(paragraphs), paragraphs[0][0].value, paragraphs[0][1], paragraphs[-1][1])
        """
    )
    found, peak_mib = _in_subprocess(script, timeout=90)
    assert found == "200001 heading أعلنت الوزارة. x"
    assert int(peak_mib) < 250, f"peak memory {peak_mib} MiB"


def test_reading_stops_at_the_limit_on_text(tmp_path):
    """The sentence limit was checked only once the whole document was read: now the text is counted as it is read."""
    path = tmp_path / "long.docx"
    path.write_bytes(heavy_docx(300_000, style="Normal"))
    script = textwrap.dedent(
        f"""
        from translate.errors import TarjamaError
        from translate.inputs import ReadLimits, load_document
        for limits in (ReadLimits(chars=100_000), ReadLimits(paragraphs=5_000)):
            try:
                load_document({str(path)!r}, "ar", limits=limits)
            except TarjamaError as exc:
                print(type(exc).__name__, exc)
        """
    )
    chars, paragraphs, peak_mib = _in_subprocess(script, timeout=90)
    assert chars.startswith("TextLimitExceeded ") and "long.docx" in chars and "100000 characters" in chars
    assert paragraphs.startswith("TextLimitExceeded ") and "5000 paragraphs" in paragraphs
    assert int(peak_mib) < 200, f"peak memory {peak_mib} MiB"


def test_paragraphs_kinds_and_text_are_python_docx_s(tmp_path):
    """The stream reader gives what python-docx's ``document.paragraphs`` gives: body paragraphs only, runs and
    hyperlinks, tabs and line breaks, the heading styles by name (Title, Subtitle, Heading n)."""
    docx = pytest.importorskip("docx")
    made = docx.Document()
    made.add_heading("العنوان", level=0)
    made.add_heading("عنوان فرعي", level=1)
    made.add_paragraph("نص", style="Subtitle")
    body = made.add_paragraph("أ\tب")
    body.add_run().add_break()
    body.add_run("ت")
    made.add_paragraph("قائمة", style="List Bullet")
    made.add_table(rows=1, cols=1).cell(0, 0).text = "في جدول"
    made.add_paragraph("")
    made.add_heading("ثالث", level=3)
    buffer = io.BytesIO()
    made.save(buffer)
    expected = []
    for paragraph in docx.Document(io.BytesIO(buffer.getvalue())).paragraphs:
        name = paragraph.style.name if paragraph.style is not None else ""
        expected.append((name.startswith(("Heading", "Title", "Subtitle")), paragraph.text))
    found = [(kind.value == "heading", text) for kind, text in docx_input.docx_paragraphs(buffer.getvalue(), "made.docx")]
    assert found == expected
    assert sum(heading for heading, _ in found) == 4 and ("أ\tب\nت" in [text for _, text in found])
