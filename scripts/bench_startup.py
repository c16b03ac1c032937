#!/usr/bin/env python3
"""Start-up, whole-article and throughput against raw CTranslate2, in one run (issue 14).

For each preset (random weights of the preset's exact shapes, built by
scripts/bench_translate.py; every output forced to ``--length`` tokens, since
random weights stop at random lengths):

  (a) wall time of ``tarjama translate`` on tests/fixtures/article.ar.txt when
      every segment is already in the memory (median of ``--rounds`` runs);
  (b) wall time of a cold process translating that article (segmentation, an
      empty memory, QA, txt + tmx + html) against the script a user would
      write: import ctranslate2 + sentencepiece, load, ``translate_batch``,
      detokenize, write a txt; the raw script gets our segments as its lines,
      so both decode the same sentences; alternating rounds, medians;
  (c) throughput of our engine / raw ``translate_batch`` (CTranslate2's default
      threads, ``max_batch_size=16``) on one process, alternating rounds, at
      beam 4 and greedy; the raw side's time includes its SentencePiece
      tokenization and detokenization, as ours does.  The same rounds also
      time ours with the other threads layout (2×1 vs 1×2) and raw
      ``translate_batch`` on 2×1, so a ratio can be traced to its cause;
  (d) peak RSS of a cold article translation on CTranslate2 vs on transformers.

Processes run with bytecode caching on (as an installed package has it), in a
cache under ``--workdir``.  On a shared machine, quote the medians.

    python scripts/bench_startup.py --preset both --shared /work/shared
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ARTICLE = ROOT / "tests" / "fixtures" / "article.ar.txt"
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT))

OURS_ARTICLE = """
import sys
from pathlib import Path
from translate import batch
from translate.settings import DecodingSettings, ExportOptions
from translate.translation import load_translator
from translate.translation.memory import TranslationMemory
article, out, model, length, backend = sys.argv[1:6]
job = batch.plan([article], Path(out), ExportOptions(formats=("txt", "tmx", "html")))
memory = TranslationMemory(Path(out) / "tm.sqlite")
translator = load_translator(model, DecodingSettings(backend=backend, fixed_length=int(length)), memory=memory)
for report in batch.translate_files(job, translator):
    assert report.new == report.segments, report
"""

RAW_ARTICLE = """
import sys
import ctranslate2
import sentencepiece as spm
source, out, model_dir, spm_dir, length = sys.argv[1:6]
sp_source = spm.SentencePieceProcessor(model_file=spm_dir + "/source.spm")
sp_target = spm.SentencePieceProcessor(model_file=spm_dir + "/target.spm")
translator = ctranslate2.Translator(model_dir, device="cpu")
lines = [l for l in open(source, encoding="utf-8").read().splitlines() if l.strip()]
tokens = [pieces + ["</s>"] for pieces in sp_source.encode(lines, out_type=str)]
results = translator.translate_batch(tokens, beam_size=4, max_batch_size=16, min_decoding_length=int(length), max_decoding_length=int(length))
with open(out, "w", encoding="utf-8") as fh:
    for r in results:
        fh.write(sp_target.decode(r.hypotheses[0]) + "\\n")
"""


def env(workdir: Path) -> dict[str, str]:
    out = dict(os.environ, TARJAMA_CACHE_DIR=str(workdir / "cache"), PYTHONPATH=str(ROOT), PYTHONPYCACHEPREFIX=str(workdir / "pyc"))
    out.pop("PYTHONDONTWRITEBYTECODE", None)
    return out


def timed(cmd: list[str], workdir: Path) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one process (its own rusage, from wait4)."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env(workdir), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    stderr = proc.stderr.read().decode() if proc.stderr else ""
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise SystemExit(f"{' '.join(cmd[:6])} … failed:\n{stderr[-3000:]}")
    return seconds, usage.ru_maxrss / 1024


def prepare(preset: str, workdir: Path) -> tuple[Path, Path]:
    """The random-weight model and its CTranslate2 int8 conversion (built once, cached in workdir)."""
    model = workdir / f"{preset}-random"
    if not (model / "model.safetensors").is_file():
        build = f"import bench_translate as b; from pathlib import Path; b.build_model({preset!r}, Path({str(workdir)!r}))"
        subprocess.run([sys.executable, "-c", build], check=True, stdout=subprocess.DEVNULL, env=dict(env(workdir), PYTHONPATH=f"{ROOT}:{ROOT / 'scripts'}"))
    code = (
        "from translate.translation.source import resolve_source; from translate.translation.backends.ct2 import converted_model; "
        f"print(converted_model(resolve_source({str(model)!r}), 'int8'))"
    )
    converted = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True, env=env(workdir)).stdout.strip()
    return model, Path(converted)


def article_segments() -> list[str]:
    from translate.segmentation import segment_document

    return [s.text for s in segment_document(ARTICLE.read_text(encoding="utf-8"), "ar").segments]


def bench_memory_run(model: Path, workdir: Path, rounds: int) -> tuple[float, list[float]]:
    """(a): fill a memory once, then time runs that take every segment from it."""
    tm = workdir / f"memory-{model.name}.sqlite"
    cli = [sys.executable, "-m", "translate", "translate", str(ARTICLE), "--model", str(model), "--tm", str(tm), "-q"]
    timed([*cli, "-o", str(workdir / "a-fill")], workdir)  # decodes (and compiles bytecode): not measured
    times = [timed([*cli, "-o", str(workdir / "a-out")], workdir)[0] for _ in range(rounds)]
    return statistics.median(times), times


def bench_article(model: Path, converted: Path, workdir: Path, rounds: int, length: int) -> dict:
    """(b) and (d): cold processes, ours and raw alternately; then ours on transformers once for its RSS."""
    segments = workdir / "article-segments.txt"
    segments.write_text("\n".join(article_segments()) + "\n", encoding="utf-8")
    ours_cmd = [sys.executable, "-c", OURS_ARTICLE, str(ARTICLE), str(workdir / "b-ours"), str(model), str(length)]
    raw_cmd = [sys.executable, "-c", RAW_ARTICLE, str(segments), str(workdir / "b-raw.txt"), str(converted), str(model), str(length)]
    import shutil

    ours, raw = [], []
    for round_ in range(rounds + 1):
        for which in (("ours", "raw") if round_ % 2 else ("raw", "ours")):
            shutil.rmtree(workdir / "b-ours", ignore_errors=True)
            got = timed([*ours_cmd, "ctranslate2"] if which == "ours" else raw_cmd, workdir)
            if round_:  # the first round warms the page cache and the bytecode
                (ours if which == "ours" else raw).append(got)
    shutil.rmtree(workdir / "b-ours", ignore_errors=True)
    hf = timed([*ours_cmd, "transformers"], workdir)
    return {
        "ours_s": statistics.median(t for t, _ in ours), "raw_s": statistics.median(t for t, _ in raw),
        "ours_rss": max(r for _, r in ours), "raw_rss": max(r for _, r in raw), "hf_s": hf[0], "hf_rss": hf[1],
    }


THROUGHPUT = """
import cProfile, io, json, pstats, statistics, sys, time
import ctranslate2, sentencepiece as spm
import translate.translation.backends.ct2 as ct2
from translate.settings import DecodingSettings
from translate.translation import load_translator
model, converted, length, beam, rounds, profile = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), sys.argv[7] == "1"
sentences = json.load(open(sys.argv[6], encoding="utf-8"))
settings = DecodingSettings(backend="ctranslate2", device="cpu", beam=beam, fixed_length=length, no_repeat_ngram=0)

def ours_with(layout):
    # The engine as shipped, its backend opened with another inter x intra layout (None: the engine's own choice).
    chosen = ct2.cpu_layout
    if layout:
        ct2.cpu_layout = lambda cores: layout
    try:
        translator = load_translator(model, settings)
        translator.load()
    finally:
        ct2.cpu_layout = chosen
    return translator

ours = ours_with(None)
own = (ours.backend.inter_threads, ours.backend.intra_threads)
other = ours_with((1, 2) if own == (2, 1) else (2, 1))
sp_source = spm.SentencePieceProcessor(model_file=model + "/source.spm")
sp_target = spm.SentencePieceProcessor(model_file=model + "/target.spm")
raw = ctranslate2.Translator(converted, device="cpu")  # CTranslate2's defaults: inter_threads=1, intra_threads=0 (auto)
raw21 = ctranslate2.Translator(converted, device="cpu", inter_threads=2, intra_threads=1)

def run_raw(translator):
    tokens = [p + ["</s>"] for p in sp_source.encode(sentences, out_type=str)]
    results = translator.translate_batch(tokens, beam_size=beam, max_batch_size=16, min_decoding_length=length, max_decoding_length=length)
    return [sp_target.decode(r.hypotheses[0]) for r in results]

variants = {
    "ours": lambda: ours.translate(sentences),
    "ours-%dx%d" % (other.backend.inter_threads, other.backend.intra_threads): lambda: other.translate(sentences),
    "raw": lambda: run_raw(raw),
    "raw-2x1": lambda: run_raw(raw21),
}
ours.translate(sentences[:4]); other.translate(sentences[:4]); run_raw(raw); run_raw(raw21)  # warm-up
names = list(variants)
times = {name: [] for name in names}
for round_ in range(rounds):
    order = names[round_ % len(names):] + names[:round_ % len(names)]  # each variant goes first in turn
    for name in order:
        t0 = time.perf_counter()
        variants[name]()
        times[name].append(time.perf_counter() - t0)
ratios = [r / o for r, o in zip(times["raw"], times["ours"])]
result = {"ratios": ratios, "median": statistics.median(ratios), "layout": list(own), "times": times,
          "medians": {name: statistics.median(ts) for name, ts in times.items()}}
if profile:
    profiler = cProfile.Profile()
    profiler.enable(); ours.translate(sentences); profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(12)
    result["profile"] = out.getvalue()
print(json.dumps(result))
"""


def bench_throughput(model: Path, converted: Path, workdir: Path, sentences: list[str], length: int, beam: int, rounds: int, profile: bool) -> dict:
    """(c): ours (the engine's layout and the other one) against raw translate_batch (defaults, and 2×1), one process."""
    data = workdir / "sentences.json"
    data.write_text(json.dumps(sentences, ensure_ascii=False), encoding="utf-8")
    cmd = [sys.executable, "-c", THROUGHPUT, str(model), str(converted), str(length), str(beam), str(rounds), str(data), "1" if profile else "0"]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env(workdir))
    if proc.returncode:
        raise SystemExit(f"throughput failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def load_sentences(shared: Path, count: int) -> list[str]:
    from bench_translate import spread

    for name in ("flores200-devtest/flores200-devtest.arb_Arab", "ntrex128/newstest2019-ref.arb.txt"):
        path = shared / "data" / name
        if path.is_file():
            lines = list(dict.fromkeys(s.strip() for s in path.read_text(encoding="utf-8").splitlines() if s.strip()))
            return spread(lines, count)
    raise SystemExit(f"no test set under {shared}/data: pass --shared DIR (unique sentences are needed: the engine deduplicates)")


def met(ok: bool) -> str:
    return "met" if ok else "NOT met"


def run_preset(preset: str, args: argparse.Namespace) -> list[str]:
    workdir = args.workdir
    t0 = time.perf_counter()
    model, converted = prepare(preset, workdir)
    print(f"[{preset}] model ready in {time.perf_counter() - t0:.0f} s", file=sys.stderr, flush=True)
    small = preset == "quality"
    rounds = max(2, args.rounds // 2) if small else args.rounds
    rows, notes = [], []
    if "a" in args.measures:
        memory_s, memory_all = bench_memory_run(model, workdir, rounds)
        print(f"[{preset}] (a) {memory_s:.2f} s {[round(t, 2) for t in memory_all]}", file=sys.stderr, flush=True)
        rows.append(f"| (a) `tarjama translate` article, all from memory | {memory_s:.2f} s | | | ≤ 0.5 s | {met(memory_s <= 0.5)} |")
        notes.append(f"(a) rounds: {', '.join(f'{t:.2f}' for t in memory_all)} s.")
    if "b" in args.measures or "d" in args.measures:
        article = bench_article(model, converted, workdir, max(1, rounds // 2) if small else rounds, args.length)
        print(f"[{preset}] (b,d) {article}", file=sys.stderr, flush=True)
        b_ratio = article["ours_s"] / article["raw_s"]
        rss = article["ours_rss"] / article["hf_rss"]
        rows.append(
            f"| (b) cold article, beam 4, 3 outputs vs raw script | {article['ours_s']:.2f} s | {article['raw_s']:.2f} s | {b_ratio:.2f}× | ≤ 1.2× | {met(b_ratio <= 1.2)} |"
        )
        rows.append(
            f"| (d) peak RSS, CTranslate2 vs transformers path | {article['ours_rss']:.0f} MB | {article['hf_rss']:.0f} MB | {100 * rss:.0f}% | ≤ 30% | {met(rss <= 0.30)} |"
        )
        notes.append(f"Raw script peak RSS {article['raw_rss']:.0f} MB; transformers cold article {article['hf_s']:.1f} s.")
    count = 0
    if "c" in args.measures:
        sentences = load_sentences(args.shared, args.sentences // (3 if small else 1))
        count = len(sentences)
        for beam, label in ((4, "beam 4"), (1, "greedy")):
            got = bench_throughput(model, converted, workdir, sentences, args.length, beam, rounds, args.profile)
            print(f"[{preset}] (c) {label}: {json.dumps({k: v for k, v in got.items() if k != 'profile'})}", file=sys.stderr, flush=True)
            if got.get("profile"):
                print(f"[{preset}] (c) {label}, profile of one round of ours:\n{got['profile']}", file=sys.stderr, flush=True)
            med = got["medians"]
            rate = {name: count * args.length / t for name, t in med.items()}
            layout = "×".join(str(n) for n in got["layout"])
            rows.append(
                f"| (c) throughput vs raw translate_batch, {label} | {rate['ours']:.0f} tok/s ({layout}) | {rate['raw']:.0f} tok/s "
                f"| {got['median']:.2f}× | ≥ 1.2× | {met(got['median'] >= 1.2)} |"
            )
            others = ", ".join(f"{name} {rate[name]:.0f} tok/s ({med['raw'] / t:.2f}×)" for name, t in med.items() if name not in ("ours", "raw"))
            notes.append(f"(c) {label}, per-round ratios {', '.join(f'{r:.2f}' for r in got['ratios'])}; same rounds: {others}.")
    return [
        f"### preset `{preset}`: {args.length} output tokens per sentence, {count} sentences for (c), {rounds} alternating rounds",
        "",
        "| measure | ours | raw / reference | ratio | target | |",
        "|---|---|---|---|---|---|",
        *rows,
        "",
        " ".join(notes),
        "",
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--preset", choices=("fast", "quality", "both"), default="fast")
    parser.add_argument("--rounds", type=int, default=5, help="alternating rounds per measure (the quality preset runs about half)")
    parser.add_argument("--sentences", type=int, default=200, help="sentences for (c) (a third for quality)")
    parser.add_argument("--length", type=int, default=32, help="output tokens per sentence, forced (default: 32)")
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared", help="the shared data folder (test sets for (c))")
    parser.add_argument("--measures", default="abcd", help="which of (a)-(d) to run (default: abcd)")
    parser.add_argument("--profile", action="store_true", help="(c): also print a cProfile of one round of ours")
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "tarjama-bench", help="models and caches")
    args = parser.parse_args(argv)
    args.workdir.mkdir(parents=True, exist_ok=True)
    lines = []
    for preset in ["fast", "quality"] if args.preset == "both" else [args.preset]:
        lines += run_preset(preset, args)
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
