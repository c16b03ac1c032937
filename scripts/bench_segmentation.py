#!/usr/bin/env python3
"""Sentence segmentation benchmark: tarjama's segmenter against its peers, in one run.

Rebuilds news articles from ../shared/data (see scripts/segmentation_eval.py:
headline on its own line, paragraphs of 1-4 consecutive sentences joined by one space,
a sentence without final punctuation always ends its paragraph) and prints exact-span
precision, recall and F1 for every segmenter, then its speed in MB/s (UTF-8 bytes of
article text per second, best of several passes, all in this one process).

    python scripts/bench_segmentation.py                # everything installed
    python scripts/bench_segmentation.py --only tarjama  # just ours

Sets:
  ntrex     NTREX-128, 83 documents (the issue's benchmark; the rules were developed on it)
  flores    FLORES-200 devtest, 281 documents grouped by URL (held out: never tuned on)
  tico      TICO-19 test, documents grouped by source (held out: never tuned on)

Peers (benchmark-only: ``pip install -e '.[bench]'``); a peer that is not installed is
reported as missing:
  srx       choppa-srx 1.0.0: LanguageTool's segment.srx as shipped (``ar_two``/``en_two``)
  sentencex Wikimedia's sentencex
  icu       ICU's sentence BreakIterator through PyICU
  pysbd     pySBD (``clean=False``)

Peers get one paragraph (line) at a time, as a CAT tool segments paragraphs; ours gets the
whole article through ``segment_document``, as ``tarjama segment`` does.

Gold: each line of the data is one gold sentence ("raw").  A few lines hold two
sentences; tests/fixtures/segmentation-gold-splits.tsv lists them with where they split, and
the "fixed" scores use that corrected gold.  ``--review SET LANG`` shows how that list was
made: every line on which ours, SRX, ICU or sentencex splits; where all four split at the
same places the row is taken as it is ("agreed"), every other line was read and decided by
hand ("reviewed"; a line left out keeps the raw gold, one sentence).  The segmenter's rules never mention these lines.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from translate.segmentation import segment_document  # noqa: E402
from segmentation_eval import (  # noqa: E402 - scripts/segmentation_eval.py, next to this script
    Article,
    Span,
    build_articles,
    evaluate,
    read_gold_splits,
    read_lines,
)

DATA = ROOT.parent / "shared" / "data"

GOLD_FILE = ROOT / "tests" / "fixtures" / "segmentation-gold-splits.tsv"
"""Data lines that hold more than one sentence, and where they split (see its header)."""


def gold_splits() -> dict[tuple[str, str], dict[int, list[int]]]:
    """(set, lang) -> {0-based line number: offsets where its further sentences start}."""
    return read_gold_splits(GOLD_FILE, lambda set_name, lang: read_lines(DATA / SETS[set_name]["files"][lang]))


Segmenter = Callable[[str], list[Span]]


# --- data -------------------------------------------------------------------------


def _tico_ids() -> list[str]:
    return [line.split("\t")[0].split(":")[0] for line in read_lines(DATA / "tico19-test" / "tico19-test.en.info")]


SETS: dict[str, dict] = {
    "ntrex": dict(
        files={"ar": "ntrex128/newstest2019-ref.arb.txt", "en": "ntrex128/newstest2019-src.eng.txt"},
        ids=lambda: [line.split("\t")[0] for line in read_lines(DATA / "ntrex128" / "DOCUMENT_IDS.tsv")],
        headline=True,
        seed=2019,
    ),
    "flores": dict(
        files={"ar": "flores200-devtest/flores200-devtest.arb_Arab", "en": "flores200-devtest/flores200-devtest.eng_Latn"},
        ids=lambda: [line.split("\t")[0] for line in read_lines(DATA / "flores200-devtest" / "metadata_devtest.tsv")[1:]],
        headline=False,
        seed=200,
    ),
    "tico": dict(
        files={"ar": "tico19-test/tico19-test.ar", "en": "tico19-test/tico19-test.en"},
        ids=_tico_ids,
        headline=False,
        seed=19,
    ),
}


def load(name: str, lang: str, fixed: bool) -> list[Article]:
    spec = SETS[name]
    lines = read_lines(DATA / spec["files"][lang])
    splits = gold_splits().get((name, lang), {}) if fixed else {}
    return build_articles(lines, spec["ids"](), seed=spec["seed"], headline=spec["headline"], gold_splits=splits)


# --- segmenters ---------------------------------------------------------------------


def ours(lang: str) -> Segmenter:
    return lambda text: [(s.start, s.end) for s in segment_document(text, lang).segments]


def per_line(split_line: Callable[[str], Iterable[str]]) -> Segmenter:
    """Run a string-returning segmenter on each line and find its pieces' spans in the text.

    A piece the segmenter changed (normalised) cannot be found and scores as wrong.
    """

    def segment(text: str) -> list[Span]:
        spans = []
        pos = 0
        for line in text.split("\n"):
            if line.strip():
                cursor = 0
                for piece in split_line(line):
                    piece = piece.strip()
                    if not piece:
                        continue
                    at = line.find(piece, cursor)
                    if at < 0:
                        continue
                    spans.append((pos + at, pos + at + len(piece)))
                    cursor = at + len(piece)
            pos += len(line) + 1
        return spans

    return segment


def srx(lang: str) -> Segmenter:
    from importlib.resources import files

    from choppa import SrxDocument, SrxTextIterator

    document = SrxDocument(ruleset=str(files("choppa") / "data" / "srx" / "languagetool_segment.srx"))
    return per_line(lambda line: SrxTextIterator(document, f"{lang}_two", line))


def sentencex(lang: str) -> Segmenter:
    from sentencex import segment

    return per_line(lambda line: segment(lang, line))


def icu(lang: str) -> Segmenter:
    import icu as picu

    iterator = picu.BreakIterator.createSentenceInstance(picu.Locale(lang))

    def split_line(line: str) -> list[str]:
        iterator.setText(line)
        units = line.encode("utf-16-le")
        pieces = []
        start = 0
        for end in iterator:  # offsets in UTF-16 code units
            pieces.append(units[start * 2 : end * 2].decode("utf-16-le"))
            start = end
        return pieces

    return per_line(split_line)


def pysbd(lang: str) -> Segmenter:
    import pysbd as sbd

    segmenter = sbd.Segmenter(language=lang, clean=False)
    return per_line(segmenter.segment)


PEERS: dict[str, Callable[[str], Segmenter]] = {
    "tarjama": ours,
    "srx": srx,
    "sentencex": sentencex,
    "icu": icu,
    "pysbd": pysbd,
}

VERSIONS = {"srx": "choppa-srx", "sentencex": "sentencex", "icu": "PyICU", "pysbd": "pysbd"}


def version(name: str) -> str:
    if name == "tarjama":
        from translate.segmentation import SEGMENTER_NAME, SEGMENTER_VERSION

        return f"{SEGMENTER_NAME}/{SEGMENTER_VERSION}"
    from importlib.metadata import version as dist_version

    return f"{VERSIONS[name]} {dist_version(VERSIONS[name])}"


# --- measuring ----------------------------------------------------------------------


def speed(segment: Segmenter, articles: list[Article], budget: float) -> float:
    """MB/s of UTF-8 text, best pass; passes repeat until ``budget`` seconds are spent (at least 2)."""
    size = sum(len(a.text.encode("utf-8")) for a in articles)
    best = float("inf")
    spent = 0.0
    passes = 0
    while passes < 2 or spent < budget:
        start = time.perf_counter()
        for article in articles:
            segment(article.text)
        elapsed = time.perf_counter() - start
        best = min(best, elapsed)
        spent += elapsed
        passes += 1
    return size / best / 1e6


def review(set_name: str, lang: str) -> None:
    """Print candidate gold rows: agreed splits as TSV rows, the other lines to read by hand."""
    lines = read_lines(DATA / SETS[set_name]["files"][lang])
    voters = ["tarjama", "srx", "icu", "sentencex"]
    segmenters = {name: PEERS[name](lang) for name in voters}
    for number, line in enumerate(lines, 1):
        line = line.strip()
        cuts = {name: tuple(s for s, _ in segmenters[name](line + "\n")[1:]) for name in voters}
        if not any(cuts.values()):
            continue
        if len(set(cuts.values())) == 1:
            offsets = cuts["tarjama"]
            starts = " | ".join(line[c : c + 12] for c in offsets)
            print(f"{set_name}\t{lang}\t{number}\t{','.join(map(str, offsets))}\t{starts}\tagreed")
            continue
        print(f"# REVIEW {set_name} {lang} {number}: {line}")
        for cut in sorted({c for v in cuts.values() for c in v}):
            who = ",".join(n for n in voters if cut in cuts[n])
            print(f"#   {cut} [{who}] ...{line[max(0, cut - 40) : cut]} || {line[cut : cut + 30]}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", nargs="*", choices=list(PEERS), help="segmenters to run (default: all)")
    parser.add_argument("--sets", nargs="*", choices=list(SETS), default=list(SETS))
    parser.add_argument("--langs", nargs="*", choices=["ar", "en"], default=["ar", "en"])
    parser.add_argument("--budget", type=float, default=2.0, help="seconds of timing per segmenter and language")
    parser.add_argument("--no-speed", action="store_true")
    parser.add_argument("--review", nargs=2, metavar=("SET", "LANG"), help="print candidate gold splits and exit")
    args = parser.parse_args(argv)
    if args.review:
        try:
            review(*args.review)
        except ImportError as error:
            print(f"--review needs every peer ({error}); pip install -e '.[bench]'", file=sys.stderr)
            return 2
        return 0
    if not DATA.is_dir():
        print(f"needs {DATA} (the shared data beside the checkout)", file=sys.stderr)
        return 2

    names = args.only or list(PEERS)
    segmenters: dict[tuple[str, str], Segmenter] = {}
    for name in names:
        for lang in args.langs:
            try:
                segmenters[name, lang] = PEERS[name](lang)
            except ImportError as error:
                print(f"{name}: not installed ({error}); pip install -e '.[bench]'")
                break
    available = [n for n in names if (n, args.langs[0]) in segmenters]
    print("segmenters: " + ", ".join(f"{n} ({version(n)})" for n in available))
    counts = ", ".join(f"{s} {l} {len(v)}" for (s, l), v in gold_splits().items())
    print(f"gold: raw = one sentence per data line; fixed = lines split as {GOLD_FILE.relative_to(ROOT)} lists ({counts})")
    print()

    header = f"{'set':<7} {'lang':<4} {'segmenter':<10} {'sents':>6} {'P':>7} {'R':>7} {'F1 raw':>7} {'F1 fixed':>8}"
    print(header)
    print("-" * len(header))
    for set_name in args.sets:
        for lang in args.langs:
            raw = load(set_name, lang, fixed=False)
            fixed = load(set_name, lang, fixed=True)
            for name in available:
                segment = segmenters[name, lang]
                r = evaluate(raw, segment)
                f = evaluate(fixed, segment)
                print(
                    f"{set_name:<7} {lang:<4} {name:<10} {f.expected:>6} {f.precision:>7.4f} {f.recall:>7.4f}"
                    f" {r.f1:>7.4f} {f.f1:>8.4f}"
                )
    if args.no_speed:
        return 0
    print()
    loadavg = ", ".join(f"{x:.1f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    print(f"speed on NTREX articles (MB/s of UTF-8 text, best pass; {os.cpu_count()} CPUs, load average {loadavg}):")
    for lang in args.langs:
        articles = load("ntrex", lang, fixed=False)
        size = sum(len(a.text.encode("utf-8")) for a in articles)
        cells = [f"{name} {speed(segmenters[name, lang], articles, args.budget):.2f}" for name in available]
        print(f"  {lang} ({size / 1e6:.2f} MB): " + " | ".join(cells))
    return 0


if __name__ == "__main__":
    sys.exit(main())
