#!/usr/bin/env python3
"""How well the engine's confidence predicts translation quality, and which low-confidence threshold to use.

    python3 scripts/calibrate_confidence.py --model quality \\
        --source ../shared/data/flores200-devtest/flores200-devtest.arb_Arab \\
        --reference ../shared/data/flores200-devtest/flores200-devtest.eng_Latn

Translates every source line with the model (as ``tarjama translate`` does:
same engine, same settings, no translation memory), scores each output
against its reference with sentence chrF (sacrebleu), and reports:

* the per-segment Pearson and Spearman correlation of confidence with chrF;
* a suggested ``--min-confidence``: the threshold that best finds the weak
  segments (chrF in the lowest quartile, or below ``--weak-chrf``), by F1,
  with its precision, recall and the share of segments it would flag.

The numbers mean something only for a real model on real references; on the
tiny random-weight test model they show that the script works, nothing more.
See docs/confidence.md.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from translate.settings import DecodingSettings  # noqa: E402


def pearson(xs: list[float], ys: list[float]) -> float:
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys))
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    return sxy / math.sqrt(sxx * syy) if sxx > 0 and syy > 0 else float("nan")


def ranks(values: list[float]) -> list[float]:
    """Ranks from 1, ties given their average rank (as Spearman's rho needs)."""
    order = sorted(range(len(values)), key=values.__getitem__)
    result = [0.0] * len(values)
    start = 0
    while start < len(order):
        end = start
        while end + 1 < len(order) and values[order[end + 1]] == values[order[start]]:
            end += 1
        for k in range(start, end + 1):
            result[order[k]] = (start + end) / 2 + 1
        start = end + 1
    return result


def spearman(xs: list[float], ys: list[float]) -> float:
    return pearson(ranks(xs), ranks(ys))


def best_threshold(confidences: list[float], weak: list[bool]) -> tuple[float, float, float, float]:
    """(threshold, precision, recall, F1) of "confidence < threshold" as a detector of weak segments, best F1."""
    best = (0.0, 0.0, 0.0, 0.0)
    positives = sum(weak)
    for step in range(1, 100):
        threshold = step / 100
        flagged = [round(c, 2) < threshold for c in confidences]
        hits = sum(f and w for f, w in zip(flagged, weak))
        if not hits:
            continue
        precision, recall = hits / sum(flagged), hits / positives
        f1 = 2 * precision * recall / (precision + recall)
        if f1 > best[3]:
            best = (threshold, precision, recall, f1)
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", required=True, help="a preset, hub id or model directory, as for tarjama translate --model")
    parser.add_argument("--source", required=True, type=Path, help="Arabic, one segment per line")
    parser.add_argument("--reference", required=True, type=Path, help="its English reference, line-aligned")
    parser.add_argument("--limit", type=int, default=0, help="only the first N lines (0: all)")
    parser.add_argument("--backend", default="auto", choices=("auto", "ctranslate2", "transformers"))
    parser.add_argument("--compute-type", default="default")
    parser.add_argument("--device", default="auto", choices=("auto", "cpu", "cuda"))
    parser.add_argument("--weak-chrf", type=float, default=None, help="a segment below this chrF is weak (default: the lowest quartile)")
    args = parser.parse_args(argv)

    from sacrebleu.metrics import CHRF

    from translate.translation import load_translator

    sources = args.source.read_text(encoding="utf-8").splitlines()
    references = args.reference.read_text(encoding="utf-8").splitlines()
    if len(sources) != len(references):
        parser.error(f"{args.source} has {len(sources)} lines, {args.reference} {len(references)}: they must be line-aligned")
    if args.limit:
        sources, references = sources[: args.limit], references[: args.limit]
    translator = load_translator(args.model, DecodingSettings(backend=args.backend, device=args.device, compute_type=args.compute_type))
    started = time.monotonic()
    translations = translator.translate_segments(sources)
    seconds = time.monotonic() - started
    chrf = CHRF()
    rows = [
        (t.confidence, chrf.sentence_score(t.text, [ref]).score)
        for t, ref in zip(translations, references)
        if t.confidence is not None and ref.strip()
    ]
    if len(rows) < 3:
        parser.error("fewer than three scored segments: nothing to correlate")
    confidences, scores = [c for c, _ in rows], [s for _, s in rows]
    cut = args.weak_chrf if args.weak_chrf is not None else sorted(scores)[len(scores) // 4]
    weak = [s < cut for s in scores] if args.weak_chrf is not None else [s <= cut for s in scores]
    threshold, precision, recall, f1 = best_threshold(confidences, weak)
    flagged = sum(round(c, 2) < threshold for c in confidences) / len(confidences)

    print(f"model: {translator.model_id} ({translator.decoding})")
    if translator.model_note:
        print(f"NOTE: {translator.model_note}: the numbers below mean nothing about translation quality")
    print(f"segments: {len(rows)} of {len(sources)} ({seconds:.0f} s)")
    print(f"confidence: mean {sum(confidences) / len(confidences):.3f}, min {min(confidences):.3f}, max {max(confidences):.3f}")
    print(f"chrF: mean {sum(scores) / len(scores):.1f}")
    print(f"Pearson r (confidence, chrF):    {pearson(confidences, scores):+.3f}")
    print(f"Spearman rho (confidence, chrF): {spearman(confidences, scores):+.3f}")
    print(f"weak segments: chrF {'<' if args.weak_chrf is not None else '<='} {cut:.1f} ({sum(weak)} of {len(rows)})")
    if f1:
        print(f"suggested --min-confidence {threshold:.2f}: flags {flagged:.0%} of segments, precision {precision:.2f}, recall {recall:.2f} (F1 {f1:.2f})")
    else:
        print("no threshold finds a weak segment: the confidence does not separate them here")
    return 0


if __name__ == "__main__":
    sys.exit(main())
