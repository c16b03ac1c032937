"""The script check: an English file given as the Arabic source (or the two sides of ``align`` swapped) is refused."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from translate.errors import TarjamaError
from translate.script import MIN_SHARE, check_script, count_scripts

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
ARABIC = sorted(FIXTURES.rglob("*.ar.txt"))
ENGLISH = sorted(FIXTURES.rglob("*.en.txt"))


def test_fixtures_are_there() -> None:
    assert len(ARABIC) >= 4 and len(ENGLISH) >= 4


@pytest.mark.parametrize("path", ARABIC, ids=lambda p: p.name)
def test_real_arabic_articles_pass_as_arabic_and_fail_as_english(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert count_scripts(text).share("ar") >= 0.95  # English names and acronyms included
    check_script(text, "ar", path.name)
    with pytest.raises(TarjamaError, match=rf"{path.name}: given as the English side, but \d+% of its letters are Latin: it looks like Arabic"):
        check_script(text, "en", path.name)


@pytest.mark.parametrize("path", ENGLISH, ids=lambda p: p.name)
def test_real_english_translations_pass_as_english_and_fail_as_arabic(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert count_scripts(text).share("en") >= 0.95
    check_script(text, "en", path.name)
    with pytest.raises(TarjamaError, match=r"given as the Arabic source, but 0% of its letters are Arabic: it looks like English \(Latin script\); .*--no-language-check"):
        check_script(text, "ar", path.name, "the Arabic source")


def test_a_quoting_article_passes_and_a_mostly_foreign_one_does_not() -> None:
    arabic = (FIXTURES / "ntrex" / "bbc.381790.ar.txt").read_text(encoding="utf-8")
    english = (FIXTURES / "ntrex" / "bbc.381790.en.txt").read_text(encoding="utf-8")
    # Arabic with an English quotation of a third of its length still reads as Arabic.
    quoting = arabic + "\n" + english[: len(arabic) // 3]
    assert count_scripts(quoting).share("ar") >= MIN_SHARE
    check_script(quoting, "ar", "q.txt")
    with pytest.raises(TarjamaError, match="looks like English"):
        check_script(english + "\n" + arabic[: len(english) // 5], "ar", "m.txt")


def test_other_scripts_are_named_and_short_texts_are_not_judged() -> None:
    with pytest.raises(TarjamaError, match="Cyrillic 100%"):
        check_script("Министр заявил, что встреча состоится завтра утром в столице.", "ar", "ru.txt")
    check_script("2024-05-06 12:00 — OK", "ar", "numbers.txt")  # too few letters to tell
    check_script("", "en", "empty.txt")


def test_a_huge_text_is_judged_on_an_even_sample_quickly() -> None:
    import time

    arabic = (FIXTURES / "ntrex" / "bbc.381790.ar.txt").read_text(encoding="utf-8")
    english = (FIXTURES / "ntrex" / "bbc.381790.en.txt").read_text(encoding="utf-8")
    text = arabic * 1500 + english * 100  # ~15 MB, the English at the very end
    started = time.monotonic()
    counts = count_scripts(text)
    assert time.monotonic() - started < 5
    assert 0.9 < counts.share("ar") < 0.999, "the sample reaches the end of the text"


def tarjama(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "translate", *args], capture_output=True, text=True, cwd=ROOT, timeout=300, check=False)


def test_cli_refuses_the_wrong_language_before_the_model_loads(tmp_path: Path) -> None:
    ar, en = FIXTURES / "ntrex" / "bbc.381790.ar.txt", FIXTURES / "ntrex" / "bbc.381790.en.txt"
    out = tmp_path / "out"
    # A model that does not exist: the refusal comes first, so it is never looked for.
    proc = tarjama("translate", str(ar), str(en), "--model", str(tmp_path / "no-model"), "-o", str(out))
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1
    assert proc.stderr.startswith(f"tarjama: error: {en}: given as the Arabic source, but 0% of its letters are Arabic: it looks like English")
    proc = tarjama("align", str(en), str(ar), "-o", str(out))
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and f"{en}: given as the Arabic source" in proc.stderr
    proc = tarjama("align", str(ar), str(ar), "-o", str(out))
    assert proc.returncode == 2 and f"{ar}: given as the English translation, but 1% of its letters are Latin: it looks like Arabic" in proc.stderr
    proc = tarjama("check", str(ar), str(ar))
    assert proc.returncode == 2 and "given as the English translation" in proc.stderr
    assert not out.exists()
    # The override, for the rare text that mixes scripts.
    proc = tarjama("check", str(ar), str(ar), "--no-language-check", "-q")
    assert proc.returncode == 0 and "untranslated" in proc.stdout
