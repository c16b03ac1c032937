"""A real CAT tool reads our files: Debian's OmegaT 3.6, run in console mode.

Each test builds an OmegaT project by hand (``omegat.project``, ``source/``,
``tm/auto/``), runs ``omegat PROJECT --mode=console-translate`` and reads
what OmegaT wrote.  A TMX in ``tm/auto`` is applied by OmegaT on load: every
source segment with an exact match in it is translated with the match.  So
the target OmegaT writes equals our translations only if OmegaT parsed our
TMX, accepted its language pair and found each unit — a TMX it rejected or
read in the wrong pair leaves the Arabic in the target.

The project turns sentence segmentation off, so OmegaT's text filter makes
one segment per paragraph (blank-line separated); the source file holds one
of our segments per paragraph.

Skips where OmegaT is not installed (a user's machine); CI installs it (.ci/run).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from lxml import etree

from translate.export import get_exporter, with_languages
from translate.export.tmx import TmxExporter, units
from translate.model import Alignment
from translate.pipeline import align_translation
from translate.segmentation import presegmented_document
from translate.validation import validate_bytes

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
OMEGAT = shutil.which("omegat")
pytestmark = [pytest.mark.heavy, pytest.mark.skipif(OMEGAT is None, reason="needs OmegaT (Debian: apt-get install omegat); CI installs it")]

PROJECT = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<omegat>
  <project version="1.0">
    <source_dir>__DEFAULT__</source_dir>
    <source_dir_excludes><mask>**/.svn/**</mask></source_dir_excludes>
    <target_dir>__DEFAULT__</target_dir>
    <tm_dir>__DEFAULT__</tm_dir>
    <glossary_dir>__DEFAULT__</glossary_dir>
    <glossary_file>__DEFAULT__</glossary_file>
    <dictionary_dir>__DEFAULT__</dictionary_dir>
    <source_lang>{source}</source_lang>
    <target_lang>{target}</target_lang>
    <source_tok>org.omegat.tokenizer.LuceneArabicTokenizer</source_tok>
    <target_tok>org.omegat.tokenizer.LuceneEnglishTokenizer</target_tok>
    <sentence_seg>false</sentence_seg>
    <support_default_translations>true</support_default_translations>
    <remove_tags>false</remove_tags>
  </project>
</omegat>
"""


def make_project(root: Path, source_lang: str, target_lang: str) -> Path:
    for folder in ("source", "target", "tm/auto", "glossary", "dictionary", "omegat"):
        (root / folder).mkdir(parents=True, exist_ok=True)
    (root / "omegat.project").write_text(PROJECT.format(source=source_lang, target=target_lang), encoding="utf-8")
    return root


def run_omegat(project: Path, home: Path) -> str:
    """Console translation; returns OmegaT's log.  HOME is private: OmegaT writes its settings there."""
    started = time.monotonic()
    proc = subprocess.run(
        [OMEGAT, str(project), "--mode=console-translate"],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "HOME": str(home), "LC_ALL": "C.UTF-8"},
    )
    log = proc.stdout + proc.stderr
    assert proc.returncode == 0, log[-3000:]
    assert "Finished" in log, log[-3000:]
    print(f"OmegaT console-translate took {time.monotonic() - started:.1f} s")
    return log


def stats(project: Path, name: str) -> tuple[int, int]:
    """(total, remaining) segments of one source file, from the statistics OmegaT writes."""
    text = (project / "omegat" / "project_stats.txt").read_text(encoding="utf-8")
    for line in text.splitlines():
        cells = [c.strip() for c in line.split("\t")]
        if cells and cells[0] == name:
            return int(cells[1]), int(cells[2])
    raise AssertionError(f"{name} is not in OmegaT's statistics:\n{text}")


def ntrex_alignment() -> Alignment:
    """A real article (NTREX-128, CC BY-SA 4.0) aligned with its real translation: human origin."""
    source = presegmented_document((FIXTURES / "ntrex" / "bbc.381790.ar.txt").read_text(encoding="utf-8"), "ar", name="bbc.381790")
    target = presegmented_document((FIXTURES / "ntrex" / "bbc.381790.en.txt").read_text(encoding="utf-8"), "en", name="bbc.381790.en")
    return align_translation(source, target, presegmented=True)


@pytest.mark.parametrize(
    ("codes", "project_codes"),
    [((None, None), ("AR", "EN")), (("ar-SA", "en-US"), ("ar-SA", "en-US"))],
    ids=["ar-en", "ar-SA-en-US"],
)
@pytest.mark.parametrize("which", ["sample", "ntrex"])
def test_omegat_fills_the_target_from_our_tmx(which, codes, project_codes, sample, tmp_path):
    alignment = sample if which == "sample" else ntrex_alignment()
    labelled = with_languages(alignment, *codes)
    tmx = get_exporter("tmx").render(labelled)
    assert not [p for p in validate_bytes(tmx.encode(), "ours.tmx").problems if p.severity == "error"]
    expected = units(labelled)
    assert len(expected) >= 4

    project = make_project(tmp_path / "project", *project_codes)
    (project / "tm" / "auto" / "ours.tmx").write_text(tmx, encoding="utf-8")
    # One of our segments per paragraph: OmegaT's segments are then exactly ours.
    (project / "source" / "article.txt").write_text("\n\n".join(u.source for u in expected) + "\n", encoding="utf-8")
    log = run_omegat(project, tmp_path / "home")

    assert re.search(r"Reading TMX file .*ours\.tmx", log)
    translated = (project / "target" / "article.txt").read_text(encoding="utf-8").rstrip("\n").split("\n\n")
    assert translated == [u.target for u in expected], "OmegaT filled every segment with our translation"
    assert stats(project, "article.txt") == (len(expected), 0)


def test_omegat_without_the_tmx_translates_nothing(sample, tmp_path):
    """The control: the same project without our TMX leaves every segment untranslated (the Arabic stays)."""
    expected = units(sample)
    project = make_project(tmp_path / "project", "AR", "EN")
    (project / "source" / "article.txt").write_text("\n\n".join(u.source for u in expected) + "\n", encoding="utf-8")
    run_omegat(project, tmp_path / "home")
    translated = (project / "target" / "article.txt").read_text(encoding="utf-8").rstrip("\n").split("\n\n")
    assert translated == [u.source for u in expected]
    assert stats(project, "article.txt") == (len(expected), len(expected))


def test_omegat_imports_a_deduplicated_tmx(sample, tmp_path):
    """Identical units written once still serve every repetition of the sentence."""
    source = sample.source
    doubled = Alignment(source, sample.target, sample.beads + sample.beads, sample.provenance)
    tmx = TmxExporter(dedupe=True).render(doubled)
    assert tmx.count("<tu ") == len(units(sample))
    project = make_project(tmp_path / "project", "AR", "EN")
    (project / "tm" / "auto" / "ours.tmx").write_text(tmx, encoding="utf-8")
    repeated = units(doubled)
    (project / "source" / "article.txt").write_text("\n\n".join(u.source for u in repeated) + "\n", encoding="utf-8")
    run_omegat(project, tmp_path / "home")
    translated = (project / "target" / "article.txt").read_text(encoding="utf-8").rstrip("\n").split("\n\n")
    assert translated == [u.target for u in repeated]


def test_omegat_opens_our_xliff_as_a_source_file(sample, tmp_path):
    """OmegaT 3.6's own XLIFF filter loads our file, one segment per trans-unit, and writes back valid XLIFF 1.2.

    What it takes as the text to translate is the ``<target>`` (an OmegaT 3.x
    convention: it expects XLIFF whose target is a copy of the source, as
    Okapi Rainbow writes), so in OmegaT our post-editing XLIFF shows the
    machine translation to edit; the Arabic is not matched against a TM.
    The TMX above is the path that brings our Arabic–English pairs into OmegaT.
    """
    xliff = get_exporter("xliff").render(sample)
    project = make_project(tmp_path / "project", "AR", "EN")
    (project / "source" / "article.xlf").write_text(xliff, encoding="utf-8")
    run_omegat(project, tmp_path / "home")
    ours = etree.fromstring(xliff.encode())
    ns = {"x": "urn:oasis:names:tc:xliff:document:1.2"}
    with_target = [u for u in ours.iterfind(".//x:trans-unit", ns) if u.find("x:target", ns) is not None]
    assert stats(project, "article.xlf")[0] == len(with_target)

    written = (project / "target" / "article.xlf").read_bytes()
    report = validate_bytes(written, "omegat-output.xlf")
    assert report.errors == 0, report.lines()
    back = etree.fromstring(written)
    assert [u.get("id") for u in back.iterfind(".//x:trans-unit", ns)] == [u.get("id") for u in ours.iterfind(".//x:trans-unit", ns)]
    assert [u.findtext("x:source", namespaces=ns) for u in back.iterfind(".//x:trans-unit", ns)] == [
        u.findtext("x:source", namespaces=ns) for u in ours.iterfind(".//x:trans-unit", ns)
    ]
