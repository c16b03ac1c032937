import codecs
import os

import pytest

from translate.errors import TarjamaError
from translate.textio import decode, read_text, write_atomic


@pytest.mark.parametrize(
    "data",
    [
        "مرحبا\n".encode("utf-8"),
        codecs.BOM_UTF8 + "مرحبا\n".encode("utf-8"),
        "مرحبا\n".encode("utf-16"),
        codecs.BOM_UTF16_BE + "مرحبا\n".encode("utf-16-be"),
    ],
)
def test_decodes_utf8_and_utf16_with_bom(data):
    assert decode(data, "f") == "مرحبا\n"


def test_invalid_utf8_names_the_byte_offset():
    with pytest.raises(TarjamaError, match="offset 6"):
        decode("مرحب".encode("utf-8")[:6] + b"\xff\xfe rest", "f.txt")


def test_binary_and_empty_are_refused():
    with pytest.raises(TarjamaError, match="binary"):
        decode(b"\x89PNG\r\n\x1a\n\x00\x00", "f")
    with pytest.raises(TarjamaError, match="empty"):
        decode(b" \n\n\t ", "f")


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(TarjamaError, match="no such file"):
        read_text(str(tmp_path / "nope.txt"))
    with pytest.raises(TarjamaError, match="directory"):
        read_text(str(tmp_path))


def test_write_atomic_leaves_no_temporary_file(tmp_path):
    target = tmp_path / "sub" / "out.tmx"
    write_atomic(target, "<tmx/>\n")
    assert target.read_text(encoding="utf-8") == "<tmx/>\n"
    assert os.listdir(target.parent) == ["out.tmx"]


def test_write_atomic_keeps_the_old_file_when_interrupted(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("old", encoding="utf-8")

    # Writing a non-string fails inside the write, as a kill or a full disk would.
    with pytest.raises(TypeError):
        write_atomic(target, object())  # type: ignore[arg-type]
    assert target.read_text(encoding="utf-8") == "old"
    assert os.listdir(tmp_path) == ["out.txt"]


def test_written_files_are_readable_by_others(tmp_path):
    old = os.umask(0o022)
    try:
        write_atomic(tmp_path / "out.html", "x")
    finally:
        os.umask(old)
    assert (tmp_path / "out.html").stat().st_mode & 0o777 == 0o644
