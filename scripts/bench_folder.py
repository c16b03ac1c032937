#!/usr/bin/env python3
"""A folder of short articles against the same text as one file: is a folder translated at full speed?

The articles are FLORES-200 devtest sentences grouped into their articles by
the metadata URL (3–4 sentences each), from ../shared/data; the model is a
random-weight model of the fast preset's exact shapes (scripts/bench_translate.py
builds it) on CTranslate2 int8, every output forced to ``--length`` tokens so
that the work does not depend on random weights, beam 4, no translation
memory (every segment decoded every round).  One loaded translator runs, in
alternating rounds, the CLI's path (the batch API: plan, translate, write
txt+tmx+html, document by document):

* **file**: the articles joined into one file (a blank line between them);
* **folder**: one file per article;
* **folder, one at a time**: the same folder through the path the batch API
  had before it decoded documents together (``translate_file`` per
  document), for comparison (``--no-sequential`` skips it).

The headline is the median over rounds of folder / file wall time (target
≤ 1.15).  The folder's files are compared with the one-at-a-time path's,
timestamps aside, in float32 on the first 24 articles: decoding documents
together may not change any output (int8 kernels are not batch-invariant, so
the proof is in float32, as for the server's merged requests).

    python scripts/bench_folder.py                      # 120 articles, 3 rounds: about 10 minutes on 2 busy cores
    python scripts/bench_folder.py --documents 40 --rounds 2
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
from collections import OrderedDict
from dataclasses import replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
TIMESTAMPS = re.compile(r"\d{8}T\d{6}Z|\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?")
FORMATS = ("txt", "tmx", "html")


def articles(count: int) -> list[list[str]]:
    """The first ``count`` FLORES-200 devtest articles, each a list of its sentences."""
    flores = SHARED / "flores200-devtest"
    if not flores.is_dir():
        raise SystemExit(f"needs {flores} (the shared data); not found")
    groups: OrderedDict[str, list[str]] = OrderedDict()
    urls = (flores / "metadata_devtest.tsv").read_text(encoding="utf-8").splitlines()[1:]
    sentences = (flores / "flores200-devtest.arb_Arab").read_text(encoding="utf-8").splitlines()
    for meta, sentence in zip(urls, sentences):
        groups.setdefault(meta.split("\t")[0], []).append(sentence)
    return list(groups.values())[:count]


def write_inputs(workdir: Path, chosen: list[list[str]]) -> tuple[Path, Path]:
    """The articles as a folder of files, and as one file (paragraphs as in the folder, a blank line between articles)."""
    folder = workdir / f"folder-{len(chosen)}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for n, lines in enumerate(chosen):
        (folder / f"article-{n:04d}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    single = workdir / f"single-{len(chosen)}.txt"
    single.write_text("\n\n".join("\n".join(lines) for lines in chosen) + "\n", encoding="utf-8")
    return folder, single


def snapshot(out: Path) -> dict[str, str]:
    return {str(p.relative_to(out)): TIMESTAMPS.sub("<time>", p.read_text(encoding="utf-8")) for p in sorted(out.rglob("*")) if p.is_file() and not p.name.startswith(".")}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--documents", type=int, default=120, help="articles (default: 120)")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds (default: 3)")
    parser.add_argument("--length", type=int, default=24, help="output tokens per segment, forced (default: 24)")
    parser.add_argument("--beam", type=int, default=4, help="beam size (default: 4, the fast preset's)")
    parser.add_argument("--no-sequential", action="store_true", help="skip the one-at-a-time comparison (a third less time)")
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "tarjama-bench", help="the built model is cached here (shared with the other benchmarks)")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    args.workdir.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("TARJAMA_CACHE_DIR", str(args.workdir / "cache"))

    spec = importlib.util.spec_from_file_location("bench_translate", ROOT / "scripts" / "bench_translate.py")
    bench_translate = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench_translate)  # type: ignore[union-attr]
    model = str(bench_translate.build_model("fast", args.workdir))

    from translate import batch
    from translate.settings import DecodingSettings, ExportOptions
    from translate.translation import load_translator

    chosen = articles(args.documents)
    folder, single = write_inputs(args.workdir, chosen)
    settings = DecodingSettings(backend="ctranslate2", device="cpu", compute_type="int8", beam=args.beam, fixed_length=args.length)
    export = ExportOptions(formats=FORMATS)
    translator = load_translator(model, settings)
    translator.load()

    def run(source: Path, out: Path, one_at_a_time: bool = False, engine: Any = translator) -> tuple[float, int]:
        shutil.rmtree(out, ignore_errors=True)
        started = time.perf_counter()
        job = batch.plan([str(source)], out, export)
        if one_at_a_time:  # the batch API's loop before it decoded documents together
            reports = [batch.translate_file(item, batch.read_input(item), engine, job) for item in job.inputs]
        else:
            reports = list(batch.translate_files(job, engine))
        return time.perf_counter() - started, sum(r.segments for r in reports)

    warm, _ = write_inputs(args.workdir / "warm", chosen[:10])
    run(warm, args.workdir / "out-warm")  # warm-up: caches, page-ins, the allocator
    times: dict[str, list[float]] = {"file": [], "folder": [], "sequential": []}
    loads: list[float] = []
    segments: dict[str, int] = {}
    for r in range(args.rounds):
        order = ["file", "folder", "sequential"] if r % 2 == 0 else ["sequential", "folder", "file"]
        if args.no_sequential:
            order.remove("sequential")
        for name in order:
            source = single if name == "file" else folder
            seconds, segments[name] = run(source, args.workdir / f"out-{name}", one_at_a_time=name == "sequential")
            times[name].append(seconds)
        loads.append(os.getloadavg()[0])
        print(f"round {r + 1}: file {times['file'][-1]:.1f} s, folder {times['folder'][-1]:.1f} s"
              + ("" if args.no_sequential else f", folder one at a time {times['sequential'][-1]:.1f} s") + f" (load {loads[-1]:.1f})", flush=True)
    # Same output: in float32 (int8 kernels are not batch-invariant), the first 24 articles together and one at a time.
    check, _ = write_inputs(args.workdir / "check", chosen[:24])
    exact = load_translator(model, replace(settings, compute_type="float32"))
    run(check, args.workdir / "check-together", engine=exact)
    run(check, args.workdir / "check-alone", one_at_a_time=True, engine=exact)
    same = snapshot(args.workdir / "check-together") == snapshot(args.workdir / "check-alone")
    ratios = [f / s for f, s in zip(times["folder"], times["file"])]
    before = [q / s for q, s in zip(times["sequential"], times["file"])]
    tokens = segments["file"] * args.length
    print(f"{len(chosen)} articles, {segments['file']} segments (folder: {segments['folder']}), {args.length} tokens each, beam {args.beam}, "
          f"int8, {os.cpu_count()} CPUs, load average {min(loads):.1f}–{max(loads):.1f}; formats {'+'.join(FORMATS)}")
    for name, label in (("file", "one file"), ("folder", "folder"), ("sequential", "folder, one document at a time")):
        if not times[name]:
            continue
        median = statistics.median(times[name])
        print(f"  {label:<32} median {median:6.1f} s  {tokens / median:6.0f} tokens/s  rounds {', '.join(f'{t:.1f}' for t in times[name])}")
    print(f"float32, {len(chosen[:24])} articles: the folder's files identical to one document at a time (timestamps aside): {same}")
    print(f"RATIO folder_vs_file {statistics.median(ratios):.2f}  (rounds {', '.join(f'{x:.2f}' for x in ratios)}; target <= 1.15)")
    if before:
        print(f"RATIO folder_one_at_a_time_vs_file {statistics.median(before):.2f}  (rounds {', '.join(f'{x:.2f}' for x in before)})")
    return 0 if same and segments["file"] == segments["folder"] else 1


if __name__ == "__main__":
    sys.exit(main())
