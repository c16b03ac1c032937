"""Batch runs survive being killed: the rerun continues from the memory and writes the same files."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

from lxml import etree

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
FORMATS = "txt,tmx,html,tsv,xliff"
TIMESTAMPS = re.compile(r"\d{8}T\d{6}Z|\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")


def make_inputs(folder: Path) -> None:
    """Ten real articles: the hand-written one and NTREX sentences regrouped into documents."""
    folder.mkdir()
    (folder / "article.txt").write_text((FIXTURES / "article.ar.txt").read_text(encoding="utf-8"), encoding="utf-8")
    lines = (FIXTURES / "ntrex" / "bbc.381790.ar.txt").read_text(encoding="utf-8").splitlines()
    for n in range(9):
        chosen = lines[n : n + 7]
        (folder / f"news-{n}.txt").write_text("\n\n".join(chosen) + "\n", encoding="utf-8")


def command(tiny_model: Path, inputs: Path, out: Path, tm: Path) -> list[str]:
    return [
        sys.executable, "-m", "translate", "translate", str(inputs), "-o", str(out), "--model", str(tiny_model),
        "--backend", "transformers", "--batch-size", "2", "--tm", str(tm), "--to", FORMATS,
    ]


def complete(path: Path) -> bool:
    data = path.read_bytes()
    if path.suffix in (".tmx", ".xlf"):
        try:
            etree.fromstring(data, etree.XMLParser(no_network=True))
        except etree.XMLSyntaxError:
            return False
        return True
    if path.suffix == ".html":
        return data.endswith(b"</html>\n")
    return data.endswith(b"\n")


def snapshot(out: Path) -> dict[str, str]:
    return {
        str(p.relative_to(out)): TIMESTAMPS.sub("<time>", p.read_text(encoding="utf-8"))
        for p in sorted(out.rglob("*"))
        if p.is_file() and p.name != ".tarjama-outputs"  # the ledger of outputs holds their hashes, timestamps and all
    }


def test_a_killed_batch_resumes_and_writes_what_an_uninterrupted_run_writes(tiny_model, tmp_path):
    inputs = tmp_path / "in"
    make_inputs(inputs)
    reference = subprocess.run(command(tiny_model, inputs, tmp_path / "ref", tmp_path / "ref.sqlite"), capture_output=True, text=True, timeout=900)
    assert reference.returncode == 0, reference.stderr
    expected = snapshot(tmp_path / "ref")
    assert len(expected) == 10 * len(FORMATS.split(","))

    out, tm = tmp_path / "out", tmp_path / "tm.sqlite"
    process = subprocess.Popen(command(tiny_model, inputs, out, tm), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    killed_with = None
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline and process.poll() is None:
        visible = [p for p in out.rglob("*") if p.is_file() and not p.name.startswith(".")] if out.exists() else []
        assert all(complete(p) for p in visible), "a partial output file was visible"
        if len(visible) >= 2 * len(FORMATS.split(",")):  # two articles done, eight to go
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            killed_with = len(visible)
            break
        time.sleep(0.01)
    assert killed_with is not None and killed_with < len(expected), "the run was not killed midway; the test proves nothing"

    rerun = subprocess.run(command(tiny_model, inputs, out, tm), capture_output=True, text=True, timeout=900)
    assert rerun.returncode == 0, rerun.stderr
    reused = sum(int(n) for n in re.findall(r"\((\d+) from the translation memory", rerun.stderr))
    assert reused > 0, rerun.stderr
    assert snapshot(out) == expected
    assert not [p for p in out.rglob(".*") if p.name != ".tarjama-outputs"], "a temporary file was left behind"
