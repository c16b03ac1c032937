#!/usr/bin/env python3
"""One long unpunctuated line (issue 19: 20 MB, 11,217 pieces): where the time and the memory go, as the line grows.

Each size runs in a fresh process, through the batch API that ``tarjama
translate`` uses, with a new translation memory, and times its stages:

* ``plan``: reading and segmenting the line (one segment);
* ``engine``: splitting it into pieces that fit the model, the memory lookups
  and commits of every piece, and decoding them with every output forced to
  ``--length`` tokens (``--fixed-length``), so that the engine's own work shows
  and not the random weights' (the decoder is measured apart, below);
* ``qa+align``: the alignment and the QA checks of the one bead;
* ``write``: every output format.

Printed per size: seconds per stage, seconds per MB relative to the smallest
size (1.0 everywhere = linear), and the process's peak RSS.  Then the decoder
itself, outside all of that: seconds per piece with the model's own output
length (the tiny random model runs every piece to the length cap, and the
repetition guard decodes it a second time), and what that makes for 20 MB.

    python scripts/bench_long_line.py --model models/tiny                  # 0.25–2 MB, a few minutes
    python scripts/bench_long_line.py --model models/tiny --sizes 1,4,16
"""

from __future__ import annotations

import argparse
import json
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ARTICLE = ROOT / "tests" / "fixtures" / "article.ar.txt"
FORMATS = ("txt", "tmx", "html", "tsv", "xliff", "docx")


def long_line(megabytes: float, seed: int = 1) -> str:
    """Words of the test article in a seeded random order, without a punctuation mark: no two pieces alike."""
    words = sorted(set(re.sub(r"[^\w\s]", " ", ARTICLE.read_text(encoding="utf-8")).split()))
    rng = random.Random(seed)
    out: list[str] = []
    size = 0
    while size < megabytes * 2**20:
        word = rng.choice(words)
        out.append(word)
        size += len(word.encode()) + 1
    return " ".join(out)


def run_stages(model: str, megabytes: float, length: int, folder: Path) -> dict[str, float]:
    """In this process: the stages of one ``tarjama translate`` of the line, timed."""
    sys.path.insert(0, str(ROOT))
    from translate import batch
    from translate.pipeline import translated_document, translation_provenance
    from translate.settings import DecodingSettings, ExportOptions
    from translate.translation import load_translator, splitting
    from translate.translation.memory import TranslationMemory

    path = folder / "line.txt"
    path.write_text(long_line(megabytes) + "\n", encoding="utf-8")
    translator = load_translator(model, DecodingSettings(device="cpu", fixed_length=length), memory=TranslationMemory(folder / "tm.sqlite"))
    translator.load()
    times: dict[str, float] = {}
    started = time.perf_counter()
    job = batch.plan([str(path)], folder / "out", ExportOptions(formats=FORMATS), language_check=False)
    (item,) = job.inputs
    document = batch.read_input(item)
    times["plan"] = time.perf_counter() - started
    started = time.perf_counter()
    translations = translator.translate_segments([s.text for s in document.segments])
    times["engine"] = time.perf_counter() - started
    started = time.perf_counter()
    alignment = translated_document(document, translations, translation_provenance(document, translator))
    times["qa+align"] = time.perf_counter() - started
    started = time.perf_counter()
    batch.write_alignment(alignment, job.output_dir, item.stem, job.export, (item.path,))
    times["write"] = time.perf_counter() - started
    times["pieces"] = len(splitting.split_to_fit(document.segments[0].text, translator._count, translator.max_source_tokens))
    times["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return times


def decode_per_piece(model: str, sample: int) -> tuple[float, int]:
    """Seconds per piece with the model's own output length (the guard's second decode included), and the pieces timed."""
    sys.path.insert(0, str(ROOT))
    from translate.settings import DecodingSettings
    from translate.translation import load_translator, splitting

    translator = load_translator(model, DecodingSettings(device="cpu"))
    translator.load()
    pieces = splitting.split_to_fit(long_line(0.02, seed=2), translator._count, translator.max_source_tokens)[:sample]
    started = time.perf_counter()
    translator.translate_segments(pieces)
    return (time.perf_counter() - started) / len(pieces), len(pieces)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=str(ROOT / "models" / "tiny"), help="a model directory (default: models/tiny)")
    parser.add_argument("--sizes", default="0.25,0.5,1,2", help="line sizes in MB, comma-separated (default: 0.25,0.5,1,2)")
    parser.add_argument("--length", type=int, default=8, help="output tokens per piece in the engine stage (default: 8)")
    parser.add_argument("--sample", type=int, default=8, help="pieces decoded at full length for the decoder's cost (default: 8)")
    parser.add_argument("--child", type=float, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        with tempfile.TemporaryDirectory(prefix="bench-long-line-") as folder:
            print(json.dumps(run_stages(args.model, args.child, args.length, Path(folder))))
        return 0
    sizes = [float(s) for s in args.sizes.split(",")]
    stages = ("plan", "engine", "qa+align", "write")
    print(f"{'MB':>6} {'pieces':>7} " + " ".join(f"{s:>9}" for s in stages) + f" {'total':>8} {'s/MB':>6} {'ratio':>6} {'peak RSS':>9}")
    first_rate = None
    for size in sizes:
        done = subprocess.run(
            [sys.executable, __file__, "--model", args.model, "--length", str(args.length), "--child", str(size)],
            capture_output=True, text=True, check=False,
        )
        if done.returncode != 0:
            print(done.stderr, file=sys.stderr)
            return 1
        t = json.loads(done.stdout.strip().splitlines()[-1])
        total = sum(t[s] for s in stages)
        rate = total / size
        first_rate = first_rate or rate
        print(
            f"{size:>6g} {int(t['pieces']):>7} " + " ".join(f"{t[s]:>8.2f}s" for s in stages)
            + f" {total:>7.1f}s {rate:>6.1f} {rate / first_rate:>6.2f} {t['peak_rss_mb']:>6.0f} MB",
            flush=True,
        )
    per_piece, timed = decode_per_piece(args.model, args.sample)
    pieces_20mb = 11_217
    print(
        f"decoder: {per_piece:.2f} s per piece at the model's own output length ({timed} pieces timed); "
        f"{pieces_20mb:,} pieces (20 MB) = {per_piece * pieces_20mb / 3600:.1f} h of decoding on this machine"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
