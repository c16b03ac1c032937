#!/usr/bin/env python3
"""Translation speed and memory: naive transformers loop vs our engine vs raw CTranslate2.

Builds random-weight MarianMT models with the exact configurations of the
presets (models/configs/*.json: the real shapes and vocabulary sizes; a real
SentencePiece vocabulary from scripts/make_tiny_model.py, padded with filler
pieces to the real vocabulary size), then translates the same Arabic sentences
with every engine, each in its own subprocess so that its peak RSS is its own:

  naive            transformers, one ``model.generate`` per sentence
  ours-transformers  tarjama's engine on the transformers backend
  ours-ctranslate2   tarjama's engine on CTranslate2 (int8 on CPU)
  raw-ctranslate2    ``ctranslate2.Translator.translate_batch`` on pre-tokenized input

Speed depends on shapes, not weights; random weights would stop at random
lengths, so every engine is forced to produce exactly ``--length`` tokens per
sentence (min = max length, no end token) and speed is reported as output
tokens per second.  The slow engines translate an evenly spaced subset of the
sentences (``--naive-sentences``, ``--hf-sentences``); tokens/s normalises.
The last column is the 1-minute load average when the engine finished: on a
shared machine, other processes slow the torch engines far more than
CTranslate2, so compare rows measured at similar load.  On a CUDA machine the GPU engines (transformers fp16, CTranslate2 float16 and
int8_float16) are measured as well; nothing needs a GPU.

    python scripts/bench_translate.py                  # fast preset, CPU, a few minutes
    python scripts/bench_translate.py --preset quality
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
CONFIGS = {"fast": ROOT / "models" / "configs" / "opus-mt-ar-en.json", "quality": ROOT / "models" / "configs" / "opus-mt-tc-big-ar-en.json"}
DATA = [SHARED / "flores200-devtest" / "flores200-devtest.arb_Arab", SHARED / "ntrex128" / "newstest2019-ref.arb.txt"]
FALLBACK_DATA = ROOT / "tests" / "fixtures" / "article.ar.txt"


# -- building the models ---------------------------------------------------------------------------


def build_model(preset: str, workdir: Path) -> Path:
    """A random-weight model of the preset's exact shapes, cached in ``workdir``."""
    out = workdir / f"{preset}-random"
    if (out / "model.safetensors").is_file():
        return out
    spec = importlib.util.spec_from_file_location("make_tiny_model", ROOT / "scripts" / "make_tiny_model.py")
    tiny = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tiny)  # type: ignore[union-attr]
    vocab_dir = workdir / "vocab"
    if not (vocab_dir / "vocab.json").is_file():
        tiny.build(vocab_dir, vocab_size=8000, d_model=16, layers=1)

    import torch
    from transformers import GenerationConfig, MarianConfig, MarianMTModel, MarianTokenizer

    config_dict = json.loads(CONFIGS[preset].read_text(encoding="utf-8"))
    size = int(config_dict["vocab_size"])
    vocab = json.loads((vocab_dir / "vocab.json").read_text(encoding="utf-8"))
    pieces = [p for p, _ in sorted(vocab.items(), key=lambda kv: kv[1]) if p != "<pad>"]
    pieces += [f"▁filler{i}" for i in range(size - 1 - len(pieces))] + ["<pad>"]
    tmp = Path(tempfile.mkdtemp(dir=workdir, prefix=f".{preset}-"))
    (tmp / "vocab.json").write_text(json.dumps({p: i for i, p in enumerate(pieces)}, ensure_ascii=False), encoding="utf-8")
    for name in ("source.spm", "target.spm"):
        (tmp / name).write_bytes((vocab_dir / name).read_bytes())
    pad = size - 1
    # The real shapes; the special ids are those of the reused vocabulary (</s> = 0, <pad> last).
    config_dict.update(pad_token_id=pad, decoder_start_token_id=pad, eos_token_id=0, forced_eos_token_id=0, bad_words_ids=[[pad]])
    for key in ("architectures", "transformers_version", "torch_dtype", "_name_or_path"):
        config_dict.pop(key, None)
    config = MarianConfig(**config_dict)
    torch.manual_seed(0)
    model = MarianMTModel(config)
    model.generation_config = GenerationConfig(num_beams=4, max_length=512, bad_words_ids=[[pad]], pad_token_id=pad, eos_token_id=0, decoder_start_token_id=pad, forced_eos_token_id=0)
    model.save_pretrained(tmp, safe_serialization=True)
    MarianTokenizer(source_spm=str(tmp / "source.spm"), target_spm=str(tmp / "target.spm"), vocab=str(tmp / "vocab.json"), source_lang="ar", target_lang="en", model_max_length=512).save_pretrained(tmp)
    tmp.rename(out)
    return out


def load_sentences(count: int) -> list[str]:
    for path in DATA:
        if path.is_file():
            lines = list(dict.fromkeys(line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()))
            break
    else:
        from translate.segmentation import segment_document

        lines = [s.text for s in segment_document(FALLBACK_DATA.read_text(encoding="utf-8"), "ar").segments]
        lines = (lines * (count // max(1, len(lines)) + 1))[:count]
    return spread(lines, count)


def spread(items: list, count: int) -> list:
    """``count`` evenly spaced items, so that a subset has the length distribution of the whole."""
    if count >= len(items):
        return list(items)
    return [items[i * len(items) // count] for i in range(count)]


# -- one engine, in its own process ----------------------------------------------------------------


def worker(args: argparse.Namespace) -> None:
    started = time.perf_counter()
    sys.path.insert(0, str(ROOT))
    sentences = json.loads(Path(args.sentences_file).read_text(encoding="utf-8"))
    from translate.translation import load_translator

    engine, device, compute = args.worker, args.device, args.compute_type
    length, beam = args.length, args.beam
    counted = [0]

    if engine == "naive":
        import torch
        from transformers import MarianMTModel, MarianTokenizer

        if device == "cpu":
            torch.set_num_threads(_threads())
        tokenizer = MarianTokenizer.from_pretrained(args.model)
        dtype = torch.float16 if compute == "float16" else torch.float32
        model = MarianMTModel.from_pretrained(args.model).to(device, dtype).eval()

        def run(batch: list[str]) -> None:
            for sentence in batch:
                enc = tokenizer([sentence], return_tensors="pt").to(device)
                with torch.inference_mode():
                    out = model.generate(**enc, num_beams=beam, min_new_tokens=length, max_new_tokens=length, forced_eos_token_id=None)
                counted[0] += out.shape[1] - 1

    elif engine == "raw-ctranslate2":
        import ctranslate2
        from transformers import MarianTokenizer

        from translate.translation.backends.ct2 import converted_model
        from translate.translation.source import resolve_source

        tokenizer = MarianTokenizer.from_pretrained(args.model)
        translator = ctranslate2.Translator(str(converted_model(resolve_source(args.model), compute)), device=device, compute_type=compute, intra_threads=_threads() if device == "cpu" else 1)

        def run(batch: list[str]) -> None:
            tokens = [tokenizer.convert_ids_to_tokens(ids) for ids in tokenizer(batch)["input_ids"]]
            t0 = time.perf_counter()
            results = translator.translate_batch(tokens, beam_size=beam, min_decoding_length=length, max_decoding_length=length, max_batch_size=args.raw_batch_size)
            run.seconds = time.perf_counter() - t0  # type: ignore[attr-defined]
            counted[0] += sum(len(r.hypotheses[0]) for r in results)

    elif engine == "ab-ctranslate2":
        # Ours and raw translate_batch on the very same loaded model, alternately: the ratio of
        # their times is our engine's overhead, free of the load changes between subprocesses.
        ours = load_translator(args.model, decoding_settings(args, "ctranslate2"))
        tokenizer, raw = ours.tokenizer, ours.backend._translator  # type: ignore[attr-defined]
        ours.translate(sentences[:2])
        ratios = []
        for round_ in range(args.repeat * 2):
            times = {}
            for which in (("ours", "raw") if round_ % 2 else ("raw", "ours")):
                t0 = time.perf_counter()
                if which == "ours":
                    ours.translate(sentences)
                else:
                    tokens = [tokenizer.source_tokens(ids) for ids in tokenizer.encode(sentences)]
                    raw.translate_batch(tokens, beam_size=beam, min_decoding_length=length, max_decoding_length=length, max_batch_size=args.raw_batch_size)
                times[which] = time.perf_counter() - t0
            ratios.append(times["raw"] / times["ours"])
        ratios.sort()
        print(json.dumps({"engine": engine, "ratios": ratios, "median": ratios[len(ratios) // 2]}))
        return

    else:
        translator = load_translator(args.model, decoding_settings(args, engine.removeprefix("ours-")))
        generate = translator.backend.generate

        def counting(*a, **k):
            outputs = generate(*a, **k)
            counted[0] += sum(len(o.best.ids) for o in outputs)  # each output: its Hypotheses, best first
            return outputs

        translator.backend.generate = counting  # type: ignore[method-assign]

        def run(batch: list[str]) -> None:
            translator.translate(batch)

    load_s = time.perf_counter() - started
    run(sentences[:2])  # warm-up, not measured
    # Best of --repeat runs: other processes on a shared machine only ever slow a run down.
    best = None
    for _ in range(args.repeat):
        counted[0] = 0
        t0 = time.perf_counter()
        run(sentences)
        seconds = getattr(run, "seconds", None) or (time.perf_counter() - t0)
        best = seconds if best is None or seconds < best else best
    seconds = best
    peak_gpu = None
    if device == "cuda" and "torch" in sys.modules:  # importing torch now would inflate the peak RSS
        import torch

        peak_gpu = torch.cuda.max_memory_allocated() / 2**20
    print(json.dumps({
        "engine": engine, "compute": compute, "sentences": len(sentences), "tokens": counted[0], "seconds": seconds,
        "load_s": load_s, "rss_mb": peak_rss_mb(), "gpu_mb": peak_gpu,
        "loadavg": os.getloadavg()[0],
    }))


def decoding_settings(args: argparse.Namespace, backend: str):  # -> DecodingSettings (imported late: ROOT goes on sys.path first)
    """Our engine's settings for a worker: every output exactly ``--length`` tokens, no repetition guard."""
    from translate.settings import DecodingSettings

    return DecodingSettings(
        backend=backend, device=args.device, compute_type=args.compute_type, beam=args.beam, fixed_length=args.length,
        no_repeat_ngram=0, batch_tokens=args.batch_tokens, batch_size=args.batch_size,
    )


def peak_rss_mb() -> float:
    """This process's peak resident memory.

    Linux's ``ru_maxrss`` survives ``exec``: a worker would inherit the RSS its parent had when it
    forked.  ``VmHWM`` belongs to the process's own memory map, so it counts only the worker.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _threads() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


# -- the run -----------------------------------------------------------------------------------------


def measure(model: Path, engine: str, device: str, compute: str, sentences: list[str], args: argparse.Namespace, workdir: Path) -> dict:
    data = workdir / "sentences.json"
    data.write_text(json.dumps(sentences, ensure_ascii=False), encoding="utf-8")
    cmd = [sys.executable, __file__, "--worker", engine, "--model", str(model), "--device", device, "--compute-type", compute,
           "--sentences-file", str(data), "--length", str(args.length), "--beam", str(args.beam),
           "--batch-tokens", str(args.batch_tokens), "--batch-size", str(args.batch_size),
           "--raw-batch-size", str(args.raw_batch_size or args.batch_size),
           "--repeat", str(1 if engine in ("naive", "ours-transformers") else args.repeat)]
    env = dict(os.environ, TARJAMA_CACHE_DIR=str(workdir / "cache"), PYTHONPATH=str(ROOT))
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if proc.returncode:
        raise SystemExit(f"{engine} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def run_preset(preset: str, args: argparse.Namespace, workdir: Path) -> list[str]:
    t0 = time.perf_counter()
    model = workdir / f"{preset}-random"
    if not (model / "model.safetensors").is_file():  # built in a subprocess: this process stays small
        build = f"import sys; sys.path.insert(0, {str(ROOT / 'scripts')!r}); import bench_translate as b; from pathlib import Path; b.build_model({preset!r}, Path({str(workdir)!r}))"
        subprocess.run([sys.executable, "-c", build], check=True, stdout=subprocess.DEVNULL, env=dict(os.environ, PYTHONPATH=str(ROOT)))
    computes = ["int8"] + (["float16", "int8_float16"] if args.cuda else [])
    convert = (
        "import sys; from translate.translation.source import resolve_source; "
        "from translate.translation.backends.ct2 import converted_model; "
        f"[converted_model(resolve_source({str(model)!r}), c) for c in {computes!r}]"
    )
    env = dict(os.environ, TARJAMA_CACHE_DIR=str(workdir / "cache"), PYTHONPATH=str(ROOT))
    subprocess.run([sys.executable, "-c", convert], check=True, env=env)  # once, before any measurement
    print(f"[{preset}] model ready in {time.perf_counter() - t0:.0f} s: {model}", file=sys.stderr)
    sentences = load_sentences(args.sentences)
    scale = 1 if preset == "fast" else args.quality_scale
    subset = {
        "naive": spread(sentences, max(2, args.naive_sentences // scale)),
        "ours-transformers": spread(sentences, max(2, args.hf_sentences // scale)),
    }
    engines = [("naive", "cpu", "float32"), ("ours-transformers", "cpu", "default"), ("ours-ctranslate2", "cpu", "int8"), ("raw-ctranslate2", "cpu", "int8")]
    if args.cuda:
        engines += [("naive", "cuda", "float16"), ("ours-transformers", "cuda", "float16"),
                    ("ours-ctranslate2", "cuda", "float16"), ("raw-ctranslate2", "cuda", "float16"),
                    ("ours-ctranslate2", "cuda", "int8_float16"), ("raw-ctranslate2", "cuda", "int8_float16")]
    ours_ct2 = spread(sentences, max(2, len(sentences) // scale))
    results = []
    for engine, device, compute in engines:
        chosen = subset.get(engine, ours_ct2)
        print(f"[{preset}] {engine} {device} {compute}: {len(chosen)} sentences …", file=sys.stderr, flush=True)
        result = measure(model, engine, device, compute, chosen, args, workdir)
        result.update(device=device, rate=result["tokens"] / result["seconds"])
        results.append(result)
        print(f"[{preset}]   {result['rate']:.0f} tok/s, {result['rss_mb']:.0f} MB", file=sys.stderr, flush=True)
    ab = measure(model, "ab-ctranslate2", "cpu", "int8", ours_ct2, args, workdir)
    print(f"[{preset}]   ours / raw CTranslate2 on one loaded model: median {ab['median']:.3f}", file=sys.stderr, flush=True)
    return report(preset, results, args, ab)


def report(preset: str, results: list[dict], args: argparse.Namespace, ab: dict) -> list[str]:
    lines = [f"### preset `{preset}`: beam {args.beam}, {args.length} output tokens per sentence, {_threads()} CPU threads, "
             f"batches of ≤ {args.batch_size} sentences / {args.batch_tokens} tokens (raw: max_batch_size {args.raw_batch_size or args.batch_size})", "",
             "| engine | device | compute | sentences | tokens/s | × naive | × raw CT2 | load s | peak RSS MB | RSS vs ours-transformers | machine load |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for device in ("cpu", "cuda"):
        rows = [r for r in results if r["device"] == device]
        if not rows:
            continue
        naive = next(r for r in rows if r["engine"] == "naive")
        ours_hf = next(r for r in rows if r["engine"] == "ours-transformers")
        for r in rows:
            raw = next((x for x in rows if x["engine"] == "raw-ctranslate2" and x["compute"] == r["compute"]), None)
            vs_raw = f"{r['rate'] / raw['rate']:.2f}" if raw else ""
            gpu = f" (GPU {r['gpu_mb']:.0f})" if r.get("gpu_mb") else ""
            lines.append(
                f"| {r['engine']} | {device} | {r['compute']} | {r['sentences']} | {r['rate']:.0f} | {r['rate'] / naive['rate']:.1f} | {vs_raw} "
                f"| {r['load_s']:.1f} | {r['rss_mb']:.0f}{gpu} | {100 * r['rss_mb'] / ours_hf['rss_mb']:.0f}% | {r['loadavg']:.1f} |"
            )
        ours = next(r for r in rows if r["engine"] == "ours-ctranslate2")
        raw = next(r for r in rows if r["engine"] == "raw-ctranslate2" and r["compute"] == ours["compute"])
        if device == "cpu":
            spread_ = ", ".join(f"{r:.3f}" for r in ab["ratios"])
            lines += ["", f"Ours vs raw CTranslate2 int8 on one loaded model, {len(ab['ratios'])} alternating rounds: "
                      f"median {ab['median']:.3f}× (each round: {spread_}).", "",
                      f"{preset} targets (CPU, ours-ctranslate2 int8): "
                      f"{ours['rate'] / naive['rate']:.1f}× naive (≥ 5: {'met' if ours['rate'] >= 5 * naive['rate'] else 'NOT met'}), "
                      f"{ab['median']:.2f}× raw CTranslate2, same process (≥ 1.0: {'met' if ab['median'] >= 1.0 else 'NOT met'}), "
                      f"peak RSS {100 * ours['rss_mb'] / ours_hf['rss_mb']:.0f}% of ours-transformers (≤ 35%: {'met' if ours['rss_mb'] <= 0.35 * ours_hf['rss_mb'] else 'NOT met'})"]
    lines.append("")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--preset", choices=("fast", "quality", "both"), default="fast")
    parser.add_argument("--sentences", type=int, default=200, help="sentences for the CTranslate2 engines (default: 200)")
    parser.add_argument("--naive-sentences", type=int, default=12, help="evenly spaced subset for the naive loop (default: 12)")
    parser.add_argument("--hf-sentences", type=int, default=48, help="evenly spaced subset for ours-transformers (default: 48)")
    parser.add_argument("--quality-scale", type=int, default=3, help="the quality preset translates this many times fewer sentences (default: 3)")
    parser.add_argument("--length", type=int, default=32, help="output tokens per sentence, forced (default: 32)")
    parser.add_argument("--beam", type=int, default=4)
    parser.add_argument("--batch-tokens", type=int, default=None, help="our engine's token budget per batch (default: the engine's)")
    parser.add_argument("--batch-size", type=int, default=None, help="our engine's sentences per batch (default: the engine's)")
    parser.add_argument("--raw-batch-size", type=int, default=None, help="max_batch_size for raw translate_batch (default: our batch size)")
    parser.add_argument("--repeat", type=int, default=3, help="the CTranslate2 engines report the best of N runs (default: 3)")
    parser.add_argument("--cuda", choices=("auto", "yes", "no"), default="auto", help="measure the GPU engines (default: when a GPU is present)")
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "tarjama-bench", help="models and converted models are cached here")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--model", help=argparse.SUPPRESS)
    parser.add_argument("--device", default="cpu", help=argparse.SUPPRESS)
    parser.add_argument("--compute-type", default="default", help=argparse.SUPPRESS)
    parser.add_argument("--sentences-file", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from translate.settings import DEFAULT_BATCH_SIZE, DEFAULT_BATCH_TOKENS

    args.batch_tokens = args.batch_tokens or DEFAULT_BATCH_TOKENS
    args.batch_size = args.batch_size or DEFAULT_BATCH_SIZE
    args.raw_batch_size = args.raw_batch_size or args.batch_size
    if args.worker:
        worker(args)
        return 0
    if args.cuda == "auto":
        import ctranslate2

        args.cuda = ctranslate2.get_cuda_device_count() > 0
    else:
        args.cuda = args.cuda == "yes"
    args.workdir.mkdir(parents=True, exist_ok=True)
    presets = ["fast", "quality"] if args.preset == "both" else [args.preset]
    lines = []
    for preset in presets:
        lines += run_preset(preset, args, args.workdir)
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
