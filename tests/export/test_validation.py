"""``tarjama validate``: every problem named with its line, on our files and on broken ones from elsewhere."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from translate.export import get_exporter, with_languages
from translate.model import Alignment
from translate.validation import validate_bytes

ROOT = Path(__file__).resolve().parents[1]

GOOD_TMX = """<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4">
  <header creationtool="Other" creationtoolversion="1" segtype="sentence" o-tmf="x" adminlang="en-US" srclang="ar-SA" datatype="plaintext" creationdate="20240101T000000Z"/>
  <body>
    <tu tuid="a">
      <tuv xml:lang="ar-SA"><seg>مرحبا</seg></tuv>
      <tuv xml:lang="en-US"><seg>Hello</seg></tuv>
    </tu>
  </body>
</tmx>
"""


def problems(text: str | bytes, name: str = "x.tmx") -> list[tuple[int | None, str, str]]:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return [(p.line, p.severity, p.message) for p in validate_bytes(data, name).problems]


def test_our_outputs_are_clean(sample: Alignment) -> None:
    for codes in ((None, None), ("ar-SA", "en-US")):
        labelled = with_languages(sample, *codes)
        assert problems(get_exporter("tmx").render(labelled)) == []
        assert problems(get_exporter("xliff").render(labelled), "x.xlf") == []


def test_a_clean_foreign_tmx_and_utf16() -> None:
    assert problems(GOOD_TMX) == []
    report = validate_bytes(GOOD_TMX.replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16"), "trados.tmx")
    assert report.problems == [] and report.summary == "1 unit, ar-SA → en-US"


@pytest.mark.parametrize(
    ("old", "new", "line", "severity", "fragment"),
    [
        ('datatype="plaintext"', 'datatype="PlainText"', 3, "error", 'datatype="PlainText" must be lowercase: "plaintext"'),
        ('creationdate="20240101T000000Z"', 'creationdate="2024-01-01 00:00"', 3, "error", "YYYYMMDDThhmmssZ"),
        ('creationdate="20240101T000000Z"', 'creationdate="20241301T000000Z"', 3, "error", "YYYYMMDDThhmmssZ"),
        (' srclang="ar-SA"', "", 3, "error", "<header> has no srclang attribute"),
        ('srclang="ar-SA"', 'srclang="ar"', 5, "error", '<tu> has no <tuv> in srclang "ar"'),
        ("<seg>Hello</seg>", "<seg> </seg>", 7, "error", "empty <seg> (en-US)"),
        ("<seg>Hello</seg>", "<seg>" + "x" * 2001 + "</seg>", 7, "warning", "2001 characters: Trados Studio refuses"),
        ('<tuv xml:lang="en-US">', "<tuv>", 7, "error", "not valid against the TMX 1.4 DTD"),
        ("<body>", "<body><tu/>", 4, "error", "not valid against the TMX 1.4 DTD"),
        ("<seg>Hello</seg>", "<seg>Hello &amp; <b>bye</b></seg>", 7, "error", "not valid against the TMX 1.4 DTD"),
        ('segtype="sentence"', 'segtype="Sentence"', 3, "error", "segtype"),
        ("<seg>Hello</seg>", "<seg>Hello</seg></tuv><tuv xml:lang=\"en-US\"><seg>Hi</seg>", 5, "warning", "several <tuv>s in one language (ar-SA, en-US, en-US)"),
    ],
)
def test_tmx_problems_are_named_with_their_line(old, new, line, severity, fragment) -> None:
    assert old in GOOD_TMX
    found = problems(GOOD_TMX.replace(old, new, 1))
    assert any(l == line and s == severity and fragment in m for l, s, m in found), found


def test_more_than_one_language_pair() -> None:
    extra = """    <tu tuid="b">
      <tuv xml:lang="ar"><seg>شكرا</seg></tuv>
      <tuv xml:lang="en"><seg>Thanks</seg></tuv>
    </tu>
  </body>"""
    found = problems(GOOD_TMX.replace("  </body>", extra))
    assert (2, "error") in [(l, s) for l, s, m in found if "4 languages in one file (ar, ar-SA, en, en-US)" in m]
    assert any(l == 9 and 'no <tuv> in srclang "ar-SA"' in m for l, s, m in found)


def test_duplicate_tuid() -> None:
    doubled = GOOD_TMX.replace("  </body>", GOOD_TMX[GOOD_TMX.index("    <tu ") : GOOD_TMX.index("  </body>")] + "  </body>")
    assert any(l == 9 and 'duplicate tuid="a" (first on line 5)' in m for l, s, m in problems(doubled))


def test_not_well_formed_gives_line_and_column() -> None:
    broken = GOOD_TMX.replace("<seg>Hello</seg>", "<seg>Hello & bye</seg>")
    ((line, severity, message),) = problems(broken)
    assert (line, severity) == (7, "error") and message.startswith("not well-formed XML (column")
    bad_char = GOOD_TMX.replace("<seg>Hello</seg>", "<seg>Hello&#1;</seg>")
    assert problems(bad_char)[0][:2] == (7, "error")


def test_internal_entity_in_xliff_is_checked_not_crashed() -> None:
    """A harmless internal DTD entity made the XLIFF schema check crash with XMLSchemaValidateError."""
    xliff = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE xliff [<!ENTITY co "Acme">]>
<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">
<file original="a" source-language="ar" target-language="en" datatype="plaintext"><body>
<trans-unit id="1"><source>مرحبا &co;</source><target>Hello &co;</target></trans-unit>
</body></file></xliff>"""
    report = validate_bytes(xliff.encode("utf-8"), "x.xlf")
    assert report.problems == [] and report.summary == "1 unit, ar → en"
    broken = xliff.replace("<target>", "<target><bogus/>")
    assert any(p.line == 5 and "not valid against the OASIS XLIFF 1.2" in p.message for p in validate_bytes(broken.encode("utf-8"), "x.xlf").problems)


def test_what_import_refuses_is_invalid() -> None:
    """validate called files "valid TMX" that tm import refused: an external entity, UTF-16 bytes declared as UTF-8."""
    xxe = GOOD_TMX.replace("<tmx ", '<!DOCTYPE tmx [<!ENTITY x SYSTEM "file:///etc/hostname">]>\n<tmx ').replace("<seg>Hello</seg>", "<seg>&x;</seg>")
    assert problems(xxe)[0][:2] == (2, "error") and "external entity &x;" in problems(xxe)[0][2]
    ((line, severity, message),) = problems(GOOD_TMX.encode("utf-16"))
    assert (line, severity) == (1, "error") and 'says encoding="UTF-8"' in message


def test_other_files() -> None:
    assert problems(b"", "x.tmx") == [(1, "error", "the file is empty")]
    ((_, _, message),) = problems("<html><body/></html>", "x.tmx")
    assert "not a TMX or XLIFF file: the root element is <html>" in message


def test_xliff_schema_errors_with_lines(sample: Alignment) -> None:
    xliff = get_exporter("xliff").render(sample)
    broken = xliff.replace('state="needs-review-translation"', 'state="mt"', 1)
    line = broken.splitlines().index(next(l for l in broken.splitlines() if 'state="mt"' in l)) + 1
    found = problems(broken, "x.xlf")
    assert found and all(s == "error" for _, s, _ in found)
    assert any(l == line and "XLIFF 1.2 strict schema" in m and "state" in m for l, _, m in found), found
    old = problems('<xliff version="1.1"><file/></xliff>', "x.xlf")
    assert "only 1.2" in old[0][2]


def test_xliff_2() -> None:
    good = """<?xml version="1.0" encoding="UTF-8"?>
<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="ar" trgLang="en">
  <file id="f1">
    <unit id="u1"><segment state="translated"><source>مرحبا</source><target>Hello</target></segment></unit>
  </file>
</xliff>
"""
    assert problems(good, "x.xlf") == []
    found = problems(good.replace('state="translated"', 'state="mt"'), "x.xlf")
    assert found and found[0][0] == 4 and "XLIFF 2.0 core schema" in found[0][2]


def tarjama(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "translate", *args], capture_output=True, text=True, cwd=ROOT, timeout=120)


def test_cli_exit_codes_and_output(sample: Alignment, tmp_path: Path) -> None:
    good = get_exporter("tmx").write(sample, tmp_path, "ours")
    bad = tmp_path / "bad.tmx"
    bad.write_text(GOOD_TMX.replace('datatype="plaintext"', 'datatype="PLAINTEXT"').replace("<seg>Hello</seg>", "<seg></seg>"), encoding="utf-8")

    proc = tarjama("validate", str(good))
    assert proc.returncode == 0 and proc.stdout == f"{good}: valid TMX 1.4 (4 units, ar → en)\n" and proc.stderr == ""

    proc = tarjama("validate", str(good), str(bad))
    assert proc.returncode == 1
    assert proc.stdout.splitlines()[1:] == [
        f'{bad}:3: error: datatype="PLAINTEXT" must be lowercase: "plaintext" (Smartling and others reject other spellings)',
        f"{bad}:7: error: empty <seg> (en-US): some tools refuse the file, others import a unit that matches everything",
        f"{bad}: INVALID TMX 1.4: 2 errors, 0 warnings (1 unit, ar-SA → en-US)",
    ]
    proc = tarjama("validate", "-q", str(good), str(bad))
    assert proc.returncode == 1 and str(good) not in proc.stdout

    proc = tarjama("validate", str(tmp_path / "missing.tmx"))
    assert proc.returncode == 2 and proc.stderr.startswith("tarjama: error: ") and "no such file" in proc.stderr


def test_validate_does_not_import_torch(tmp_path: Path) -> None:
    path = tmp_path / "x.tmx"
    path.write_text(GOOD_TMX, encoding="utf-8")
    code = (
        "import sys; from translate.cli import main; rc = main(['validate', sys.argv[1]]); "
        "assert 'torch' not in sys.modules and 'transformers' not in sys.modules, 'torch was imported'; sys.exit(rc)"
    )
    proc = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 0, proc.stderr
