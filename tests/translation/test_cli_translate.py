"""``tarjama translate`` with the translation memory, and ``tarjama tm import``, run as a user runs them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from lxml import etree

ROOT = Path(__file__).resolve().parents[2]
ARTICLE = ROOT / "tests" / "fixtures" / "article.ar.txt"


def tarjama(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "translate", *args], capture_output=True, text=True, cwd=ROOT, timeout=600)


def units(tmx: Path) -> list[dict]:
    """Each <tu> as {origin, flags, ar, en}."""
    root = etree.parse(str(tmx)).getroot()
    lang = "{http://www.w3.org/XML/1998/namespace}lang"
    found = []
    for tu in root.iter("tu"):
        props = {p.get("type"): p.text for p in tu.findall("prop")}
        segs = {tuv.get(lang): tuv.find("seg").text for tuv in tu.findall("tuv")}
        found.append({"origin": props["x-origin"], "flags": props.get("x-flags", ""), "confidence": props.get("x-confidence"), **segs})
    return found


def badges(html: Path) -> list[str]:
    text = html.read_text(encoding="utf-8")
    return [part.split(">")[1].split("<")[0] for part in text.split('class="badge origin-')[1:]]


@pytest.fixture(scope="module")
def first_run(tiny_model, tmp_path_factory):
    """The article translated once into a fresh memory."""
    tmp = tmp_path_factory.mktemp("tm")
    tm = tmp / "tm.sqlite"
    proc = tarjama("translate", str(ARTICLE), "--model", str(tiny_model), "--tm", str(tm), "-o", str(tmp / "first"))
    assert proc.returncode == 0, proc.stderr
    return tm, tmp, units(tmp / "first" / "article.ar.tmx")


def test_first_run_is_machine_translation(first_run):
    tm, tmp, first = first_run
    assert tm.is_file()
    assert {u["origin"] for u in first} == {"mt"}
    assert set(badges(tmp / "first" / "article.ar.html")) == {"mt"}


def test_second_run_comes_from_the_memory_unchanged(first_run, tiny_model):
    tm, tmp, first = first_run
    proc = tarjama("translate", str(ARTICLE), "--model", str(tiny_model), "--tm", str(tm), "-o", str(tmp / "second"))
    assert proc.returncode == 0, proc.stderr
    second = units(tmp / "second" / "article.ar.tmx")
    assert [u["en"] for u in second] == [u["en"] for u in first]
    # reused machine translation is still machine translation: the files are those of the first run
    assert {u["origin"] for u in second} == {"mt"} and second == first
    assert set(badges(tmp / "second" / "article.ar.html")) == {"mt"}
    assert f"{len(second)} from the translation memory" in proc.stderr
    assert (tmp / "first" / "article.ar.en.txt").read_text() == (tmp / "second" / "article.ar.en.txt").read_text()


def test_every_unit_has_a_confidence_and_the_memory_keeps_it(first_run, tiny_model):
    """Fresh or from the memory, the same confidence; --min-confidence moves the flag, never the value."""
    tm, tmp, first = first_run
    values = [float(u["confidence"]) for u in first]
    assert all(0.0 <= v <= 1.0 for v in values) and len(set(values)) > 3
    assert all("low-confidence: " in u["flags"] for u in first if float(u["confidence"]) < 0.5)
    proc = tarjama("translate", str(ARTICLE), "--model", str(tiny_model), "--tm", str(tm), "-o", str(tmp / "lenient"), "--min-confidence", "0")
    assert proc.returncode == 0, proc.stderr
    lenient = units(tmp / "lenient" / "article.ar.tmx")
    assert [u["confidence"] for u in lenient] == [u["confidence"] for u in first], "served from the memory with its confidence"
    assert not any("low-confidence" in u["flags"] for u in lenient)
    assert [u["flags"].replace("low-confidence: ", "") for u in lenient] != [] and all(
        u["flags"] == ",".join(f for f in v["flags"].split(",") if not f.startswith("low-confidence")) for u, v in zip(lenient, first)
    )


def test_imported_human_translation_wins_over_mt(first_run, tiny_model):
    tm, tmp, first = first_run
    human = tmp / "human.tmx"
    human.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4"><header creationtool="t" creationtoolversion="1" '
        'segtype="sentence" o-tmf="t" adminlang="en" srclang="ar" datatype="plaintext"/><body>'
        f'<tu><tuv xml:lang="ar"><seg>{first[0]["ar"]}</seg></tuv><tuv xml:lang="en"><seg>A human headline.</seg></tuv></tu>'
        '</body></tmx>\n',
        encoding="utf-8",
    )
    proc = tarjama("tm", "import", str(human), "--tm", str(tm))
    assert proc.returncode == 0, proc.stderr
    assert "1 human translation imported" in proc.stderr
    proc = tarjama("translate", str(ARTICLE), "--model", str(tiny_model), "--tm", str(tm), "-o", str(tmp / "third"))
    assert proc.returncode == 0, proc.stderr
    third = units(tmp / "third" / "article.ar.tmx")
    title = first[0]["ar"]  # the article repeats its title: every copy takes the human translation
    for unit in third:
        if unit["ar"] == title:
            assert unit["en"] == "A human headline." and unit["origin"] == "tm"
        else:
            assert unit["origin"] == "mt"
    assert sum(u["ar"] == title for u in third) > 1
    # The run summary tells the human matches from the stored machine translations.
    human = sum(u["ar"] == title for u in third)
    assert f"({len(third)} from the translation memory: {human} human, {len(third) - human} machine)" in proc.stderr, proc.stderr


def test_no_tm_translates_afresh_and_quiet_prints_nothing(first_run, tiny_model):
    tm, tmp, first = first_run
    before = tm.stat().st_mtime_ns
    proc = tarjama("translate", str(ARTICLE), "--model", str(tiny_model), "--no-tm", "-q", "-o", str(tmp / "fresh"))
    assert proc.returncode == 0 and proc.stderr == ""
    assert {u["origin"] for u in units(tmp / "fresh" / "article.ar.tmx")} == {"mt"}
    assert tm.stat().st_mtime_ns == before


def test_transformers_backend_is_recorded_in_the_provenance(tiny_model, tmp_path):
    proc = tarjama("translate", str(ARTICLE), "--model", str(tiny_model), "--backend", "transformers", "--beam", "1", "--no-tm", "-q", "-o", str(tmp_path), "--to", "tmx")
    assert proc.returncode == 0, proc.stderr
    header = etree.parse(str(tmp_path / "article.ar.tmx")).getroot().find("header")
    decoding = {p.get("type"): p.text for p in header.findall("prop")}["x-tarjama-decoding"]
    assert "backend=transformers:float32" in decoding and "beam=1" in decoding


@pytest.mark.parametrize("args,message", [
    (["--compute-type", "int4"], "compute type 'int4' is not supported"),
    (["--backend", "marian"], "invalid choice"),
    (["--batch-tokens", "0"], "expected a positive integer"),
    (["--min-confidence", "1.5"], "'1.5' is not a confidence between 0 and 1"),
    (["--min-confidence", "high"], "'high' is not a confidence between 0 and 1"),
])
def test_bad_engine_options_give_one_line_and_exit_2(args, message, tiny_model, tmp_path):
    proc = tarjama("translate", str(ARTICLE), "--model", str(tiny_model), "--no-tm", "-o", str(tmp_path), *args)
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and proc.stderr.startswith("tarjama: error: ") and message in proc.stderr


def test_tm_import_of_a_broken_file_is_one_line(tmp_path):
    bad = tmp_path / "bad.tmx"
    bad.write_text("<tmx><body>", encoding="utf-8")
    proc = tarjama("tm", "import", str(bad), "--tm", str(tmp_path / "tm.sqlite"))
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and f"{bad}:1: not well-formed XML" in proc.stderr


def test_tm_import_does_not_import_torch(tmp_path):
    tmx = tmp_path / "empty.tmx"
    tmx.write_text('<tmx version="1.4"><header/><body/></tmx>', encoding="utf-8")
    code = (
        "import sys\nfrom translate.cli import main\n"
        f"assert main(['tm', 'import', {str(tmx)!r}, '--tm', {str(tmp_path / 'tm.sqlite')!r}, '-q']) == 0\n"
        "print(sorted(m for m in ('torch', 'transformers', 'ctranslate2') if m in sys.modules))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"


def test_the_demo_model_says_its_english_is_nonsense_where_users_look(first_run, tiny_model):
    """The builder's message, the config it writes, one CLI warning per run, and the review page and TMX made with it."""
    import json

    from translate.translation.source import DEMO_NOTE

    built = (tiny_model.parent / "make_tiny_model.stderr").read_text(encoding="utf-8")
    assert "nonsense by design" in built
    assert json.loads((tiny_model / "config.json").read_text(encoding="utf-8"))["tarjama_demo"] is True
    tm, tmp, _ = first_run
    proc = tarjama("translate", str(ARTICLE), "--model", str(tiny_model), "--no-tm", "-o", str(tmp / "demo"))
    assert proc.returncode == 0, proc.stderr
    warnings = [line for line in proc.stderr.splitlines() if line.startswith("tarjama: warning: ")]
    assert warnings == [f"tarjama: warning: {tiny_model}: {DEMO_NOTE}"], proc.stderr
    page = (tmp / "demo" / "article.ar.html").read_text(encoding="utf-8")
    assert f'<p class="model-note" role="note"><strong>Note:</strong> {DEMO_NOTE}</p>' in page
    header = etree.parse(str(tmp / "demo" / "article.ar.tmx")).getroot().find("header")
    assert {p.get("type"): p.text for p in header.findall("prop")}["x-tarjama-model-note"] == DEMO_NOTE


def test_a_model_without_the_demo_marker_gets_no_note(tiny_model, tmp_path):
    """The note is the marker's, not the path's: the same weights without it are a plain local model."""
    import json
    import shutil

    plain = tmp_path / "plain"
    shutil.copytree(tiny_model, plain)
    config = json.loads((plain / "config.json").read_text(encoding="utf-8"))
    del config["tarjama_demo"]
    (plain / "config.json").write_text(json.dumps(config), encoding="utf-8")
    proc = tarjama("translate", str(ARTICLE), "--model", str(plain), "--no-tm", "--backend", "transformers", "-o", str(tmp_path / "out"), "--to", "html")
    assert proc.returncode == 0, proc.stderr
    assert "warning" not in proc.stderr and "nonsense" not in (tmp_path / "out" / "article.ar.html").read_text(encoding="utf-8")
