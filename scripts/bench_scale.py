#!/usr/bin/env python3
"""Local against Ray: the same archive translated in one process and by 1, 2, … Ray workers.

The corpus is rebuilt from ../shared/data: FLORES-200 devtest sentences
grouped into their articles by the metadata URL, then NTREX-128 documents (by
DOCUMENT_IDS.tsv), one ``.txt`` per document.  The model is a random-weight
model of the fast preset's exact shapes (scripts/bench_translate.py builds
it), on CTranslate2 int8, every output forced to ``--length`` tokens so that
the work does not depend on random weights.  No translation memory, so that
every segment is decoded.

Printed per run: documents/s and output tokens/s once started, and apart from
them the start-up (a local model load; for Ray: the local Ray itself, then the
workers loading the model) and the per-batch overhead (an empty batch's round
trip to a worker, and the Ray run's extra wall time per call, one call per
document, against the local run's pace divided by the workers).  Every Ray run's files are compared with the local run's,
timestamps aside.  The local Ray is started by this script (loopback, a token)
and ends with it.

    python scripts/bench_scale.py                      # 200 documents, 1 and 2 workers, a few minutes
    python scripts/bench_scale.py --workers 1,2,4,8    # where there are more cores (or GPUs: --device cuda)
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
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
TIMESTAMPS = re.compile(r"\d{8}T\d{6}Z|\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")
FORMATS = ["txt", "tmx"]


def build_corpus(folder: Path, documents: int) -> int:
    """``documents`` articles as text files; returns how many were written."""
    groups: OrderedDict[str, list[str]] = OrderedDict()
    flores = SHARED / "flores200-devtest"
    urls = (flores / "metadata_devtest.tsv").read_text(encoding="utf-8").splitlines()[1:]
    sentences = (flores / "flores200-devtest.arb_Arab").read_text(encoding="utf-8").splitlines()
    for meta, sentence in zip(urls, sentences):
        groups.setdefault("flores:" + meta.split("\t")[0], []).append(sentence)
    ntrex = SHARED / "ntrex128"
    ids = (ntrex / "DOCUMENT_IDS.tsv").read_text(encoding="utf-8").splitlines()
    for doc, sentence in zip(ids, (ntrex / "newstest2019-ref.arb.txt").read_text(encoding="utf-8").splitlines()):
        groups.setdefault("ntrex:" + doc.strip(), []).append(sentence)
    folder.mkdir(parents=True, exist_ok=True)
    chosen = list(groups.values())[:documents]
    for n, lines in enumerate(chosen):
        (folder / f"doc-{n:04d}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(chosen)


def snapshot(out: Path) -> dict[str, str]:
    return {str(p.relative_to(out)): TIMESTAMPS.sub("<time>", p.read_text(encoding="utf-8")) for p in sorted(out.rglob("*")) if p.is_file()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--documents", type=int, default=200)
    parser.add_argument("--length", type=int, default=24, help="output tokens per segment (fixed)")
    parser.add_argument("--workers", default="1,2", help="comma-separated worker counts for the Ray runs")
    parser.add_argument("--device", default="cpu", choices=("cpu", "cuda"))
    parser.add_argument("--workdir", default=None, help="keeps the built model between runs (default: a temporary folder)")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="tarjama-bench-scale-"))
    workdir.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("TARJAMA_CACHE_DIR", str(workdir / "cache"))  # the converted model, shared with the local Ray's workers

    spec = importlib.util.spec_from_file_location("bench_translate", ROOT / "scripts" / "bench_translate.py")
    bench_translate = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench_translate)  # type: ignore[union-attr]
    model = str(bench_translate.build_model("fast", workdir))
    corpus = workdir / f"corpus-{args.documents}"
    documents = build_corpus(corpus, args.documents)

    from translate import batch
    from translate.inputs import load_document
    from translate.settings import DecodingSettings, ExportOptions
    from translate.translation import load_translator

    compute = "int8" if args.device == "cpu" else "int8_float16"
    settings = DecodingSettings(backend="ctranslate2", device=args.device, compute_type=compute, fixed_length=args.length)
    export = ExportOptions(formats=tuple(FORMATS))

    def plan(out: Path) -> batch.TranslationJob:
        shutil.rmtree(out, ignore_errors=True)
        return batch.plan([str(corpus)], out, export)

    rows = []

    # Local: the CLI's loop (the batch API: translate, then write, document by document).
    started = time.perf_counter()
    translator = load_translator(model, settings)
    translator.load()
    load_s = time.perf_counter() - started
    out = workdir / "out-local"
    job = plan(out)
    inputs, segments = job.inputs, job.segments
    started = time.perf_counter()
    for _ in batch.translate_files(job, translator):
        pass
    local_s = time.perf_counter() - started
    expected = snapshot(out)
    calls = sum(1 for i in inputs if load_document(i.path, "ar").segments)  # one call per document
    rows.append(("local", 1, f"{load_s:.1f} (model)", local_s, "–", "–", "yes"))
    del translator

    from translate.cluster.connection import connect
    from translate.cluster.runner import ClusterOptions, TranslationWorkers, translate_corpus

    started = time.perf_counter()
    ray = connect(None)
    ray_start_s = time.perf_counter() - started
    for count in (int(w) for w in args.workers.split(",")):
        options = ClusterOptions(workers=count)
        with TranslationWorkers(model, settings, options) as workers:
            actor = workers.pool.actors[0]
            trips = []
            for _ in range(20):
                t = time.perf_counter()
                ray.get(actor.translate.remote([]))
                trips.append(time.perf_counter() - t)
            out = workdir / f"out-ray-{count}"
            job = plan(out)
            started = time.perf_counter()
            for _ in translate_corpus(job, model, settings, options, workers=workers):
                pass
            wall = time.perf_counter() - started
            same = "yes" if snapshot(out) == expected else "NO"
            # Against the local pace scaled to this many workers: what each call (one document) cost beyond decoding.
            extra = (wall - local_s / count) / calls
            rows.append((
                f"ray {count} worker{'s' if count > 1 else ''}", count, f"{ray_start_s:.1f} (ray) + {workers.startup_s:.1f} (workers)",
                wall, f"{statistics.median(trips) * 1000:.1f} ms", f"{extra * 1000:+.0f} ms", same,
            ))
        ray_start_s = 0.0  # started once, for the first run
    ray.shutdown()

    tokens = segments * args.length
    print(f"{documents} documents, {segments} segments, {tokens} output tokens ({args.length} per segment); "
          f"fast-preset shapes, random weights, ctranslate2 {compute} on {args.device}; {os.cpu_count()} cores; "
          f"load average {os.getloadavg()[0]:.1f}; {calls} calls to the workers (one per document)")
    header = ("run", "start-up s", "wall s", "docs/s", "tokens/s", "× local", "empty call", "overhead/call", "same files")
    table = [header]
    for name, _, startup, wall, trip, extra, same in rows:
        table.append((name, startup, f"{wall:.1f}", f"{documents / wall:.2f}", f"{tokens / wall:.0f}", f"{local_s / wall:.2f}", trip, extra, same))
    widths = [max(len(r[i]) for r in table) for i in range(len(header))]
    for n, row in enumerate(table):
        print("| " + " | ".join(c.ljust(w) for c, w in zip(row, widths)) + " |")
        if n == 0:
            print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return 0 if all(r[-1] == "yes" for r in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
