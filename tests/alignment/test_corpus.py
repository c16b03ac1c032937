"""Corpus alignment: two folders paired by relative path and name, each pair written as ``align SOURCE TARGET`` writes it."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from translate.alignment.corpus import pair_folders
from translate.errors import TarjamaError

ROOT = Path(__file__).resolve().parents[2]
NTREX = ROOT / "tests" / "fixtures" / "ntrex"
TIMESTAMPS = re.compile(r"\d{8}T\d{6}Z|\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")


def touch(path: Path, text: str = "x\n") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_pairs_by_relative_path_and_name_across_formats_and_language_tags(tmp_path):
    ar, en = tmp_path / "ar", tmp_path / "en"
    touch(ar / "a" / "one.txt"), touch(en / "a" / "one.txt")
    touch(ar / "a" / "two.ar.txt"), touch(en / "a" / "two.en.html")
    touch(ar / "b" / "one.txt")  # same name, other folder: no counterpart
    touch(en / "three.txt")
    touch(ar / ".hidden" / "x.txt"), touch(en / ".hidden" / "x.txt")
    touch(ar / "notes.md")
    pairing = pair_folders(str(ar), str(en))
    assert [(Path(p.source).relative_to(ar).as_posix(), Path(p.target).relative_to(en).as_posix(), p.stem) for p in pairing.pairs] == [
        ("a/one.txt", "a/one.txt", "a/one"),
        ("a/two.ar.txt", "a/two.en.html", "a/two.ar"),
    ]
    assert pairing.unpaired_source == (str(ar / "b" / "one.txt"),)
    assert pairing.unpaired_target == (str(en / "three.txt"),)


def test_two_files_that_would_pair_with_one_are_refused_not_guessed(tmp_path):
    ar, en = tmp_path / "ar", tmp_path / "en"
    touch(ar / "one.txt"), touch(en / "one.txt"), touch(en / "one.html")
    with pytest.raises(TarjamaError, match="would both pair"):
        pair_folders(str(ar), str(en))


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "translate", *args], capture_output=True, text=True, timeout=600, cwd=ROOT)


def test_corpus_outputs_are_the_single_pair_outputs_in_mirrored_folders(tmp_path, validate_tmx):
    ar, en = tmp_path / "ar", tmp_path / "en"
    for name in ("bbc.381790", "nytimes.184860"):
        touch(ar / "news" / f"{name}.txt", (NTREX / f"{name}.ar.txt").read_text(encoding="utf-8"))
        touch(en / "news" / f"{name}.txt", (NTREX / f"{name}.en.txt").read_text(encoding="utf-8"))
    touch(ar / "orphan.txt", "نص بلا ترجمة.\n")
    result = cli("align", str(ar), str(en), "-o", str(tmp_path / "out"), "--to", "tmx,html,tsv,xliff", "--merged-tmx", str(tmp_path / "all.tmx"))
    assert result.returncode == 0, result.stderr
    assert f"tarjama: warning: {ar / 'orphan.txt'}: no English counterpart in {en}; not aligned" in result.stderr.splitlines()
    assert "2 pairs aligned; 1 file without a counterpart" in result.stderr

    for name in ("bbc.381790", "nytimes.184860"):
        single = cli("align", str(ar / "news" / f"{name}.txt"), str(en / "news" / f"{name}.txt"), "-o", str(tmp_path / "single"), "--to", "tmx,html,tsv,xliff", "-q")
        assert single.returncode == 0, single.stderr
        for suffix in (".tmx", ".html", ".tsv", ".xlf"):
            corpus = (tmp_path / "out" / "news" / f"{name}{suffix}").read_text(encoding="utf-8")
            alone = (tmp_path / "single" / f"{name}{suffix}").read_text(encoding="utf-8")
            assert TIMESTAMPS.sub("T", corpus) == TIMESTAMPS.sub("T", alone), suffix
    assert not list((tmp_path / "out").glob("orphan*"))

    root = validate_tmx(tmp_path / "all.tmx")
    units = root.findall("body/tu")
    per_pair = sum(len(etree_units(tmp_path / "out" / "news" / f"{n}.tmx")) for n in ("bbc.381790", "nytimes.184860"))
    assert len(units) == per_pair > 0
    assert units[0].get("tuid") == "news/bbc.381790#1" and units[-1].get("tuid").startswith("news/nytimes.184860#")
    assert [p.text for p in units[0].findall("prop") if p.get("type") == "x-document"] == ["news/bbc.381790"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".all.tmx")], "temporary files left behind"


def etree_units(path: Path) -> list:
    from lxml import etree

    return etree.parse(str(path)).getroot().findall("body/tu")


def test_a_folder_and_a_file_or_folders_without_pairs_are_one_line(tmp_path):
    ar, en = tmp_path / "ar", tmp_path / "en"
    touch(ar / "one.txt", "نص.\n"), touch(en / "two.txt", "Text.\n")
    result = cli("align", str(ar), str(en / "two.txt"))
    assert result.returncode == 2 and result.stderr.startswith("tarjama: error: ") and "is a folder" in result.stderr
    result = cli("align", str(ar), str(en), "-o", str(tmp_path / "out"))
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1].startswith("tarjama: error: no file of ")
    assert "no English counterpart" in result.stderr and "no Arabic counterpart" in result.stderr
    result = cli("align", str(ar / "one.txt"), str(en / "two.txt"), "--merged-tmx", str(tmp_path / "m.tmx"))
    assert result.returncode == 2 and "--merged-tmx is for two folders" in result.stderr


def test_a_swapped_pair_in_a_corpus_is_refused_as_a_single_pair_is(tmp_path):
    """The language check lived in the CLI's single-pair path, so two folders given swapped were aligned."""
    ar, en = tmp_path / "ar", tmp_path / "en"
    touch(ar / "bbc.txt", (NTREX / "bbc.381790.en.txt").read_text(encoding="utf-8"))  # English on the Arabic side
    touch(en / "bbc.txt", (NTREX / "bbc.381790.ar.txt").read_text(encoding="utf-8"))
    result = cli("align", str(ar), str(en), "-o", str(tmp_path / "out"))
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 2 and lines[-1].startswith("tarjama: error: ") and "bbc.txt" in lines[-1], result.stderr
    assert "--no-language-check" in lines[-1]
    assert not (tmp_path / "out").exists()
    assert cli("align", str(ar), str(en), "-o", str(tmp_path / "out"), "--no-language-check").returncode == 0


def test_every_pair_is_checked_before_any_is_aligned(tmp_path):
    """A bad file as the last pair stopped the run after all the others were aligned, with no merged TMX."""
    ar, en = tmp_path / "ar", tmp_path / "en"
    touch(ar / "a.txt", (NTREX / "bbc.381790.ar.txt").read_text(encoding="utf-8"))
    touch(en / "a.txt", (NTREX / "bbc.381790.en.txt").read_text(encoding="utf-8"))
    touch(ar / "z.txt", (NTREX / "nytimes.184860.ar.txt").read_text(encoding="utf-8"))
    (en / "z.txt").write_bytes(b"\xff\xfe\x00broken")  # not text
    result = cli("align", str(ar), str(en), "-o", str(tmp_path / "out"), "--merged-tmx", str(tmp_path / "all.tmx"))
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1].startswith(f"tarjama: error: {en / 'z.txt'}: "), result.stderr
    assert not (tmp_path / "out").exists(), "pairs were aligned before every input was checked"


def test_a_pair_with_an_empty_side_is_skipped_with_a_warning_and_the_rest_aligned(tmp_path):
    """As ``translate`` skips an empty file of a folder: one warning, the pair left out, the run goes on."""
    ar, en = tmp_path / "ar", tmp_path / "en"
    touch(ar / "a.txt", (NTREX / "bbc.381790.ar.txt").read_text(encoding="utf-8"))
    touch(en / "a.txt", (NTREX / "bbc.381790.en.txt").read_text(encoding="utf-8"))
    touch(ar / "z.txt", (NTREX / "nytimes.184860.ar.txt").read_text(encoding="utf-8"))
    touch(en / "z.txt", "")  # the last of the pairs, as in the report (1,999 of 2,000 aligned, then the run stopped)
    touch(ar / "blank.txt", " \n\n"), touch(en / "blank.txt", "Text.\n")
    result = cli("align", str(ar), str(en), "-o", str(tmp_path / "out"), "--merged-tmx", str(tmp_path / "all.tmx"))
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    assert f"tarjama: warning: {en / 'z.txt'}: the file is empty (no text to work on); pair not aligned" in lines
    assert f"tarjama: warning: {ar / 'blank.txt'}: the file is empty (no text to work on); pair not aligned" in lines
    assert lines[-1] == "1 pair aligned; 2 pairs with an empty file not aligned (listed above)"
    assert (tmp_path / "out" / "a.tmx").exists() and not (tmp_path / "out" / "z.tmx").exists()
    assert 'tuid="a#1"' in (tmp_path / "all.tmx").read_text(encoding="utf-8")


def test_an_unreadable_subfolder_stops_the_run_by_name_as_translate_does(tmp_path):
    """It was skipped: its files were reported as unpaired and the run ended with exit 0."""
    import os
    import shutil

    ar, en = tmp_path / "ar", tmp_path / "en"
    for sub in ("open", "locked"):
        touch(ar / sub / "a.txt", (NTREX / "bbc.381790.ar.txt").read_text(encoding="utf-8"))
        touch(en / sub / "a.txt", (NTREX / "bbc.381790.en.txt").read_text(encoding="utf-8"))
    prefix: list[str] = []
    if os.geteuid() == 0:  # root reads any folder; without these two capabilities it reads as its owner would
        if shutil.which("setpriv") is None:
            pytest.skip("running as root without setpriv: no folder is unreadable")
        prefix = ["setpriv", "--bounding-set", "-dac_override,-dac_read_search"]
    (en / "locked").chmod(0)
    try:
        result = subprocess.run(
            [*prefix, sys.executable, "-m", "translate", "align", str(ar), str(en), "-o", str(tmp_path / "out")],
            capture_output=True, text=True, timeout=600, cwd=ROOT,
        )
    finally:
        (en / "locked").chmod(0o755)
    assert result.returncode == 2, result.stderr
    assert result.stderr.splitlines() == [
        f"tarjama: error: {en / 'locked'}: cannot read this folder (Permission denied); make it readable or move it out of the input folder"
    ]
    assert not (tmp_path / "out").exists()


def test_names_with_newlines_or_bidi_controls_are_printed_escaped(tmp_path):
    ar, en = tmp_path / "ar", tmp_path / "en"
    touch(ar / "a.txt", (NTREX / "bbc.381790.ar.txt").read_text(encoding="utf-8"))
    touch(en / "a.txt", (NTREX / "bbc.381790.en.txt").read_text(encoding="utf-8"))
    touch(ar / "evil\ntarjama: error: forged\u202etxt.txt", "نص.\n")  # an orphan: named in a warning
    result = cli("align", str(ar), str(en), "-o", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    assert "\u202e" not in result.stderr
    assert not [line for line in result.stderr.splitlines() if "forged" in line and not line.startswith("tarjama: warning: ")]
    assert f"tarjama: warning: {ar}/evil\\ntarjama: error: forged\\u202etxt.txt: no English counterpart in {en}; not aligned" in result.stderr.splitlines()
