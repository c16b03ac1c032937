"""Documents: paragraphs from lines, headings, presegmented input, and accuracy on NTREX."""

from __future__ import annotations

import random
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from translate.errors import TarjamaError
from translate.model import Document, ParagraphKind
from translate.segmentation import presegmented_document, segment_document
from translate.segmentation.rules import FINAL_PUNCTUATION

H, B = ParagraphKind.HEADING, ParagraphKind.BODY

TITLE = "زيلينسكي يزور الجبهة في كورسك"

# A scraped article as it comes out of a web page: the title three times (page
# title, og:title, h1), a one-word caption, subheadings, runs of blank lines,
# trailing spaces.
ARTICLE = (
    f"{TITLE}\n"
    f"{TITLE}\n"
    f"{TITLE}   \n"
    "\n"
    "صورة\n"
    "\n\n\n"
    '  أعلن الرئيس الأوكراني أن قواته تواصل "تحرير كورسك بالكامل". وتعد هذه العملية الأكبر منذ عام ٢٠٢٣. \n'
    "\n"
    "ردود الفعل\n"
    'وقال المتحدث باسم الوزارة: "لن نتراجع عن أهدافنا." وأضاف أن 86% من السكان يؤيدون الخطة.\t\n'
    "\n\n"
    "الخطوات التالية\n"
    "يرى د. أحمد علي، أستاذ العلاقات الدولية، أن النتيجة غير مؤكدة؟! وهذا رأيه.\n"
    "قالت الوزارة إن المحادثات مستمرة\n"
    "- ضمان وصول المساعدات\n"
)

EXPECTED = [
    (H, [TITLE]),
    (H, [TITLE]),
    (H, [TITLE]),
    (H, ["صورة"]),
    (B, ['أعلن الرئيس الأوكراني أن قواته تواصل "تحرير كورسك بالكامل".', "وتعد هذه العملية الأكبر منذ عام ٢٠٢٣."]),
    (H, ["ردود الفعل"]),
    (B, ['وقال المتحدث باسم الوزارة: "لن نتراجع عن أهدافنا."', "وأضاف أن 86% من السكان يؤيدون الخطة."]),
    (H, ["الخطوات التالية"]),
    (B, ["يرى د. أحمد علي، أستاذ العلاقات الدولية، أن النتيجة غير مؤكدة؟!", "وهذا رأيه."]),
    (H, ["قالت الوزارة إن المحادثات مستمرة"]),
    (H, ["- ضمان وصول المساعدات"]),
]


def layout(doc: Document) -> list[tuple[ParagraphKind, list[str]]]:
    return [(p.kind, [s.text for s in p.segments]) for p in doc.paragraphs]


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_scraped_article(newline: str) -> None:
    text = ARTICLE.replace("\n", newline)
    doc = segment_document(text, "ar", name="kursk.txt")
    assert layout(doc) == EXPECTED
    assert (doc.lang, doc.name, doc.text) == ("ar", "kursk.txt", text)
    assert [s.id for s in doc.segments] == list(range(len(doc.segments)))
    for index, paragraph in enumerate(doc.paragraphs):
        assert paragraph.index == index
        assert all(s.paragraph == index for s in paragraph.segments)
        # A paragraph is its stripped line.
        assert paragraph.start == paragraph.segments[0].start
        assert paragraph.end == paragraph.segments[-1].end
        assert text[paragraph.start : paragraph.end] == text[paragraph.start : paragraph.end].strip()
        assert newline not in text[paragraph.start : paragraph.end]


def test_paragraph_and_segment_offsets() -> None:
    text = "  عنوان  \n\nالأولى. الثانية؟\n"
    doc = segment_document(text, "ar")
    heading, body = doc.paragraphs
    assert (heading.start, heading.end, heading.kind) == (2, 7, H)
    assert (body.start, body.end, body.kind) == (11, 27, B)
    assert [(s.start, s.end) for s in body.segments] == [(11, 18), (19, 27)]


def test_heading_needs_one_segment_without_final_punctuation() -> None:
    doc = segment_document('عاجل\nقال: "نعم."\nانتهى الاجتماع (بعد ساعتين.)\nأولى. ثانية بلا نقطة\nHello?!\n', "ar")
    assert [p.kind for p in doc.paragraphs] == [H, B, B, B, B]


def test_english_document() -> None:
    text = "U.S. ambassador accuses China\n\nMr. Branstad, the U.S. ambassador, wrote on Sunday. He said it again.\n"
    assert layout(segment_document(text, "en")) == [
        (H, ["U.S. ambassador accuses China"]),
        (B, ["Mr. Branstad, the U.S. ambassador, wrote on Sunday.", "He said it again."]),
    ]


def test_empty_document() -> None:
    assert segment_document("", "ar").paragraphs == ()
    assert segment_document("\n \r\n\t\n", "en").segments == ()
    assert presegmented_document("\n\n", "ar").paragraphs == ()


def test_unsupported_language() -> None:
    for function in (segment_document, presegmented_document):
        with pytest.raises(TarjamaError, match=r"^unsupported language 'de' \(use ar or en\)$"):
            function("x", "de")


def test_presegmented() -> None:
    text = "العنوان\n\n\nالجملة الأولى. ما زالت الأولى.\nالجملة الثانية  \r\n\nقائمة\nبند أخير بلا نقطة\n"
    doc = presegmented_document(text, "ar", name="pre")
    assert doc.name == "pre"
    assert layout(doc) == [
        (H, ["العنوان"]),
        (B, ["الجملة الأولى. ما زالت الأولى.", "الجملة الثانية"]),
        (B, ["قائمة", "بند أخير بلا نقطة"]),
    ]
    second = doc.paragraphs[1]
    assert text[second.start : second.end] == "الجملة الأولى. ما زالت الأولى.\nالجملة الثانية"
    assert [s.id for s in doc.segments] == [0, 1, 2, 3, 4]


@settings(max_examples=300, deadline=None)
@given(
    st.text() | st.text(alphabet=st.sampled_from(list(" \t\n\r\u2028\x0c.!?؟\"»:عد.A1"))),
    st.sampled_from(["ar", "en"]),
    st.sampled_from([segment_document, presegmented_document]),
)
def test_documents_are_lossless(text: str, lang: str, build) -> None:
    doc = build(text, lang)  # Document.__post_init__ checks ids, order and spans
    pos = 0
    for segment in doc.segments:
        assert text[pos : segment.start].strip() == ""
        assert segment.text and segment.text == segment.text.strip()
        pos = segment.end
    assert text[pos:].strip() == ""
    assert "".join("".join(s.text for s in doc.segments).split()) == "".join(text.split())
    for paragraph in doc.paragraphs:
        unpunctuated = len(paragraph.segments) == 1 and not FINAL_PUNCTUATION.search(paragraph.segments[0].text)
        assert paragraph.kind == (H if unpunctuated else B)


def test_import_does_not_load_models() -> None:
    code = "import sys, translate.segmentation; sys.exit(bool({'torch', 'transformers'} & set(sys.modules)))"
    root = Path(__file__).resolve().parents[2]
    assert subprocess.run([sys.executable, "-c", code], cwd=root, check=False).returncode == 0


# --- accuracy on real news ------------------------------------------------------

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
NTREX = DATA / "ntrex128"


def ntrex_articles(side: str) -> list[tuple[str, list[tuple[int, int]]]]:
    """Rebuild NTREX articles as scraped text with the gold sentence spans.

    Headline on its own line, then paragraphs of 1-3 consecutive sentences
    joined by one space; a sentence without final punctuation (a subheading,
    a list item) always ends its paragraph.
    """
    if not NTREX.is_dir():
        pytest.skip("needs ../shared/data")
    lines = (NTREX / side).read_text(encoding="utf-8").splitlines()
    ids = (NTREX / "DOCUMENT_IDS.tsv").read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(ids)
    documents: dict[str, list[str]] = {}
    for doc_id, line in zip(ids, lines):
        documents.setdefault(doc_id.split("\t")[0], []).append(line.strip())
    rng = random.Random(2019)
    articles = []
    for sentences in documents.values():
        paragraphs = [[sentences[0]]]
        current: list[str] = []
        size = 0
        for sentence in sentences[1:]:
            if not current:
                size = rng.randint(1, 3)
            current.append(sentence)
            if len(current) == size or not FINAL_PUNCTUATION.search(sentence):
                paragraphs.append(current)
                current = []
        if current:
            paragraphs.append(current)
        gold = []
        pos = 0
        for paragraph in paragraphs:
            for sentence in paragraph:
                gold.append((pos, pos + len(sentence)))
                pos += len(sentence) + 1
            pos += 1  # one space became a blank line: "\n\n" instead of " "
        text = "\n\n".join(" ".join(p) for p in paragraphs) + "\n"
        assert all(text[s:e] in sentences for s, e in gold)
        articles.append((text, gold))
    return articles


def f1(side: str, lang: str) -> float:
    found = correct = expected = 0
    for text, gold in ntrex_articles(side):
        predicted = {(s.start, s.end) for s in segment_document(text, lang).segments}
        found += len(predicted)
        expected += len(gold)
        correct += len(predicted & set(gold))
    precision, recall = correct / found, correct / expected
    score = 2 * precision * recall / (precision + recall)
    print(f"NTREX {lang}: precision {precision:.4f} recall {recall:.4f} F1 {score:.4f}")
    return score


def test_ntrex_arabic_f1() -> None:
    assert f1("newstest2019-ref.arb.txt", "ar") >= 0.98


def test_ntrex_english_f1() -> None:
    assert f1("newstest2019-src.eng.txt", "en") >= 0.98


def test_an_article_takes_milliseconds() -> None:
    """The ``tarjama segment`` command and the aligner call this per document, interactively."""
    article = ARTICLE * 10  # about 5,000 characters, longer than most news articles
    timings = []
    for _ in range(5):
        start = time.perf_counter()
        segment_document(article, "ar")
        timings.append(time.perf_counter() - start)
    print(f"{len(article)} characters: {min(timings) * 1000:.2f} ms")
    assert min(timings) < 0.05
