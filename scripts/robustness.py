#!/usr/bin/env python
"""The aligner and the segmenter on messy text, one kind of mess at a time.

    PYTHONPATH=. python scripts/robustness.py                     # every kind, the "tune" documents
    PYTHONPATH=. python scripts/robustness.py --errors --kinds glued   # and every bead it gets wrong
    PYTHONPATH=. python scripts/robustness.py --split held-out    # the check, not to be tuned on

Real archives are messier than a test set: Arabic that lost the spaces between
words, captions and bylines on one side only, paragraphs missing or moved,
the title repeated (page title, og:title, h1), personal names with a Latin
initial written in Arabic letters ("جون إف. كينيدي"), paragraphs left
untranslated, boilerplate lines.  Each kind is built deterministically (seeded)
from our own data on top of the perturbation of scripts/bench_align.py (merges,
drops, subheadings), so that the "baseline" row is that benchmark's kind of
document and every other row adds one kind of mess to the same documents.

Alignment: NTREX-128 and FLORES-101 devtest documents, without MT (as ``tarjama
align`` runs by default).  ``--split tune`` (the default) takes the documents
with an even index, the ones the aligner's weights were tuned on;
``--split held-out`` the odd ones, which bench_align.py reports as held out:
develop on "tune", only look at "held-out".  Beads are compared by their text
(a repeated headline's copies are interchangeable), strictly: a bead counts
only if its Arabic and its English sentences are both right.  The TM columns
count only the beads a TMX keeps (both sides present, score ≥ S): their
precision is what a CAT tool's user sees, their recall what the TM loses.

Segmentation: NTREX-128 (the documents the rules were developed on) and
TICO-19 test, Arabic, rebuilt as scraped articles (scripts/segmentation_eval.py)
with the same kinds; FLORES-200, the segmenter's held-out set, is not used.
Exact sentence spans, P / R / F1.
"""

from __future__ import annotations

import argparse
import itertools
import random
import re
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))
DATA = ROOT.parent / "shared" / "data"

from bench_align import FLORES101_NOT_PARALLEL, SUBHEADINGS, _group, _lines  # noqa: E402
from segmentation_eval import Article, Score, build_article, evaluate, read_gold_splits  # noqa: E402

# A bead of text: the Arabic sentences and the English sentences it pairs.
TextBead = tuple[tuple[str, ...], tuple[str, ...]]


@dataclass
class Doc:
    name: str
    beads: list[TextBead]  # the gold, in document order (the English order where paragraphs were moved)
    source: list[str]
    target: list[str]


# --- the base documents -------------------------------------------------------------------------


def base_beads(ar: list[str], en: list[str], rng: random.Random) -> list[TextBead]:
    """bench_align.py's perturbation, kept as an ordered list of text beads."""
    beads: list[TextBead] = []
    k, n = 0, len(ar)
    while k < n:
        if k and rng.random() < 1 / 50:
            beads.append(((rng.choice(SUBHEADINGS),), ()))
        r = rng.random()
        if r < 1 / 30:
            beads.append(((ar[k],), ()) if rng.random() < 0.5 else ((), (en[k],)))
            k += 1
        elif r < 1 / 30 + 0.08 and k + 1 < n:
            beads.append(((ar[k], ar[k + 1]), (en[k] + " " + en[k + 1],)))
            k += 2
        elif r < 1 / 30 + 0.16 and k + 1 < n:
            beads.append(((ar[k] + " " + ar[k + 1],), (en[k], en[k + 1])))
            k += 2
        else:
            beads.append(((ar[k],), (en[k],)))
            k += 1
    return beads


def documents(split: str) -> list[tuple[str, list[str], list[str]]]:
    """(name, Arabic lines, English lines) of NTREX-128 and FLORES-101 devtest, by bench_align.py's split."""
    d = DATA / "ntrex128"
    ar, en = _lines(d / "newstest2019-ref.arb.txt"), _lines(d / "newstest2019-src.eng.txt")
    ntrex = [(f"ntrex:{key}", ar[s:e], en[s:e]) for key, s, e in _group(_lines(d / "DOCUMENT_IDS.tsv"))]
    ar = _lines(DATA / "flores101-devtest" / "flores101-devtest.ara")
    en = _lines(DATA / "flores101-devtest" / "flores101-devtest.eng")
    urls = [line.split("\t")[0] for line in _lines(DATA / "flores200-devtest" / "metadata_devtest.tsv")[1:]]
    flores = []
    for url, s, e in _group(urls):
        keep = [k for k in range(s, e) if k not in FLORES101_NOT_PARALLEL]
        flores.append((f"flores:{url}", [ar[k] for k in keep], [en[k] for k in keep]))
    pick = slice(0, None, 2) if split == "tune" else slice(1, None, 2)
    return ntrex[pick] + flores[pick]


# --- the kinds of mess ---------------------------------------------------------------------------

# Arabic letters that do not join the next one: a typist who leaves out the space after them sees
# no difference on screen, so scraped and OCRed text loses exactly these spaces.
NON_JOINING = "اأإآدذرزوؤةىء"


_ANY_WORD_END = re.compile("(?<=[\u0621-\u064a]) (?=[\u0621-\u064a])")


def glue(text: str, rng: random.Random, rate: float, joining_rate: float = 0.0) -> str:
    """Spaces after a non-joining letter lost at ``rate`` ("هو حر" → "هوحر"), after any other letter at
    ``joining_rate`` (the letters then join: "على هامش" → "علىهامش", as NTREX's reuters.218861 has it)."""

    def lost(match: re.Match[str]) -> str:
        rate_here = rate if text[match.start() - 1] in NON_JOINING else joining_rate
        return "" if rng.random() < rate_here else " "

    return _ANY_WORD_END.sub(lost, text)


CAPTIONS_AR = ["(رويترز)", "تصوير: محمد عبد الله", "المصدر: وكالة الأنباء الفرنسية", "صورة أرشيفية", "حقوق الصورة Getty Images",
               "مراسلنا في القاهرة", "بقلم: سامي يوسف"]
CAPTIONS_EN = ["By Sarah Jones, BBC News", "Image copyright Getty Images", "Photo: AFP", "Image caption Crowds gathered on Tuesday",
               "(CNN)", "Updated 10:32 GMT", "Jonathan Hale for The New York Times"]
# No line of one list translates a line of the other: an Arabic and an English line that do are a right pair.
BOILERPLATE_AR = ["شارك هذا المقال", "اقرأ أيضا:", "جميع الحقوق محفوظة © 2019", "تابعونا على فيسبوك", "اشترك في النشرة البريدية"]
BOILERPLATE_EN = ["Advertisement", "Skip to main content", "Related Topics", "More on this story", "Click here to watch the video"]
# Names with a Latin initial spelled in Arabic letters, as Arabic news writes them.
FIRST = ["جون", "جورج", "مايكل", "ديفيد", "روبرت", "سارة", "ماري", "جيمس", "بول", "آن"]
INITIALS = ["إف", "دبليو", "جيه", "جى", "بي", "بى", "إس", "تي", "تى", "إل", "إم", "آر", "سي", "دي", "كيه", "إيه", "ايه", "أف", "إيف",
            "إتش", "كيو", "جاي", "إي", "اي", "أي", "إيكس", "ج", "ف", "م"]
LAST = ["كينيدي", "بوش", "فوكس", "سميث", "جونسون", "براون", "كارتر", "ميلر"]


def _insert_one_sided(beads: list[TextBead], rng: random.Random, ar: Sequence[str], en: Sequence[str], per: int) -> list[TextBead]:
    out = list(beads)
    for _ in range(max(1, len(beads) // per)):
        out.insert(rng.randrange(len(out) + 1), ((rng.choice(ar),), ()))
        out.insert(rng.randrange(len(out) + 1), ((), (rng.choice(en),)))
    return out


def _paragraphs(beads: list[TextBead], rng: random.Random) -> list[list[TextBead]]:
    paragraphs, k = [], 0
    while k < len(beads):
        size = rng.randint(1, 4)
        paragraphs.append(beads[k : k + size])
        k += size
    return paragraphs


def _one_sided(bead: TextBead) -> list[TextBead]:
    """A bead whose other side is gone: each of its sentences stands alone."""
    return [((s,), ()) for s in bead[0]] + [((), (t,)) for t in bead[1]]


def kind_glued(beads: list[TextBead], rng: random.Random) -> list[TextBead]:
    rate, joining = rng.uniform(0.3, 0.9), rng.uniform(0.0, 0.5)
    return [(tuple(glue(s, rng, rate, joining) for s in src), tgt) for src, tgt in beads]


def kind_captions(beads: list[TextBead], rng: random.Random) -> list[TextBead]:
    return _insert_one_sided(beads, rng, CAPTIONS_AR, CAPTIONS_EN, per=8)


def kind_boilerplate(beads: list[TextBead], rng: random.Random) -> list[TextBead]:
    return _insert_one_sided(beads, rng, BOILERPLATE_AR, BOILERPLATE_EN, per=10)


def kind_headlines(beads: list[TextBead], rng: random.Random) -> list[TextBead]:
    """The title three times in the Arabic (page title, og:title, h1), once or twice in the English."""
    head = beads[0]
    if not (head[0] and head[1]):
        return beads
    copies_en = rng.randint(1, 2)
    alone = [((sentence,), ()) for sentence in head[0]]  # a copy without English: each sentence stands alone
    return [head] * copies_en + alone * (3 - copies_en) + beads[1:]


def kind_paragraphs(beads: list[TextBead], rng: random.Random) -> list[TextBead]:
    """A paragraph missing on one side, or two neighbouring paragraphs swapped in the English."""
    paragraphs = _paragraphs(beads, rng)
    out: list[TextBead] = []
    k = 0
    while k < len(paragraphs):
        r = rng.random()
        if r < 0.15:
            # the translator left a paragraph out (or the Arabic page lost one): its sentences stand alone
            keep_ar = rng.random() < 0.5
            for bead in paragraphs[k]:
                out += [b for b in _one_sided(bead) if bool(b[0]) == keep_ar]
            k += 1
        elif r < 0.25 and k + 1 < len(paragraphs):
            # swapped in the English: the moved paragraph's Arabic and English are still each other's translation,
            # but a monotone aligner can pair only one of the two paragraphs; gold lists the true pairs
            first, second = paragraphs[k], paragraphs[k + 1]
            out += first + second
            k += 2
            SWAPS.append((first, second))
        else:
            out += paragraphs[k]
            k += 1
    return out


SWAPS: list[tuple[list[TextBead], list[TextBead]]] = []


def kind_untranslated(beads: list[TextBead], rng: random.Random) -> list[TextBead]:
    """A paragraph left in Arabic in the English document: the copy is no translation, so 1-0 + 0-1."""
    paragraphs = _paragraphs(beads, rng)
    out: list[TextBead] = []
    for paragraph in paragraphs:
        if rng.random() < 0.12 and all(b[0] for b in paragraph):
            for bead in paragraph:
                out += [((s,), ()) for s in bead[0]]
            out += [((), (s,)) for bead in paragraph for s in bead[0]]
        else:
            out += paragraph
    return out


def name_with_initial(rng: random.Random) -> str:
    return f"{rng.choice(FIRST)} {rng.choice(INITIALS)}. {rng.choice(LAST)}"


def add_initials(sentence: str, rng: random.Random) -> str:
    """A name with an initial put after a word in the middle of the sentence."""
    words = sentence.split(" ")
    if len(words) < 4:
        return sentence
    at = rng.randrange(1, len(words) - 2)
    return " ".join([*words[:at], name_with_initial(rng), *words[at:]])


def kind_initials(beads: list[TextBead], rng: random.Random) -> list[TextBead]:
    """For the aligner the name stays in its sentence (the segmenter decides whether it does): both sides get it."""
    out = []
    for src, tgt in beads:
        if src and tgt and rng.random() < 0.2:
            src = (add_initials(src[0], rng), *src[1:])
        out.append((src, tgt))
    return out


KINDS: dict[str, Callable[[list[TextBead], random.Random], list[TextBead]]] = {
    "baseline": lambda beads, rng: beads,
    "glued": kind_glued,
    "captions": kind_captions,
    "paragraphs": kind_paragraphs,
    "headlines": kind_headlines,
    "initials": kind_initials,
    "untranslated": kind_untranslated,
    "boilerplate": kind_boilerplate,
}


def build(kind: str, split: str, seed: int) -> list[Doc]:
    docs = []
    SWAPS.clear()
    for name, ar, en in documents(split):
        base = base_beads(ar, en, random.Random(f"{seed}:{name}"))
        beads = KINDS[kind](base, random.Random(f"{seed}:{kind}:{name}"))
        source = [s for src, _ in beads for s in src]
        target = [t for _, tgt in beads for t in tgt]
        docs.append(Doc(name, beads, source, target))
    if kind == "paragraphs":
        # the English of swapped paragraphs comes in the other order: rebuild each document's English side
        docs = [_swap_english(doc, SWAPS) for doc in docs]
    return docs


def _swap_english(doc: Doc, swaps: list[tuple[list[TextBead], list[TextBead]]]) -> Doc:
    target = list(doc.target)
    for first, second in swaps:
        en_first = [t for _, tgt in first for t in tgt]
        en_second = [t for _, tgt in second for t in tgt]
        block = en_first + en_second
        for start in range(len(target) - len(block) + 1):
            if target[start : start + len(block)] == block:
                target[start : start + len(block)] = en_second + en_first
                break
    return Doc(doc.name, doc.beads, doc.source, target)


# --- scoring -------------------------------------------------------------------------------------


@dataclass
class Tally:
    hit: int = 0
    predicted: int = 0
    gold: int = 0

    def add(self, hit: int, predicted: int, gold: int) -> None:
        self.hit, self.predicted, self.gold = self.hit + hit, self.predicted + predicted, self.gold + gold

    @property
    def p(self) -> float:
        return self.hit / self.predicted if self.predicted else 1.0

    @property
    def r(self) -> float:
        return self.hit / self.gold if self.gold else 1.0

    @property
    def f1(self) -> float:
        return 2 * self.p * self.r / (self.p + self.r) if self.p + self.r else 0.0


@dataclass
class AlignResult:
    beads: Tally
    tm: dict[float, Tally]  # per --min-score


def align_kind(aligner, docs: list[Doc], thresholds: Sequence[float], errors: list[str] | None) -> AlignResult:
    beads = Tally()
    tm = {s: Tally() for s in thresholds}
    for doc in docs:
        got = aligner.align(doc.source, doc.target)
        predicted = Counter((tuple(doc.source[i] for i in b.source), tuple(doc.target[j] for j in b.target)) for b in got)
        gold = Counter(doc.beads)
        hit = sum((predicted & gold).values())
        beads.add(hit, sum(predicted.values()), sum(gold.values()))
        gold_units = Counter({b: c for b, c in gold.items() if b[0] and b[1]})
        for s, tally in tm.items():
            kept = Counter(
                (tuple(doc.source[i] for i in b.source), tuple(doc.target[j] for j in b.target))
                for b in got
                if b.source and b.target and (b.score is None or b.score >= s)
            )
            tally.add(sum((kept & gold_units).values()), sum(kept.values()), sum(gold_units.values()))
        if errors is not None and predicted != gold:
            scores = {(tuple(doc.source[i] for i in b.source), tuple(doc.target[j] for j in b.target)): b.score for b in got}
            errors.append(f"  {doc.name}")
            for bead in sorted((predicted - gold).elements(), key=str):
                errors.append(f"    predicted {_show(bead)} score {scores.get(bead)}")
            for bead in sorted((gold - predicted).elements(), key=str):
                errors.append(f"    gold      {_show(bead)}")
    return AlignResult(beads, tm)


def _show(bead: TextBead) -> str:
    ar = " ‖ ".join(s[:60] for s in bead[0]) or "–"
    en = " ‖ ".join(s[:60] for s in bead[1]) or "–"
    return f"{len(bead[0])}-{len(bead[1])}\n        ar: {ar}\n        en: {en}"


# --- segmentation --------------------------------------------------------------------------------


def segmentation_documents() -> list[tuple[str, list[str], bool]]:
    """NTREX-128 (headline first) and TICO-19 test Arabic documents, one gold sentence a unit (gold splits applied)."""
    gold = ROOT / "tests" / "fixtures" / "segmentation-gold-splits.tsv"
    files = {
        ("ntrex", "ar"): DATA / "ntrex128" / "newstest2019-ref.arb.txt",
        ("ntrex", "en"): DATA / "ntrex128" / "newstest2019-src.eng.txt",
        ("tico", "ar"): DATA / "tico19-test" / "tico19-test.ar",
        ("tico", "en"): DATA / "tico19-test" / "tico19-test.en",
    }
    splits = read_gold_splits(gold, lambda s, lang: _lines(files[s, lang]), sets=["ntrex", "tico"])
    ids = {
        "ntrex": [line.split("\t")[0] for line in _lines(DATA / "ntrex128" / "DOCUMENT_IDS.tsv")],
        "tico": [line.split("\t")[0].split(":")[0] for line in _lines(DATA / "tico19-test" / "tico19-test.en.info")],
    }
    out = []
    for set_name in ("ntrex", "tico"):
        lines = _lines(files[set_name, "ar"])
        cuts = splits.get((set_name, "ar"), {})
        for key, s, e in _group(ids[set_name]):
            sentences = []
            for k in range(s, e):
                line = lines[k].strip()
                bounds = [0, *cuts.get(k, ()), len(line)]
                sentences += [line[a:b].strip() for a, b in itertools.pairwise(bounds)]
            out.append((f"{set_name}:{key}", sentences, set_name == "ntrex"))
    return out


def segmentation_kind(kind: str, seed: int) -> list[Article]:
    articles = []
    for name, sentences, headline in segmentation_documents():
        rng = random.Random(f"{seed}:{kind}:{name}")
        lines = list(sentences)
        if kind == "glued":
            rate, joining = rng.uniform(0.3, 0.9), rng.uniform(0.0, 0.5)
            lines = [glue(s, rng, rate, joining) for s in lines]
        elif kind == "headlines":
            lines = [lines[0]] * 3 + lines[1:]
        elif kind in ("captions", "boilerplate"):
            pool = CAPTIONS_AR if kind == "captions" else BOILERPLATE_AR
            for _ in range(max(1, len(lines) // 8)):
                lines.insert(rng.randrange(1, len(lines) + 1), rng.choice(pool))
        elif kind == "initials":
            lines = [add_initials(s, rng) if rng.random() < 0.3 else s for s in lines]
        elif kind != "baseline":
            continue  # paragraphs moved or untranslated change no sentence of a side
        articles.append(build_article(name, lines, rng, headline=headline or kind == "headlines"))
    return articles


SEGMENTATION_KINDS = ("baseline", "glued", "captions", "headlines", "initials", "boilerplate")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--split", choices=("tune", "held-out"), default="tune")
    parser.add_argument("--seed", type=int, default=25)
    parser.add_argument("--kinds", default=",".join(KINDS), help="comma-separated kinds (default: all)")
    parser.add_argument("--min-scores", default="0,0.2,0.25,0.27,0.3,0.35,0.4,0.5",
                        help="TM thresholds to tabulate (0 and the default of --min-score always)")
    parser.add_argument("--errors", action="store_true", help="print every bead the aligner gets wrong")
    parser.add_argument("--no-segmentation", action="store_true")
    parser.add_argument("--no-alignment", action="store_true")
    args = parser.parse_args()
    if not DATA.exists():
        sys.exit(f"robustness: needs {DATA}")
    kinds = [k.strip() for k in args.kinds.split(",") if k.strip()]
    unknown = [k for k in kinds if k not in KINDS]
    if unknown:
        sys.exit(f"robustness: unknown kind(s) {', '.join(unknown)} (choose from {', '.join(KINDS)})")
    from translate.settings import DEFAULT_MIN_SCORE

    thresholds = sorted({float(s) for s in args.min_scores.split(",")} | {0.0, DEFAULT_MIN_SCORE})
    if not args.no_alignment:
        from translate.alignment.aligner import SentenceAligner
        from translate.alignment.embeddings import default_embedder

        aligner = SentenceAligner(default_embedder())
        print(f"alignment, {args.split} documents of NTREX-128 and FLORES-101 (no MT), seed {args.seed}")
        print(f"aligner: {aligner.signature}\n")
        d = DEFAULT_MIN_SCORE
        print(f"| kind | docs | gold beads | bead P | bead R | **bead F1** | TM P (S=0) | TM R (S=0) | TM P (S={d:g}) | TM R (S={d:g}) |")
        print("|---|---|---|---|---|---|---|---|---|---|")
        total = AlignResult(Tally(), {s: Tally() for s in thresholds})
        errors: dict[str, list[str]] = {}
        for kind in kinds:
            docs = build(kind, args.split, args.seed)
            result = align_kind(aligner, docs, thresholds, errors.setdefault(kind, []) if args.errors else None)
            b, t0, td = result.beads, result.tm[0.0], result.tm[DEFAULT_MIN_SCORE]
            total.beads.add(b.hit, b.predicted, b.gold)
            for s in thresholds:
                total.tm[s].add(result.tm[s].hit, result.tm[s].predicted, result.tm[s].gold)
            print(f"| {kind} | {len(docs)} | {b.gold} | {b.p:.4f} | {b.r:.4f} | **{b.f1:.4f}** | {t0.p:.4f} | {t0.r:.4f} | {td.p:.4f} | {td.r:.4f} |")
            sys.stdout.flush()
            if args.errors:
                print("\n".join(errors[kind]) + "\n")
        b = total.beads
        t0, td = total.tm[0.0], total.tm[DEFAULT_MIN_SCORE]
        print(f"| all | | {b.gold} | {b.p:.4f} | {b.r:.4f} | **{b.f1:.4f}** | {t0.p:.4f} | {t0.r:.4f} | {td.p:.4f} | {td.r:.4f} |")
        print("\nTM units (beads with both sides) kept at --min-score S, all kinds pooled:\n")
        print("| S | units kept | TM precision | TM recall |")
        print("|---|---|---|---|")
        for s in thresholds:
            t = total.tm[s]
            print(f"| {s:g} | {t.predicted} | {t.p:.4f} | {t.r:.4f} |")
        print()
    if not args.no_segmentation:
        from translate.segmentation import segment_document

        print("segmentation, Arabic, NTREX-128 + TICO-19 test rebuilt as articles (FLORES-200, held out, not used)\n")
        print("| kind | articles | gold sentences | P | R | **F1** |")
        print("|---|---|---|---|---|---|")
        for kind in SEGMENTATION_KINDS:
            if kind not in kinds:
                continue
            articles = segmentation_kind(kind, args.seed)
            result: Score = evaluate(articles, lambda text: [(s.start, s.end) for s in segment_document(text, "ar").segments])
            print(f"| {kind} | {len(articles)} | {result.expected} | {result.precision:.4f} | {result.recall:.4f} | **{result.f1:.4f}** |")
            if args.errors:
                for article in articles:
                    spans = {(s.start, s.end) for s in segment_document(article.text, "ar").segments}
                    for s, e in sorted(set(article.gold) - spans)[:5]:
                        print(f"    missed {article.name}: {article.text[s:e][:90]!r}")


if __name__ == "__main__":
    main()
