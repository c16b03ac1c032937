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
      tokenization and detokenization, as ours does;
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
import json, statistics, sys, time
import ctranslate2, sentencepiece as spm
from translate.settings import DecodingSettings
from translate.translation import load_translator
model, converted, length, beam, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
sentences = json.load(open(sys.argv[6], encoding="utf-8"))
ours = load_translator(model, DecodingSettings(backend="ctranslate2", beam=beam, fixed_length=length, no_repeat_ngram=0))
raw = ctranslate2.Translator(converted, device="cpu")
sp_source = spm.SentencePieceProcessor(model_file=model + "/source.spm")
sp_target = spm.SentencePieceProcessor(model_file=model + "/target.spm")

def run_raw():
    tokens = [p + ["</s>"] for p in sp_source.encode(sentences, out_type=str)]
    results = raw.translate_batch(tokens, beam_size=beam, max_batch_size=16, min_decoding_length=length, max_decoding_length=length)
    return [sp_target.decode(r.hypotheses[0]) for r in results]

ours.translate(sentences[:4]); run_raw()
ratios = []
for round_ in range(rounds):
    times = {}
    for which in (("ours", "raw") if round_ % 2 else ("raw", "ours")):
        t0 = time.perf_counter()
        ours.translate(sentences) if which == "ours" else run_raw()
        times[which] = time.perf_counter() - t0
    ratios.append(times["raw"] / times["ours"])
print(json.dumps({"ratios": ratios, "median": statistics.median(ratios), "layout": [ours.backend.inter_threads, ours.backend.intra_threads]}))
"""


def bench_throughput(model: Path, converted: Path, workdir: Path, sentences: list[str], length: int, beam: int, rounds: int) -> dict:
    data = workdir / "sentences.json"
    data.write_text(json.dumps(sentences, ensure_ascii=False), encoding="utf-8")
    cmd = [sys.executable, "-c", THROUGHPUT, str(model), str(converted), str(length), str(beam), str(rounds), str(data)]
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
    memory_s, memory_all = bench_memory_run(model, workdir, rounds)
    print(f"[{preset}] (a) {memory_s:.2f} s {[round(t, 2) for t in memory_all]}", file=sys.stderr, flush=True)
    article = bench_article(model, converted, workdir, max(1, rounds // 2) if small else rounds, args.length)
    print(f"[{preset}] (b,d) {article}", file=sys.stderr, flush=True)
    sentences = load_sentences(args.shared, args.sentences // (3 if small else 1))
    throughput = {}
    for beam in (4, 1):
        throughput[beam] = bench_throughput(model, converted, workdir, sentences, args.length, beam, rounds if not small else 2)
        print(f"[{preset}] (c) beam {beam}: {throughput[beam]}", file=sys.stderr, flush=True)
    b_ratio = article["ours_s"] / article["raw_s"]
    rss = article["ours_rss"] / article["hf_rss"]
    layout = "×".join(str(n) for n in throughput[4]["layout"])
    return [
        f"### preset `{preset}`: {args.length} output tokens per sentence, {len(sentences)} sentences for (c), "
        f"ours inter×intra threads = {layout}, {rounds} alternating rounds",
        "",
        "| measure | ours | raw / reference | ratio | target | |",
        "|---|---|---|---|---|---|",
        f"| (a) `tarjama translate` article, all from memory | {memory_s:.2f} s | | | ≤ 0.5 s | {met(memory_s <= 0.5)} |",
        f"| (b) cold article, beam 4, 3 outputs vs raw script | {article['ours_s']:.2f} s | {article['raw_s']:.2f} s | {b_ratio:.2f}× | ≤ 1.2× | {met(b_ratio <= 1.2)} |",
        f"| (c) throughput vs raw translate_batch, beam 4 | | | {throughput[4]['median']:.2f}× | ≥ 1.2× | {met(throughput[4]['median'] >= 1.2)} |",
        f"| (c) throughput vs raw translate_batch, greedy | | | {throughput[1]['median']:.2f}× | ≥ 1.2× | {met(throughput[1]['median'] >= 1.2)} |",
        f"| (d) peak RSS, CTranslate2 vs transformers path | {article['ours_rss']:.0f} MB | {article['hf_rss']:.0f} MB | {100 * rss:.0f}% | ≤ 30% | {met(rss <= 0.30)} |",
        "",
        f"(a) rounds: {', '.join(f'{t:.2f}' for t in memory_all)} s; raw script peak RSS {article['raw_rss']:.0f} MB; "
        f"transformers cold article {article['hf_s']:.1f} s; (c) rounds beam 4: {', '.join(f'{r:.2f}' for r in throughput[4]['ratios'])}; "
        f"greedy: {', '.join(f'{r:.2f}' for r in throughput[1]['ratios'])}.",
        "",
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--preset", choices=("fast", "quality", "both"), default="fast")
    parser.add_argument("--rounds", type=int, default=5, help="alternating rounds per measure (the quality preset runs about half)")
    parser.add_argument("--sentences", type=int, default=200, help="sentences for (c) (a third for quality)")
    parser.add_argument("--length", type=int, default=32, help="output tokens per sentence, forced (default: 32)")
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared", help="the shared data folder (test sets for (c))")
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
