"""End-to-end tests of the ``tarjama`` command, run as a user runs it: in a subprocess."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
ARTICLE = FIXTURES / "article.ar.txt"
ARABIC_WORD = re.compile(r"[\u0600-\u06FF]+")


def tarjama(*args: str, stdin: bytes | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "translate", *args], input=stdin, capture_output=True, cwd=cwd, timeout=600
    )


class _Html(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def parse_html(path: Path) -> _Html:
    parser = _Html()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def check_translation_outputs(outdir: Path, stem: str, source_text: str, validate_tmx) -> None:
    """What every translated article must satisfy, whatever the (nonsense) wording."""
    draft, tmx, page = outdir / f"{stem}.en.txt", outdir / f"{stem}.tmx", outdir / f"{stem}.html"
    assert draft.is_file() and tmx.is_file() and page.is_file()
    assert not list(outdir.glob("*.part")) and [p.name for p in outdir.glob(".*")] == [".tarjama-outputs"], "no temporary file, the ledger"

    root = validate_tmx(tmx)
    header = root.find("header")
    assert header.get("srclang") == "ar" and header.get("datatype") == "plaintext" and header.get("segtype") == "sentence"
    assert re.fullmatch(r"\d{8}T\d{6}Z", header.get("creationdate"))
    props = {p.get("type"): p.text for p in header.findall("prop")}
    assert props["x-tarjama-model-revision"].startswith("sha256:")
    units = root.findall("body/tu")
    arabic_segs = [tu.find("tuv[@{http://www.w3.org/XML/1998/namespace}lang='ar']/seg").text for tu in units]
    tmx_words = {w for seg in arabic_segs for w in ARABIC_WORD.findall(seg)}
    assert set(ARABIC_WORD.findall(source_text)) <= tmx_words, "every Arabic word of the input reaches the TMX"
    assert "".join("".join(arabic_segs).split()) == "".join(source_text.split()), "no character is lost"

    paragraphs = [line.strip() for line in source_text.splitlines() if line.strip()]
    lines = draft.read_text(encoding="utf-8").split("\n")
    assert lines[-1] == "" and lines[1::2][:-1] == [""] * (len(paragraphs) - 1), "one line per paragraph, blank lines between"
    assert len([l for l in lines if l]) == len(paragraphs)

    html = parse_html(page)
    assert not any(tag == "script" for tag, _ in html.tags)
    assert not any(tag == "html" and "dir" in attrs for tag, attrs in html.tags)
    cells = [attrs for tag, attrs in html.tags if tag == "td" and attrs.get("lang") in ("ar", "en")]
    assert {(c["lang"], c["dir"]) for c in cells} == {("ar", "rtl"), ("en", "ltr")}
    assert sum(1 for c in cells if c["lang"] == "ar") == len(units)


def test_translate_handwritten_article(tiny_model, tmp_path, validate_tmx):
    proc = tarjama("translate", str(ARTICLE), "--model", str(tiny_model), "-o", str(tmp_path / "out"))
    assert proc.returncode == 0, proc.stderr.decode()
    source = ARTICLE.read_text(encoding="utf-8")
    check_translation_outputs(tmp_path / "out", "article.ar", source, validate_tmx)
    text = "".join(parse_html(tmp_path / "out" / "article.ar.html").text)
    assert '<script>alert("x")</script>' in text and "الأرقام & النسب" in text
    tmx = (tmp_path / "out" / "article.ar.tmx").read_text(encoding="utf-8")
    assert "&lt;script&gt;" in tmx and "&amp; النسب" in tmx
    # the caption and subheadings are their own paragraphs in the draft
    draft = (tmp_path / "out" / "article.ar.en.txt").read_text(encoding="utf-8")
    assert len(draft.strip().split("\n\n")) == 10


def ntrex_article(ids: list[str], lines: list[str], doc_id: str) -> str:
    body = [line for i, line in zip(ids, lines) if i == doc_id]
    return "\n\n".join(body) + "\n"


@pytest.mark.parametrize("origin", ["fixture", "shared"])
def test_translate_whole_ntrex_document(origin, tiny_model, tmp_path, shared, validate_tmx):
    if origin == "fixture":
        text = "\n\n".join((FIXTURES / "ntrex" / "bbc.381790.ar.txt").read_text(encoding="utf-8").splitlines()) + "\n"
    else:
        ids = shared("ntrex128/DOCUMENT_IDS.tsv").read_text(encoding="utf-8").splitlines()
        lines = shared("ntrex128/newstest2019-ref.arb.txt").read_text(encoding="utf-8").splitlines()
        text = ntrex_article(ids, lines, "nytimes.184853")
    source = tmp_path / "doc.ar.txt"
    source.write_text(text, encoding="utf-8")
    proc = tarjama("translate", str(source), "--model", str(tiny_model), "-o", str(tmp_path / "out"))
    assert proc.returncode == 0, proc.stderr.decode()
    check_translation_outputs(tmp_path / "out", "doc.ar", text, validate_tmx)


def test_translate_stdin_and_chosen_formats(tiny_model, tmp_path):
    proc = tarjama("translate", "-", "--model", str(tiny_model), "-o", str(tmp_path), "--to", "tmx,tsv", "-q", stdin="مرحبا بكم. شكرا لكم.\n".encode())
    assert proc.returncode == 0, proc.stderr.decode()
    assert proc.stderr == b""
    assert sorted(p.name for p in tmp_path.iterdir()) == [".tarjama-outputs", "stdin.tmx", "stdin.tsv"], "the outputs and their ledger"
    rows = (tmp_path / "stdin.tsv").read_text(encoding="utf-8").splitlines()
    assert [r.split("\t")[0] for r in rows] == ["مرحبا بكم.", "شكرا لكم."]


@pytest.fixture
def bad_inputs(tmp_path: Path) -> dict[str, Path]:
    files = {
        "empty": b"  \n\n",
        "invalid-utf8": "مرحبا".encode() + b"\xc3\x28 bad\n",
        "binary": bytes(range(256)) * 4,
    }
    paths = {}
    for name, data in files.items():
        paths[name] = tmp_path / f"{name}.txt"
        paths[name].write_bytes(data)
    paths["missing"] = tmp_path / "missing.txt"
    return paths


@pytest.mark.parametrize(
    ("case", "message"),
    [("missing", "no such file"), ("empty", "empty"), ("invalid-utf8", "not valid UTF-8"), ("binary", "binary")],
)
def test_bad_input_gives_one_line_and_exit_2(case, message, bad_inputs, tiny_model, tmp_path):
    outdir = tmp_path / "out"
    good = ARTICLE  # a good file beside the bad one: nothing at all is written
    proc = tarjama("translate", str(good), str(bad_inputs[case]), "--model", str(tiny_model), "-o", str(outdir))
    assert proc.returncode == 2
    err = proc.stderr.decode().strip()
    assert len(err.splitlines()) == 1 and err.startswith("tarjama: error: ") and message in err, err
    assert not outdir.exists()


@pytest.mark.parametrize("model", ["./no/such/model-dir", "Helsinki-NLP/opus-mt-ar-en"])
def test_missing_model_gives_one_line_and_exit_2(model, tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")  # a hub that cannot be reached, as on these machines
    proc = tarjama("translate", str(ARTICLE), "--model", model, "-o", str(tmp_path / "out"))
    assert proc.returncode == 2
    err = proc.stderr.decode().strip()
    assert len(err.splitlines()) == 1 and "--model DIR" in err, err
    assert not (tmp_path / "out").exists()


def test_no_arguments_shows_the_help_on_stderr_and_exits_2():
    proc = tarjama()
    assert proc.returncode == 2 and proc.stdout == b""
    err = proc.stderr.decode()
    assert err.startswith("usage: tarjama") and "COMMAND" in err
    for command in ("translate", "segment", "align", "check", "tm", "evaluate", "validate"):
        assert f"    {command} " in err, command


def test_unknown_model_name_lists_the_presets(tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")
    for model in ("foo", "someone/no-such-model", "./no/such/dir"):
        proc = tarjama("translate", str(ARTICLE), "--model", model, "-o", str(tmp_path / "out"))
        err = proc.stderr.decode().strip()
        assert proc.returncode == 2 and len(err.splitlines()) == 1 and err.startswith("tarjama: error: "), err
        assert "quality = Helsinki-NLP/opus-mt-tc-big-ar-en" in err and "fast = Helsinki-NLP/opus-mt-ar-en" in err, err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    "args",
    [["translate"], ["translate", str(ARTICLE), "--to", "pdf"], ["segment", str(ARTICLE), "--lang", "fr"], ["frobnicate"]],
)
def test_bad_usage_gives_one_line_and_exit_2(args):
    proc = tarjama(*args)
    assert proc.returncode == 2
    err = proc.stderr.decode().strip()
    assert len(err.splitlines()) == 1 and err.startswith("tarjama: error: "), err


def test_segment_prints_segments_and_blank_lines_between_paragraphs():
    proc = tarjama("segment", str(ARTICLE))
    assert proc.returncode == 0, proc.stderr.decode()
    out = proc.stdout.decode()
    paragraphs = out.rstrip("\n").split("\n\n")
    assert len(paragraphs) == 10
    assert paragraphs[3] == "صورة"
    assert paragraphs[0] == "روسيا تعلن استعادة السيطرة على منطقة كورسك"
    assert paragraphs[4].split("\n") == [
        'أعلنت وزارة الدفاع الروسية يوم السبت أن قواتها أكملت "تحرير كورسك بالكامل".',
        "وتعد هذه المنطقة من أهم المناطق الحدودية في البلاد.",
    ]


@pytest.mark.parametrize("command", ["segment", "evaluate"])
def test_segment_and_evaluate_do_not_import_torch(command, tmp_path):
    hyp = tmp_path / "hyp.txt"
    hyp.write_text("a cat sat on the mat\n", encoding="utf-8")
    argv = ["segment", str(ARTICLE)] if command == "segment" else ["evaluate", str(hyp), str(hyp)]
    code = (
        "import sys\nfrom translate.cli import main\n"
        f"rc = main({argv!r})\n"
        "heavy = sorted(m for m in ('torch', 'transformers') if m in sys.modules)\n"
        "assert rc == 0 and not heavy, (rc, heavy)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=120)
    assert proc.returncode == 0, proc.stderr.decode()


def test_evaluate_reports_published_bleu(shared):
    hyp = shared("mt-outputs/opus-mt-ar-en.flores101-devtest.en")
    ref = shared("flores101-devtest/flores101-devtest.eng")
    proc = tarjama("evaluate", str(hyp), str(ref))
    assert proc.returncode == 0, proc.stderr.decode()
    out = proc.stdout.decode()
    assert out.startswith("BLEU = 33.97") and "nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:" in out
    assert "chrF2 = 61.03" in out
    proc = tarjama("evaluate", str(hyp), str(ref), "--json")
    scores = {s["metric"]: s["score"] for s in json.loads(proc.stdout)}
    assert scores == {"BLEU": 33.97, "chrF2": 61.03}


def test_evaluate_refuses_misaligned_files(tmp_path):
    (tmp_path / "h").write_text("a\nb\n", encoding="utf-8")
    (tmp_path / "r").write_text("a\n", encoding="utf-8")
    proc = tarjama("evaluate", str(tmp_path / "h"), str(tmp_path / "r"))
    assert proc.returncode == 2 and b"line-aligned" in proc.stderr


def test_align_presegmented_ntrex_document(tmp_path, validate_tmx):
    ar, en = FIXTURES / "ntrex" / "bbc.381790.ar.txt", FIXTURES / "ntrex" / "bbc.381790.en.txt"
    lines_en = en.read_text(encoding="utf-8").splitlines()
    merged = tmp_path / "merged.en.txt"
    merged.write_text("\n".join(lines_en[:5] + [lines_en[5] + " " + lines_en[6]] + lines_en[7:]) + "\n", encoding="utf-8")
    proc = tarjama("align", str(ar), str(merged), "--presegmented", "-o", str(tmp_path / "out"), "--min-score", "0")
    assert proc.returncode == 0, proc.stderr.decode()
    rows = (tmp_path / "out" / "bbc.381790.ar.tsv").read_text(encoding="utf-8").splitlines()
    lines_ar = ar.read_text(encoding="utf-8").splitlines()
    assert rows[5] == f"{lines_ar[5]} {lines_ar[6]}\t{lines_en[5]} {lines_en[6]}"
    assert [r.split("\t") for r in rows[:5]] == [[a, e] for a, e in zip(lines_ar[:5], lines_en[:5])]
    assert len(rows) == len(lines_ar) - 1
    root = validate_tmx(tmp_path / "out" / "bbc.381790.ar.tmx")
    assert len(root.findall("body/tu")) == len(rows)
    assert (tmp_path / "out" / "bbc.381790.ar.html").is_file()
    assert b"15 beads" in proc.stderr


def test_align_min_score_keeps_the_tmx_to_pairs_scoring_enough(tmp_path, validate_tmx):
    """--min-score: the TMX keeps only pairs scoring S or more; the TSV and the review page keep every pair and mark the others."""
    ar, en = FIXTURES / "ntrex" / "bbc.381790.ar.txt", FIXTURES / "ntrex" / "bbc.381790.en.txt"
    english = en.read_text(encoding="utf-8").splitlines()
    target = tmp_path / "en.txt"
    # a byline the Arabic has not, glued by nothing: whatever it is paired with must not reach the TM unnoticed
    target.write_text("\n".join(english[:4] + ["By Sarah Jones, BBC News"] + english[4:]) + "\n", encoding="utf-8")
    proc = tarjama("align", str(ar), str(target), "--presegmented", "-o", str(tmp_path / "out"), "--min-score", "0.45")
    assert proc.returncode == 0, proc.stderr.decode()
    rows = [r.split("\t") for r in (tmp_path / "out" / "bbc.381790.ar.tsv").read_text(encoding="utf-8").splitlines()]
    assert all(len(r) == 4 for r in rows)
    scored = [(float(r[2]), r[3]) for r in rows if r[2]]
    assert {mark for score, mark in scored if score < 0.45} == {"left out"} and {mark for score, mark in scored if score >= 0.45} == {""}
    kept = sum(1 for score, _ in scored if score >= 0.45)
    assert 0 < kept < len(scored)
    root = validate_tmx(tmp_path / "out" / "bbc.381790.ar.tmx")
    assert len(root.findall("body/tu")) == kept
    assert any(p.get("type") == "x-tarjama-min-score" and p.text.startswith("0.45 ") for p in root.findall("header/prop"))
    page = (tmp_path / "out" / "bbc.381790.ar.html").read_text(encoding="utf-8")
    assert page.count('class="left-out"') + page.count(' left-out"') == len(scored) - kept
    assert f"{len(scored) - kept} left out of the TMX (score below 0.45)" in page
    # the default is the documented one; a score outside 0..1 is one error line and exit 2
    assert b"0.27" in tarjama("align", "--help").stdout
    bad = tarjama("align", str(ar), str(target), "--min-score", "1.5", "-o", str(tmp_path / "bad"))
    assert bad.returncode == 2 and bad.stderr.decode().count("\n") == 1 and "between 0 and 1" in bad.stderr.decode()


def test_check_flags_a_real_degenerate_line_and_prints_a_summary(tmp_path):
    qa = FIXTURES / "qa"
    source = tmp_path / "src.ar.txt"
    target = tmp_path / "mt.en.txt"
    source.write_text("قال إن 86% من السكان غادروا.\n" + (qa / "tico19-1315.ar.txt").read_text(encoding="utf-8") + "أصيب ٤٣٠ شخصا.\n", encoding="utf-8")
    target.write_text("He said 86% of the population had left.\n" + (qa / "tico19-1315.mt.en.txt").read_text(encoding="utf-8") + "43 people were injured.\n", encoding="utf-8")
    proc = tarjama("check", str(source), str(target), "-o", str(tmp_path / "out"), "--to", "tsv")
    assert proc.returncode == 0, proc.stderr.decode()
    lines = proc.stdout.decode().splitlines()
    assert [line.split("\t")[0] for line in lines] == ["2", "3"]
    assert "repetition" in lines[0] and lines[1] == "3\tnumbers: missing 430; extra 43"
    assert proc.stderr.decode().strip() == "2 segments flagged: 2 numbers, 1 length, 1 repetition"
    rows = (tmp_path / "out" / "src.ar.tsv").read_text(encoding="utf-8").splitlines()
    assert [len(r.split("\t")) for r in rows] == [3, 3, 3] and rows[0].endswith("\t")


def test_check_refuses_files_of_different_length(tmp_path):
    (tmp_path / "a").write_text("أ\nب\n", encoding="utf-8")
    (tmp_path / "b").write_text("a\n", encoding="utf-8")
    proc = tarjama("check", str(tmp_path / "a"), str(tmp_path / "b"))
    assert proc.returncode == 2 and b"line-aligned" in proc.stderr


def test_translate_with_glossary_enforces_and_flags_in_the_tsvs_third_column(tiny_model, tmp_path):
    glossary = tmp_path / "terms.tsv"
    glossary.write_text("منطقة كورسك\tKursk region\n", encoding="utf-8")
    proc = tarjama("translate", str(ARTICLE), "--model", str(tiny_model), "-o", str(tmp_path), "--to", "tsv,tmx", "--glossary", str(glossary))
    assert proc.returncode == 0, proc.stderr.decode()
    rows = [r.split("\t") for r in (tmp_path / "article.ar.tsv").read_text(encoding="utf-8").splitlines()]
    assert all(len(r) == 4 for r in rows), "source, target, flags, confidence"
    assert all(0 <= float(r[3]) <= 1 for r in rows)
    # the tiny model's nonsense never says "Kursk region": the term is enforced in the three title lines,
    # which carry the term flag, and the check afterwards finds nothing missing
    assert all("Kursk region" in r[1] and "term: Kursk region" in r[2] and "glossary" not in r[2] for r in rows[:3])
    summary_line = proc.stderr.decode().strip().splitlines()[-1]
    assert re.search(r"article\.ar\.txt: \d+ segments? flagged", summary_line) and "glossary" not in summary_line, summary_line
    tmx = (tmp_path / "article.ar.tmx").read_text(encoding="utf-8")
    assert '<prop type="x-flags">' in tmx and "x-tarjama-qa" in tmx


def test_bad_glossary_gives_one_line_and_exit_2(tiny_model, tmp_path):
    glossary = tmp_path / "terms.tsv"
    glossary.write_text("only-one-column\n", encoding="utf-8")
    proc = tarjama("translate", str(ARTICLE), "--model", str(tiny_model), "-o", str(tmp_path / "out"), "--glossary", str(glossary))
    assert proc.returncode == 2
    assert proc.stderr.decode().strip() == "tarjama: error: terms.tsv:1: expected 'arabic<TAB>english[<TAB>dnt]'"
    assert not (tmp_path / "out").exists()


def test_post_editing_workflow_aligns_with_our_mt_as_bridge(tmp_path, tiny_model, validate_tmx):
    """translate → the translator edits the draft → align the original with the final English, --mt NAME.tmx."""
    ar = FIXTURES / "ntrex" / "bbc.381790.ar.txt"
    proc = tarjama("translate", str(ar), "--model", str(tiny_model), "-o", str(tmp_path / "mt"), "--to", "tmx,txt", "--device", "cpu")
    assert proc.returncode == 0, proc.stderr.decode()
    final = tmp_path / "final.en.txt"  # the translator's English (here NTREX's), two sentences joined
    lines_en = (FIXTURES / "ntrex" / "bbc.381790.en.txt").read_text(encoding="utf-8").splitlines()
    final.write_text("\n".join(lines_en[:3] + [lines_en[3] + " " + lines_en[4]] + lines_en[5:]) + "\n", encoding="utf-8")
    proc = tarjama("align", str(ar), str(final), "--presegmented", "--mt", str(tmp_path / "mt" / "bbc.381790.ar.tmx"), "-o", str(tmp_path / "out"))
    assert proc.returncode == 0, proc.stderr.decode()
    assert b"15 beads from 16 Arabic and 15 English segments; 0 Arabic and 0 English without counterpart" in proc.stderr
    root = validate_tmx(tmp_path / "out" / "bbc.381790.ar.tmx")
    props = {p.get("type"): p.text for p in root.findall("header/prop")}
    assert "mt-bridge=bbc.381790.ar.tmx (16 of 16 segments)" in props["x-tarjama-aligner"]
    kinds = [u.find("prop[@type='x-bead']").text for u in root.findall("body/tu")]
    assert kinds == ["1-1"] * 3 + ["2-1"] + ["1-1"] * 11
    # a missing MT file is a one-line error
    proc = tarjama("align", str(ar), str(final), "--mt", str(tmp_path / "nope.tmx"))
    assert proc.returncode == 2 and proc.stderr.count(b"\n") == 1


def _page(tmp_path: Path, name: str, lang: str, heading: str, paragraphs: list[str]) -> Path:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    path = tmp_path / name
    path.write_text(
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>t</title><script>var x = "<p>no</p>";</script>'
        f"<style>p{{color:red}}</style></head><body><nav><a href='/'>home</a></nav><article><h1>{heading}</h1>{body}</article></body></html>",
        encoding="utf-8",
    )
    return path


AR_PARAGRAPHS = ["أعلنت الوزارة يوم السبت أن العمل اكتمل. وقال المتحدث إن النتائج جيدة.", "قال الأستاذ إن 86% من السكان غادروا المنطقة."]
EN_PARAGRAPHS = ["The ministry announced on Saturday that the work was complete. The spokesman said the results were good.", "The professor said 86% of the population had left the area."]


def test_segment_reads_a_web_page_as_translate_does(tmp_path):
    """Through its filter: every text NAME.en.html translates (the navigation too, docs/formatted.md), never markup."""
    from translate.inputs import InputFile
    from translate.jobs.translate import read_input

    page = _page(tmp_path, "page.html", "ar", "عنوان الخبر", AR_PARAGRAPHS)
    proc = tarjama("segment", str(page))
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout.decode()
    assert "<" not in out and "color" not in out and "var x" not in out, out
    expected = "\n".join("\n".join(s.text for s in p.segments) + "\n" for p in read_input(InputFile(str(page), "page"), "ar").paragraphs)
    assert out == expected and "عنوان الخبر\n\nأعلنت الوزارة يوم السبت أن العمل اكتمل.\nوقال المتحدث" in out


def test_segment_reads_a_word_document(tmp_path):
    docx = pytest.importorskip("docx")
    made = docx.Document()
    made.add_heading("عنوان الخبر", level=1)
    for paragraph in AR_PARAGRAPHS:
        made.add_paragraph(paragraph)
    path = tmp_path / "article.docx"
    made.save(str(path))
    proc = tarjama("segment", str(path))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.decode().splitlines()[:3] == ["عنوان الخبر", "", "أعلنت الوزارة يوم السبت أن العمل اكتمل."]


def test_align_reads_the_article_of_web_pages(tmp_path):
    """Aligning builds memory from the article (trafilatura's reading), not from the navigation a formatted page translates."""
    source = _page(tmp_path, "ar.html", "ar", "عنوان الخبر", AR_PARAGRAPHS)
    target = _page(tmp_path, "en.html", "en", "The headline", EN_PARAGRAPHS)
    proc = tarjama("align", str(source), str(target), "-o", str(tmp_path / "out"), "--to", "tsv", "--min-score", "0")
    assert proc.returncode == 0, proc.stderr
    rows = (tmp_path / "out" / "ar.tsv").read_text(encoding="utf-8").splitlines()
    assert "<" not in "".join(rows) and len(rows) == 4, rows
    assert rows[0] == "عنوان الخبر\tThe headline"
    # With --min-score 0 (every pair kept) the align TSV is a plain pair file, as CAT tools import it: two
    # columns, no score (that is in the TMX x-score); with a threshold it adds the score and the mark.
    assert all(row.count("\t") == 1 for row in rows), rows


@pytest.mark.parametrize("command", [["check"], ["evaluate"], ["align", "--presegmented"]])
def test_line_aligned_commands_refuse_a_web_page_in_one_line(command, tmp_path):
    page = _page(tmp_path, "page.html", "ar", "عنوان", AR_PARAGRAPHS)
    text = tmp_path / "lines.txt"
    text.write_text("one\ntwo\n", encoding="utf-8")
    # check reads a web page as its article, as translate does (test_cli_inputs.py), but not as the translation
    files = [str(text), str(page)] if command[0] == "check" else [str(page), str(text)]
    proc = tarjama(*command, *files, *(["-o", str(tmp_path / "out")] if command[0] == "align" else []))
    err = proc.stderr.decode().strip()
    assert proc.returncode == 2 and len(err.splitlines()) == 1 and "is a web page" in err and "one segment per line" in err, err


def test_batch_table_tells_human_matches_from_stored_machine_translations():
    from translate.batch import DocumentReport, summary_table

    table = summary_table([
        DocumentReport("a.txt", (), segments=10, human=3, stored=5, new=2, flagged=1, seconds=1.25, qa=""),
        DocumentReport("sub/b.html", (), segments=4, human=0, stored=0, new=4, flagged=4, seconds=2.0, qa=""),
    ])
    lines = table.splitlines()
    assert lines[0].split() == ["file", "segments", "human", "TM", "stored", "MT", "new", "MT", "flagged", "seconds"]
    assert lines[2].split() == ["a.txt", "10", "3", "5", "2", "1", "1.2"]
    assert lines[-1].split() == ["total", "14", "3", "5", "6", "5", "3.2"]
    assert len({len(line) for line in lines}) == 1, "columns line up"


def test_the_documented_evaluate_example_runs_from_a_fresh_clone():
    """The docs' evaluate example uses the fixtures shipped with the repository, not ../shared."""
    flores = ROOT / "tests" / "fixtures" / "flores"
    proc = tarjama("evaluate", str(flores / "encephalitis.mt.en.txt"), str(flores / "encephalitis.en.txt"))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.decode().splitlines() == [
        "BLEU = 38.99  (nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0)",
        "chrF2 = 68.45  (nrefs:1|case:mixed|eff:yes|nc:6|nw:0|space:no|version:2.6.0)",
    ]


def test_an_internal_error_has_its_own_exit_status(monkeypatch, capsys):
    """A defect of tarjama exits 70, never 1 (validate's "invalid file") or 2 (the user's mistake)."""
    from translate import cli

    def broken(args):
        raise RuntimeError("a defect\nover two lines")

    monkeypatch.setitem(cli.COMMANDS, "segment", broken)
    assert cli.main(["segment", "-"]) == cli.EXIT_INTERNAL == 70
    err = capsys.readouterr().err.strip()
    assert err.splitlines() == ["tarjama: error: internal error (RuntimeError: a defect over two lines); rerun with TARJAMA_DEBUG=1 and report it"]
