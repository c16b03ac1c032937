"""A termbase enforced while decoding, on the tiny random model: the English term must be in the draft.

The model's words are nonsense by design; what is checked is the engine's
behaviour: every term occurrence gets its English, a segment without a term is
byte-identical to a run without the termbase, and the memory keys what the
termbase changed.  Float32, so that batch composition cannot change an output.
"""

from __future__ import annotations

import pytest

from translate.settings import DecodingSettings
from translate.terminology import parse_glossary
from translate.translation import load_translator
from translate.translation.memory import TranslationMemory
from translate.translation.terms import missing, needs_in, signature

TERMS = "الأمم المتحدة\tUnited Nations\nلقاح\tvaccine\nأرامكو\tAramco\tdnt\nمنظمة الصحة العالمية\tWorld Health Organization\n"
GLOSSARY = parse_glossary(TERMS, "team.tsv")
SENTENCES = [
    "قالت الأمم المتحدة إن الوضع خطير.",
    "هذا نص بلا مصطلحات.",
    "أعلنت أرامكو أن اللقاح وصل إلى منظمة الصحة العالمية.",
    "ودعا الأمين العام للأمم المتحدة والأمم المتحدة إلى الهدوء.",
    "وكتب المراسل تقريرا طويلا عن الطقس.",
]


def settings(backend: str = "ctranslate2") -> DecodingSettings:
    return DecodingSettings(device="cpu", backend=backend, compute_type="float32")  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def runs(tiny_model):
    free = load_translator(str(tiny_model), settings()).translate_segments(SENTENCES)
    enforced = load_translator(str(tiny_model), settings(), glossary=GLOSSARY)
    return free, enforced.translate_segments(SENTENCES), enforced


def test_every_term_occurrence_has_its_english(runs):
    _, translations, translator = runs
    for sentence, translation in zip(SENTENCES, translations):
        assert missing(translation.text, needs_in(GLOSSARY, sentence)) == [], (sentence, translation.text)
    assert sum(translator.enforcement.stages.values()) == 1 + 3 + 2  # every occurrence counted by the stage that gave it
    assert translations[3].text.count("United Nations") >= 2  # twice in the source: twice in the draft


def test_segments_without_a_term_are_byte_identical_to_the_free_run(runs):
    free, translations, _ = runs
    for index in (1, 4):
        assert (translations[index].text, translations[index].flags) == (free[index].text, free[index].flags)
        # The score is computed in another scoring batch: equal to float32 rounding.
        assert translations[index].confidence == pytest.approx(free[index].confidence, rel=1e-5)
    assert all("term" not in {f.name for f in t.flags} for t in (translations[1], translations[4]))
    assert [f.detail for f in translations[2].flags if f.name == "term"] == ["Aramco | vaccine | World Health Organization"]


def test_the_termbase_is_in_the_provenance(runs):
    assert runs[2].decoding.endswith(f"termbase=team.tsv sha256:{GLOSSARY.digest[:12]} terms=4 enforced")


def test_a_term_starting_the_sentence_is_capitalised(tiny_model):
    translator = load_translator(str(tiny_model), settings(), glossary=GLOSSARY)
    (translation,) = translator.translate_segments(["لقاح جديد وصل اليوم إلى المدينة."])
    assert translation.text.startswith("Vaccine"), translation.text


def test_the_transformers_backend_enforces_too(tiny_model):
    translator = load_translator(str(tiny_model), settings("transformers"), glossary=GLOSSARY)
    (translation,) = translator.translate_segments(["قالت الأمم المتحدة ذلك."])
    assert "United Nations" in translation.text


def test_a_memory_filled_without_the_termbase_never_undoes_it(tiny_model, tmp_path):
    with TranslationMemory(tmp_path / "tm.sqlite") as memory:
        free = load_translator(str(tiny_model), settings(), memory=memory).translate_segments(SENTENCES)
        enforced = load_translator(str(tiny_model), settings(), memory=memory, glossary=GLOSSARY).translate_segments(SENTENCES)
        assert [t.from_memory for t in enforced] == [False, True, False, False, True]  # only term segments decoded again
        assert [t.text for t in enforced][1::3] == [t.text for t in free][1::3]
        again = load_translator(str(tiny_model), settings(), memory=memory, glossary=GLOSSARY).translate_segments(SENTENCES)
        assert [t.text for t in again] == [t.text for t in enforced] and all(t.from_memory for t in again)
        # One term changed: only the segment that has it is decoded again.
        changed = parse_glossary(TERMS.replace("vaccine", "jab"), "team.tsv")
        third = load_translator(str(tiny_model), settings(), memory=memory, glossary=changed).translate_segments(SENTENCES)
        assert [t.from_memory for t in third] == [True, True, False, True, True]
        assert "jab" in third[2].text


def test_the_memory_key_part_is_the_terms_a_segment_has():
    assert signature(needs_in(GLOSSARY, SENTENCES[1])) == ""
    first, third = (signature(needs_in(GLOSSARY, s)) for s in (SENTENCES[0], SENTENCES[3]))
    assert first and third and first != third  # United Nations once, twice
    other = parse_glossary(TERMS.replace("vaccine", "jab"), "other.csv")
    assert signature(needs_in(other, SENTENCES[0])) == first  # a term it does not have changes nothing


# -- the command line ---------------------------------------------------------------------------

TBX = """<?xml version="1.0" encoding="UTF-8"?>
<martif type="TBX-Basic" xml:lang="en"><text><body>
<termEntry id="1"><langSet xml:lang="ar"><tig><term>الأمم المتحدة</term></tig></langSet>
  <langSet xml:lang="en"><tig><term>United Nations</term></tig></langSet></termEntry>
<termEntry id="2"><langSet xml:lang="ar"><tig><term>لقاح</term></tig></langSet>
  <langSet xml:lang="en"><tig><term>vaccine</term></tig></langSet></termEntry>
</body></text></martif>
"""


def tarjama(*args: str):
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    return subprocess.run([sys.executable, "-m", "translate", *args], capture_output=True, text=True, cwd=root, timeout=600)


def test_tbx_and_csv_give_the_same_draft_with_the_termbase_in_the_tmx_header(tiny_model, tmp_path):
    article = tmp_path / "news.txt"
    article.write_text("قالت الأمم المتحدة إن اللقاح وصل.\nهذا نص بلا مصطلحات.\n", encoding="utf-8")
    (tmp_path / "team.tbx").write_text(TBX, encoding="utf-8")
    (tmp_path / "team.csv").write_text("ar,en\nالأمم المتحدة,United Nations\nلقاح,vaccine\n", encoding="utf-8")
    drafts = []
    for name in ("team.tbx", "team.csv"):
        out = tmp_path / name.replace(".", "-")
        proc = tarjama("translate", str(article), "--model", str(tiny_model), "--no-tm", "--backend", "ctranslate2", "--compute-type", "float32",
                       "--glossary", str(tmp_path / name), "-o", str(out), "--to", "txt,tmx,html", "-q")
        assert proc.returncode == 0, proc.stderr
        drafts.append((out / "news.en.txt").read_text(encoding="utf-8"))
        header = (out / "news.tmx").read_text(encoding="utf-8").split("<body>")[0]
        assert f"termbase={name} sha256:{GLOSSARY_OF_TBX.digest[:12]} terms=2 enforced" in header
        page = (out / "news.html").read_text(encoding="utf-8")
        assert f"sha256:{GLOSSARY_OF_TBX.digest[:12]}" in page
        assert "term: United Nations | vaccine" in page and "Term enforced" in page  # the row's flag, and its legend
        assert '<mark class="term" title="term enforced">United Nations</mark>' in page
    assert drafts[0] == drafts[1]
    assert "United Nations" in drafts[0] and "vaccine" in drafts[0].lower()


GLOSSARY_OF_TBX = parse_glossary("الأمم المتحدة\tUnited Nations\nلقاح\tvaccine\n")


def test_a_damaged_termbase_is_one_line_exit_2_and_nothing_written(tiny_model, tmp_path):
    article = tmp_path / "news.txt"
    article.write_text("قالت الأمم المتحدة إن اللقاح وصل.\n", encoding="utf-8")
    (tmp_path / "team.tbx").write_text(TBX.replace("</termEntry>\n</body>", "</body>"), encoding="utf-8")
    proc = tarjama("translate", str(article), "--model", str(tiny_model), "--no-tm", "--glossary", str(tmp_path / "team.tbx"), "-o", str(tmp_path / "out"))
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("tarjama: error: ") and "team.tbx" in lines[0], proc.stderr
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_a_folder_decoded_documents_together_keeps_the_termbase_and_its_memory_keys(tiny_model, tmp_path):
    """Found when issue 24's folder path (documents decoded in groups) met issue 22's termbase: after the first
    document, a folder's documents were keyed in the memory without their terms, so a memory filled without the
    termbase brought free translations back, and the enforced ones were stored under the free key."""
    from translate import batch
    from translate.settings import ExportOptions

    inputs = []
    for n in range(4):
        path = tmp_path / "in" / f"doc-{n}.txt"
        path.parent.mkdir(exist_ok=True)
        path.write_text("\n".join(SENTENCES[n:] + SENTENCES[:n]) + "\n", encoding="utf-8")
        inputs.append(str(path))
    with TranslationMemory(tmp_path / "tm.sqlite") as memory:
        load_translator(str(tiny_model), settings(), memory=memory).translate_segments(SENTENCES)  # filled before the termbase
        translator = load_translator(str(tiny_model), settings(), memory=memory, glossary=GLOSSARY)
        job = batch.plan(inputs, tmp_path / "out", ExportOptions(formats=("txt",)), glossary=GLOSSARY)
        reports = list(batch.translate_files(job, translator))
        assert len(reports) == 4
        for n in range(4):
            draft = (tmp_path / "out" / f"doc-{n}.en.txt").read_text(encoding="utf-8")
            assert draft.count("United Nations") >= 3 and "vaccine" in draft.lower() and "Aramco" in draft, (n, draft)
        # and the free run after it is served free translations, never the enforced ones
        free = load_translator(str(tiny_model), settings(), memory=memory).translate_segments(SENTENCES)
        assert not any("United Nations" in t.text for t in free)
