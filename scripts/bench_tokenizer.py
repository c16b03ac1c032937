#!/usr/bin/env python3
"""Start-up and per-call cost of the sentencepiece-only Marian tokenizer against transformers' MarianTokenizer.

Why: the tokenizer is all that a CTranslate2 run needs from transformers, and
importing transformers to get it costs seconds.  This prints, for one model
directory: the wall time of a fresh process that imports and loads each
tokenizer (median of rounds), and the time to encode a batch of Arabic lines
and to decode the English references' ids, one batch and one line at a time.

    python scripts/bench_tokenizer.py MODEL_DIR [--rounds 3]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FLORES = ROOT.parent / "shared" / "data" / "flores200-devtest"
FIXTURE = ROOT / "tests" / "fixtures" / "article.ar.txt"

LOAD_OURS = "from translate.translation.tokenizer import MarianSentencePiece as T; T.from_dir({d!r}).encode(['x'])"
LOAD_HF = (
    "import warnings; warnings.simplefilter('ignore')\n"
    "from transformers import MarianTokenizer as T; T.from_pretrained({d!r})(['x'])"
)


def cold(code: str, rounds: int) -> float:
    walls = []
    for _ in range(rounds):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT, capture_output=True)
        walls.append(time.perf_counter() - started)
    return statistics.median(walls)


def best(fn, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("model", type=Path)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    model = str(args.model.resolve())

    print(f"cold process, import + load + one encode (median of {args.rounds}):")
    ours_cold = cold(LOAD_OURS.format(d=model), args.rounds)
    hf_cold = cold(LOAD_HF.format(d=model), args.rounds)
    print(f"  ours {ours_cold:.3f} s   MarianTokenizer {hf_cold:.3f} s   ({hf_cold / ours_cold:.1f}x)")

    sys.path.insert(0, str(ROOT))
    from translate.translation.tokenizer import MarianSentencePiece

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from transformers import MarianTokenizer
        from transformers.utils import logging as hf_logging

        hf_logging.set_verbosity_error()
        theirs = MarianTokenizer.from_pretrained(model)
    ours = MarianSentencePiece.from_dir(model)

    if (FLORES / "flores200-devtest.arb_Arab").is_file():
        arabic = (FLORES / "flores200-devtest.arb_Arab").read_text(encoding="utf-8").splitlines()
        english = (FLORES / "flores200-devtest.eng_Latn").read_text(encoding="utf-8").splitlines()
        name = "FLORES-200 devtest"
    else:
        arabic = [l for l in FIXTURE.read_text(encoding="utf-8").splitlines() if l.strip()]
        english = arabic
        name = FIXTURE.name
    target_ids = theirs(text_target=english)["input_ids"]
    assert ours.encode(arabic) == theirs(arabic)["input_ids"] and ours.decode(target_ids) == theirs.batch_decode(target_ids, skip_special_tokens=True)

    rows = [
        ("encode batch", lambda: ours.encode(arabic), lambda: theirs(arabic)["input_ids"]),
        ("encode line by line", lambda: [ours.encode([t]) for t in arabic], lambda: [theirs([t])["input_ids"] for t in arabic]),
        ("decode batch", lambda: ours.decode(target_ids), lambda: theirs.batch_decode(target_ids, skip_special_tokens=True)),
        ("decode line by line", lambda: [ours.decode([i]) for i in target_ids], lambda: [theirs.decode(i, skip_special_tokens=True) for i in target_ids]),
    ]
    print(f"per call on {name} ({len(arabic)} lines; best of {args.rounds}):")
    for label, mine, reference in rows:
        a, b = best(mine, args.rounds), best(reference, args.rounds)
        print(f"  {label:20s} ours {a * 1000:8.1f} ms   MarianTokenizer {b * 1000:8.1f} ms   ({b / a:.1f}x)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
