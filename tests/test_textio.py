import codecs
import os

import pytest

from translate.errors import EmptyInput, TarjamaError
from translate.textio import decode, read_text, reading_encoding, text_encoding, write_atomic


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


ARABIC = "أعلنت وزارة الدفاع يوم السبت أن قواتها أكملت العملية.\n"


def test_a_file_that_is_not_utf8_is_refused_naming_the_option_that_reads_it():
    with pytest.raises(TarjamaError, match=r"f\.txt: not valid UTF-8 .*--encoding cp1256"):
        decode(ARABIC.encode("cp1256"), "f.txt")


@pytest.mark.parametrize("name", ["cp1256", "windows-1256", "CP1256"])
def test_a_named_encoding_reads_what_is_not_utf8(name):
    with reading_encoding(name):
        assert decode(ARABIC.encode("cp1256"), "f") == ARABIC
        # tarjama's own outputs (UTF-8), files with a BOM and UTF-16 are still read as what they are
        assert decode(ARABIC.encode("utf-8"), "f") == ARABIC
        assert decode(codecs.BOM_UTF8 + ARABIC.encode("utf-8"), "f") == ARABIC
        assert decode(ARABIC.encode("utf-16"), "f") == ARABIC
        with pytest.raises(TarjamaError, match="binary"):  # NUL characters are no text in any encoding
            decode(b"\x89PNG\r\n\x1a\n\x00\x00", "f")
    with pytest.raises(TarjamaError, match="--encoding cp1256"):  # only within the block
        decode(ARABIC.encode("cp1256"), "f")


def test_a_named_encoding_without_bom_reads_utf16_and_names_a_byte_it_cannot_decode():
    with reading_encoding("utf-16-le"):
        assert decode("Hello\n".encode("utf-16-le"), "f") == "Hello\n"
    with reading_encoding("ascii"), pytest.raises(TarjamaError, match=r"f: not valid UTF-8, nor ascii .*offset 0"):
        decode(ARABIC.encode("cp1256"), "f")


@pytest.mark.parametrize("name", ["no-such-codec", "base64", "rot13", ""])
def test_an_unknown_or_non_text_encoding_is_one_error(name):
    with pytest.raises(TarjamaError, match="not a text encoding"):
        text_encoding(name)
    assert text_encoding("Windows-1256") == "cp1256"


def test_binary_and_empty_are_refused():
    with pytest.raises(TarjamaError, match="binary"):
        decode(b"\x89PNG\r\n\x1a\n\x00\x00", "f")
    with pytest.raises(EmptyInput, match="empty"):
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


# --- issue 12: concurrent writers, stale temporary files, long names, identity of inputs and outputs ---

_WRITER = """
import sys
from pathlib import Path
from translate.textio import write_atomic
target, tag = Path(sys.argv[1]), sys.argv[2]
for n in range(150):
    write_atomic(target, f"{tag} {n}\\n" + "x" * 20000 + "\\nend\\n")
"""


def test_concurrent_writers_of_one_output_all_succeed_and_the_last_complete_write_wins(tmp_path):
    """Issue 12 item 4: one run's stale-file cleanup used to delete another live run's temporary file."""
    import subprocess
    import sys

    target = tmp_path / "shared" / "article.tmx"
    writers = [
        subprocess.Popen([sys.executable, "-c", _WRITER, str(target), f"w{i}"], stderr=subprocess.PIPE, text=True)
        for i in range(4)
    ]
    results = [(w.wait(timeout=300), w.stderr.read()) for w in writers]
    assert all(code == 0 for code, _ in results), [err for _, err in results if err]
    lines = target.read_text(encoding="utf-8").split("\n")
    assert lines[0].split()[1] == "149" and lines[-2] == "end", "a whole write of one writer, and its last"
    assert os.listdir(target.parent) == ["article.tmx"]


def _dead_pid() -> int:
    import subprocess
    import sys

    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_only_a_dead_processes_temporary_files_are_cleared(tmp_path):
    from translate.textio import temporary_name

    mine = temporary_name()
    dead = mine.replace(f"-{os.getpid()}-", f"-{_dead_pid()}-")
    live = mine.replace(f"-{os.getpid()}-", f"-{os.getppid()}-")
    foreign = ".tarjama-otherhost-1-0badcafe.tmp"
    unrelated = ".notes.txt"
    for name in (dead, live, foreign, unrelated):
        (tmp_path / name).write_text("partial", encoding="utf-8")
    write_atomic(tmp_path / "out.txt", "x")
    assert sorted(os.listdir(tmp_path)) == sorted([live, foreign, unrelated, "out.txt"])
    # After a day, whoever made it (a reused pid, another machine on a shared folder) it is stale.
    day_old = os.stat(tmp_path / foreign).st_mtime - 2 * 24 * 3600
    os.utime(tmp_path / foreign, (day_old, day_old))
    write_atomic(tmp_path / "out.txt", "y")
    assert sorted(os.listdir(tmp_path)) == sorted([live, unrelated, "out.txt"])


def test_any_name_the_file_system_accepts_can_be_written(tmp_path):
    """Issue 12 item 9: a temporary name built from a 240-byte output name was too long."""
    name = "ن" * 120 + ".en.txt"  # 247 bytes
    assert len(name.encode()) <= os.pathconf(tmp_path, "PC_NAME_MAX")
    write_atomic(tmp_path / name, "draft\n")
    assert os.listdir(tmp_path) == [name]


def test_a_name_too_long_for_the_file_system_is_one_error_naming_it(tmp_path):
    name = "ن" * 130 + ".en.txt"
    with pytest.raises(TarjamaError, match="too long") as caught:
        write_atomic(tmp_path / name, "draft\n")
    assert name in str(caught.value)
    assert os.listdir(tmp_path) == []


def test_an_output_is_never_written_over_an_input_whatever_its_name(tmp_path):
    from translate.textio import refuse_overwriting_inputs

    source = tmp_path / "page.html"
    source.write_text("<p>مرحبا</p>", encoding="utf-8")
    (tmp_path / "out").mkdir()
    os.link(source, tmp_path / "out" / "page.html")
    (tmp_path / "link.html").symlink_to(source)
    for output in (tmp_path / "page.html", tmp_path / "." / "page.html", tmp_path / "out" / "page.html", tmp_path / "link.html"):
        with pytest.raises(TarjamaError, match="would overwrite the input") as caught:
            refuse_overwriting_inputs([tmp_path / "a.tmx", output], [str(source)])
        assert str(output) in str(caught.value) and str(source) in str(caught.value)
    refuse_overwriting_inputs([tmp_path / "page.tmx", tmp_path / "other.html"], [str(source), "-"])


def test_a_file_that_appears_during_a_run_is_not_replaced_by_the_writer_either(tmp_path):
    """Issue 19: the check is in the atomic writer itself, right before the rename, not only in the plan."""
    from translate.settings import Overwrite
    from translate.textio import is_ours

    output = tmp_path / "article.html"
    write_atomic(output, "tarjama's page\n", Overwrite.OURS)
    assert is_ours(output)
    write_atomic(output, "tarjama's page, again\n", Overwrite.OURS)  # its own: replaced
    output.write_text("edited by hand\n", encoding="utf-8")
    assert not is_ours(output)
    with pytest.raises(TarjamaError, match="article.html is not a file tarjama wrote"):
        write_atomic(output, "tarjama's page\n", Overwrite.OURS)
    assert output.read_text(encoding="utf-8") == "edited by hand\n"
    assert sorted(os.listdir(tmp_path)) == [".tarjama-outputs", "article.html"], "no temporary file left"
    write_atomic(output, "replaced\n", Overwrite.ANY)
    assert is_ours(output)
    (tmp_path / "link.html").symlink_to(output)
    assert not is_ours(tmp_path / "link.html"), "tarjama writes files, never links"
    # A damaged ledger makes nothing ours: refused, never lost to a guess.
    (tmp_path / ".tarjama-outputs").write_bytes(b"\x00garbage\n{]")
    assert not is_ours(output)
