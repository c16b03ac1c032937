"""What the commands accept as input: tarjama's own outputs, other encodings, folders with odd files.

Run as a user runs them, in a subprocess; the tiny random-weight model stands in for a real one, so
these tests check which files are read and how they are paired, never the English wording.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
ARTICLE = FIXTURES / "article.ar.txt"
NTREX_AR = FIXTURES / "ntrex" / "bbc.381790.ar.txt"
NTREX_EN = FIXTURES / "ntrex" / "bbc.381790.en.txt"


def tarjama(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "translate", *args], capture_output=True, cwd=cwd, timeout=600)


def one_error_line(proc: subprocess.CompletedProcess) -> str:
    err = proc.stderr.decode()
    assert proc.returncode == 2, err
    assert len(err.splitlines()) == 1 and err.startswith("tarjama: error: "), err
    return err


def translate(tiny_model: Path, source: Path, out: Path, *extra: str) -> subprocess.CompletedProcess:
    proc = tarjama("translate", str(source), "--model", str(tiny_model), "--device", "cpu", "--no-tm", "-o", str(out), *extra)
    assert proc.returncode == 0, proc.stderr.decode()
    return proc


# --- tarjama's own draft as an input of evaluate and check ----------------------------------------


def test_evaluate_scores_tarjamas_draft_against_a_sentence_a_line_reference(tiny_model, tmp_path):
    """The draft holds a paragraph a line with blank lines between them; the NTREX source has a sentence a line."""
    translate(tiny_model, NTREX_AR, tmp_path / "out", "--to", "txt")
    draft = tmp_path / "out" / "bbc.381790.ar.en.txt"
    lines = draft.read_text(encoding="utf-8").splitlines()
    assert "" in lines and len(lines) != len(NTREX_EN.read_text(encoding="utf-8").splitlines()), "the layout the issue met"
    proc = tarjama("evaluate", str(draft), str(NTREX_EN), "--json")
    assert proc.returncode == 0, proc.stderr.decode()
    # The same score as the draft's non-blank lines given line by line: the blank lines were paragraph breaks.
    paired = tmp_path / "paired.en.txt"
    paired.write_text("".join(line + "\n" for line in lines if line), encoding="utf-8")
    expected = tarjama("evaluate", str(paired), str(NTREX_EN), "--json")
    assert expected.returncode == 0, expected.stderr.decode()
    assert proc.stdout == expected.stdout


def test_check_takes_the_article_and_the_draft_that_translate_wrote(tiny_model, tmp_path):
    translate(tiny_model, ARTICLE, tmp_path / "out", "--to", "txt")
    draft = tmp_path / "out" / "article.ar.en.txt"
    proc = tarjama("check", str(ARTICLE), str(draft), "-o", str(tmp_path / "checked"), "--to", "tsv")
    assert proc.returncode == 0, proc.stderr.decode()
    # Every Arabic segment, as `translate` (and `segment`) split the article, is checked once, in order ...
    segmented = tarjama("segment", str(ARTICLE))
    segments = [line for line in segmented.stdout.decode().splitlines() if line]
    rows = [row.split("\t") for row in (tmp_path / "checked" / "article.ar.tsv").read_text(encoding="utf-8").splitlines()]
    assert " ".join(row[0] for row in rows) == " ".join(segments)
    # ... against the whole draft, in order; and a flag names a line of the draft.
    draft_lines = draft.read_text(encoding="utf-8").splitlines()
    assert " ".join(row[1] for row in rows) == " ".join(line for line in draft_lines if line)
    for line in proc.stdout.decode().splitlines():
        number = int(line.split("\t")[0])
        assert draft_lines[number - 1].strip(), f"line {number} of the draft is blank"


def test_check_pairs_paragraph_sentences_and_names_the_draft_line(tmp_path):
    """A paragraph of two sentences on one line of each file: each sentence checked with its own translation."""
    article = tmp_path / "article.ar.txt"
    article.write_text("عنوان الخبر\n\n\n\nقال إن 86% من السكان غادروا. وأصيب ٤٣٠ شخصا.\n", encoding="utf-8")
    draft = tmp_path / "article.en.txt"
    draft.write_text("The headline\n\nHe said 86% of the population had left. 43 people were injured.\n", encoding="utf-8")
    proc = tarjama("check", str(article), str(draft))
    assert proc.returncode == 0, proc.stderr.decode()
    assert proc.stdout.decode().splitlines() == ["3\tnumbers: missing 430; extra 43"]
    assert proc.stderr.decode().strip() == "1 segment flagged: 1 numbers"


def test_check_reads_a_web_page_article_as_translate_does(tmp_path):
    page = tmp_path / "page.html"
    paragraphs = "".join(f"<p>{p}</p>" for p in ["قال إن 86% من السكان غادروا المنطقة. وأصيب ٤٣٠ شخصا في الحادث.", "وقال المتحدث إن النتائج جيدة جدا."])
    page.write_text(f"<html><body><article><h1>عنوان الخبر الرئيسي</h1>{paragraphs}</article></body></html>", encoding="utf-8")
    draft = tmp_path / "page.en.txt"
    draft.write_text("The main headline\n\nHe said 86% of the people had left the area. 43 people were injured in the accident.\n\nThe spokesman said the results were very good.\n", encoding="utf-8")
    proc = tarjama("check", str(page), str(draft))
    assert proc.returncode == 0, proc.stderr.decode()
    assert proc.stdout.decode().splitlines() == ["3\tnumbers: missing 430; extra 43"]


def test_check_and_evaluate_refuse_a_draft_of_another_article_in_one_line(tmp_path):
    draft = tmp_path / "other.en.txt"
    draft.write_text("One paragraph.\n\nAnother one.\n", encoding="utf-8")
    err = one_error_line(tarjama("check", str(ARTICLE), str(draft)))
    assert "2 paragraphs" in err and "10" in err, err
    err = one_error_line(tarjama("evaluate", str(draft), str(NTREX_EN)))
    assert "paragraph" in err, err


# --- encodings ------------------------------------------------------------------------------------

ARABIC = "أعلنت وزارة الدفاع يوم السبت أن قواتها أكملت العملية. وقال المتحدث إن العملية استمرت ٢٦٥ يوما.\n\nردود الفعل\n"


@pytest.fixture
def cp1256(tmp_path: Path) -> Path:
    path = tmp_path / "windows.ar.txt"
    path.write_bytes(ARABIC.replace("٢٦٥", "265").encode("cp1256"))  # cp1256 has no Arabic-Indic digits
    return path


def test_a_windows_1256_file_is_read_with_encoding_and_refused_naming_it_without(cp1256, tmp_path):
    utf8 = tmp_path / "utf8.ar.txt"
    utf8.write_text(ARABIC.replace("٢٦٥", "265"), encoding="utf-8")
    proc = tarjama("segment", str(cp1256), "--encoding", "cp1256")
    assert proc.returncode == 0, proc.stderr.decode()
    assert proc.stdout == tarjama("segment", str(utf8)).stdout
    err = one_error_line(tarjama("segment", str(cp1256)))
    assert "windows.ar.txt" in err and "--encoding cp1256" in err, err


@pytest.mark.parametrize(
    "command",
    [
        ["translate", "{ar}", "-o", "{out}"],
        ["segment", "{ar}"],
        ["align", "{ar}", "{en}", "-o", "{out}"],
        ["check", "{ar}", "{en}"],
        ["evaluate", "{en}", "{ar}"],
    ],
)
def test_every_command_that_reads_text_has_encoding(command, cp1256, tmp_path):
    en = tmp_path / "english.en.txt"
    en.write_text("The ministry said on Saturday that its forces had finished. The spokesman said it lasted 265 days.\n\nReactions\n", encoding="utf-8")
    argv = [part.format(ar=cp1256, en=en, out=tmp_path / "out") for part in command]
    err = one_error_line(tarjama(*argv))
    assert "--encoding cp1256" in err, err
    err = one_error_line(tarjama(*argv, "--encoding", "no-such-codec"))
    assert "--encoding" in err and "no-such-codec" in err, err
    assert not (tmp_path / "out").exists()


def test_translate_reads_windows_1256_and_tarjamas_own_utf8_draft_in_one_run(cp1256, tiny_model, tmp_path):
    """One --encoding for a run that mixes the user's Windows-1256 article with tarjama's UTF-8 draft."""
    translate(tiny_model, cp1256, tmp_path / "out", "--to", "txt,tsv", "--encoding", "cp1256")
    rows = (tmp_path / "out" / "windows.ar.tsv").read_text(encoding="utf-8").splitlines()
    assert [row.split("\t")[0] for row in rows] == [
        "أعلنت وزارة الدفاع يوم السبت أن قواتها أكملت العملية.", "وقال المتحدث إن العملية استمرت 265 يوما.", "ردود الفعل",
    ]
    proc = tarjama("check", str(cp1256), str(tmp_path / "out" / "windows.ar.en.txt"), "--encoding", "cp1256")
    assert proc.returncode == 0, proc.stderr.decode()


# --- folders and -o -------------------------------------------------------------------------------


def test_a_folder_with_an_empty_file_and_a_pdf_is_translated_and_both_are_named(tiny_model, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "article.txt").write_text("مرحبا بكم. شكرا لكم.\n", encoding="utf-8")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "blank.txt").write_text(" \n\n", encoding="utf-8")
    (folder / "report.pdf").write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    (folder / ".hidden.pdf").write_bytes(b"%PDF-1.4\n")
    proc = translate(tiny_model, folder, tmp_path / "out", "--to", "txt")
    warnings = [line for line in proc.stderr.decode().splitlines() if line.startswith("tarjama: warning: ")]
    named = {name for name in ("empty.txt", "blank.txt", "report.pdf", ".hidden.pdf") if any(name in w for w in warnings)}
    assert named == {"empty.txt", "blank.txt", "report.pdf"}, warnings
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [".tarjama-outputs", "article.en.txt"], "the draft and its ledger"


def test_a_folder_of_empty_files_only_is_one_error(tiny_model, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "empty.txt").write_bytes(b"")
    err = one_error_line(tarjama("translate", str(folder), "--model", str(tiny_model), "-o", str(tmp_path / "out")))
    assert "in" in err


def test_an_empty_file_named_on_the_command_line_is_still_an_error(tiny_model, tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    err = one_error_line(tarjama("translate", str(tmp_path / "empty.txt"), "--model", str(tiny_model), "-o", str(tmp_path / "out")))
    assert "empty" in err


@pytest.mark.parametrize("command", [["translate", "{ar}"], ["align", "{ar}", "{en}"], ["check", "{ar}", "{en}"]])
def test_output_dash_is_refused(command, tmp_path):
    en = tmp_path / "en.txt"
    en.write_text("Hello there.\n", encoding="utf-8")
    ar = tmp_path / "ar.txt"
    ar.write_text("مرحبا بكم.\n", encoding="utf-8")
    err = one_error_line(tarjama(*[part.format(ar=ar, en=en) for part in command], "-o", "-", cwd=tmp_path))
    assert "-o -" in err, err
    assert not (tmp_path / "-").exists()


# --- counts read as English -----------------------------------------------------------------------


def test_counts_of_one_are_singular(tiny_model, tmp_path):
    source = tmp_path / "one.ar.txt"
    source.write_text("مرحبا بكم\n", encoding="utf-8")
    proc = translate(tiny_model, source, tmp_path / "out", "--to", "txt")
    err = proc.stderr.decode()
    assert ": 1 segment →" in err, err
    assert not re.search(r"\b1 (segments|beads|pairs|files)\b", err), err
    english = tmp_path / "one.en.txt"
    english.write_text("Welcome\n", encoding="utf-8")
    proc = tarjama("align", str(source), str(english), "-o", str(tmp_path / "al"))
    assert proc.returncode == 0, proc.stderr.decode()
    assert "1 bead from 1 Arabic and 1 English segment;" in proc.stderr.decode(), proc.stderr.decode()
