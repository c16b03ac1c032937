#!/usr/bin/env python3
"""How often each QA flag fires on real MT output, and on the human references for comparison.

    python3 scripts/bench_qa.py            # counts per flag, per test set
    python3 scripts/bench_qa.py --sample   # also (re)draws the hand-check sample to tests/fixtures/qa/

The hand-check sample (tests/fixtures/qa/handcheck.tsv) holds 100 flagged and
100 unflagged real MT segments with a human judgement each; the precision of
the number and degenerate-output flags is computed from it.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from translate.qa import check_pair  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
HANDCHECK = ROOT / "tests" / "fixtures" / "qa" / "handcheck.tsv"

# (name, Arabic source, MT output, English reference)
SETS = [
    ("opus-mt-ar-en/flores101", "flores101-devtest/flores101-devtest.ara", "mt-outputs/opus-mt-ar-en.flores101-devtest.en", "flores101-devtest/flores101-devtest.eng"),
    ("opus-mt-ar-en/tico19", "tico19-test/tico19-test.ar", "mt-outputs/opus-mt-ar-en.tico19-test.en", "tico19-test/tico19-test.en"),
    ("opus-mt-tc-big-ar-en/flores101", "flores101-devtest/flores101-devtest.ara", "mt-outputs/opus-mt-tc-big-ar-en.flores101-devtest.en", "flores101-devtest/flores101-devtest.eng"),
    ("opus-mt-tc-big-ar-en/flores200", "flores200-devtest/flores200-devtest.arb_Arab", "mt-outputs/opus-mt-tc-big-ar-en.flores200-devtest.en", "flores200-devtest/flores200-devtest.eng_Latn"),
]
FLAG_ORDER = ["numbers", "arabic-script", "length", "repetition", "empty", "untranslated"]


def lines(relative: str) -> list[str]:
    return (DATA / relative).read_text(encoding="utf-8").splitlines()


def count(pairs: list[tuple[str, str]]) -> tuple[Counter[str], int]:
    counts: Counter[str] = Counter()
    flagged = 0
    for source, target in pairs:
        names = {f.name for f in check_pair(source, target)}
        counts.update(names)
        flagged += bool(names)
    return counts, flagged


def precision_from_handcheck() -> None:
    """Precision of today's flags against the human judgements (which judge the segment, not a flag)."""
    if not HANDCHECK.is_file():
        print("\nno hand-check file yet: run with --sample and judge it")
        return
    rows = list(csv.DictReader(HANDCHECK.open(encoding="utf-8"), delimiter="\t"))
    print(f"\nHand-check of {len(rows)} real MT segments ({HANDCHECK.relative_to(ROOT)}), judged by a person:")
    verdict = {"numbers": ("error",), "repetition": ("degenerate",)}
    for flag, bad in verdict.items():
        fired = [r for r in rows if flag in {f.name for f in check_pair(r["source"], r["mt"])}]
        right = [r for r in fired if r["judgement"].split(":")[0] in bad + ("degenerate",)]
        quiet = [r for r in rows if r not in fired]
        missed = [r for r in quiet if r["judgement"].split(":")[0] in bad]
        if fired:
            print(f"  {flag:10} fired on {len(fired):3}: precision {len(right)}/{len(fired)} = {len(right) / len(fired):.2f}; "
                  f"missed {len(missed)} of {len(quiet)} segments it did not fire on")


def draw_sample(seed: int = 7) -> None:
    rng = random.Random(seed)
    flagged, unflagged = [], []
    for name, src, mt, ref in SETS:
        for number, (s, t, r) in enumerate(zip(lines(src), lines(mt), lines(ref)), start=1):
            names = sorted({f.name for f in check_pair(s, t)} & {"numbers", "repetition"})
            row = {"set": name, "line": number, "flags": ",".join(names), "source": s, "mt": t, "reference": r, "judgement": ""}
            (flagged if names else unflagged).append(row)
    sample = rng.sample(flagged, min(100, len(flagged))) + rng.sample(unflagged, 100)
    HANDCHECK.parent.mkdir(parents=True, exist_ok=True)
    with HANDCHECK.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(sample[0]), delimiter="\t", lineterminator="\n")
        writer.writeheader()
        writer.writerows(sample)
    print(f"wrote {len(sample)} segments to {HANDCHECK}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sample", action="store_true", help="draw a new hand-check sample (overwrites judgements)")
    args = parser.parse_args()
    if not DATA.is_dir():
        print("needs ../shared/data", file=sys.stderr)
        return 2
    header = f"{'set':34} {'side':9} {'pairs':>5} {'flagged':>8} " + " ".join(f"{f:>13}" for f in FLAG_ORDER)
    print(header)
    for name, src, mt, ref in SETS:
        for side, target in (("MT", mt), ("reference", ref)):
            pairs = list(zip(lines(src), lines(target)))
            counts, flagged = count(pairs)
            print(f"{name:34} {side:9} {len(pairs):5} {flagged:8} " + " ".join(f"{counts[f]:13}" for f in FLAG_ORDER))
    if args.sample:
        draw_sample()
    precision_from_handcheck()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
