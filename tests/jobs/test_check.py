"""The check job called as a library: what ``tarjama check`` prints and writes, without the command line."""

from __future__ import annotations

from pathlib import Path

import pytest

from translate.errors import TarjamaError
from translate.jobs.check import check_files, write_checked
from translate.settings import ExportOptions


def _pair(tmp_path: Path) -> tuple[Path, Path]:
    source, target = tmp_path / "src.ar.txt", tmp_path / "mt.en.txt"
    source.write_text("قال إن 86% من السكان غادروا.\nأصيب ٤٣٠ شخصا.\n", encoding="utf-8")
    target.write_text("He said 86% of the population had left.\n43 people were injured.\n", encoding="utf-8")
    return source, target


def test_check_flags_the_line_with_a_wrong_number_and_writes_after_checking(tmp_path):
    source, target = _pair(tmp_path)
    export = ExportOptions(formats=("tsv",))
    checked = check_files(str(source), str(target), output_dir=tmp_path / "out", export=export)
    flagged = [(line, bead.flags) for line, bead in zip(checked.lines, checked.alignment.beads) if bead.flags]
    assert [line for line, _ in flagged] == [2]
    assert "missing 430" in str(flagged[0][1][0]) and checked.qa.startswith("1 segment flagged")
    assert not (tmp_path / "out" / "src.ar.tsv").exists()  # checked, not yet written
    written = write_checked(checked, tmp_path / "out", export)
    assert written == [tmp_path / "out" / "src.ar.tsv"]
    assert len(written[0].read_text(encoding="utf-8").splitlines()) == 2


def test_check_refuses_an_output_over_an_input_before_checking(tmp_path):
    source, target = _pair(tmp_path)
    (tmp_path / "src.ar.tsv").write_text("not ours\n", encoding="utf-8")
    with pytest.raises(TarjamaError):
        check_files(str(source), str(target), output_dir=tmp_path, export=ExportOptions(formats=("tsv",)))
    assert (tmp_path / "src.ar.tsv").read_text(encoding="utf-8") == "not ours\n"
