#!/usr/bin/env python3
"""Does `tarjama tune` teach a model the team's translations?  Measured apart from the tune report.

A memory of N human units (Tatoeba ar→en from ../shared, the first N distinct
sources) is tuned on with the real command; then, on held-out pairs of the
same kind (later Tatoeba pairs whose source is not in the memory), this
script computes by itself, with transformers and sacreBLEU, each model's
per-token loss (teacher-forced cross-entropy) and the chrF of its
translations on the CTranslate2 backend (through tarjama's own translator,
no memory, the model's own beam unless ``--beam`` is given, as ``tarjama
translate`` runs it).  The issue's bar: at most 20 minutes of tuning, the
loss down by at least 20 %, chrF up.

    python scripts/eval_tune.py                           # 8000 units, the tiny model
    python scripts/eval_tune.py --units 2000 --held-out 300 --model DIR

The tiny model has random weights (std 0.3), so its defaults here are the
recipe for a random base (docs/tune.md, "A random-weight base"):
``--learning-rate 1e-2 --weight-decay 1.0 --epochs 6``.  A trained model
takes the command's defaults (5e-5, no decay, 3 epochs): pass them.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TATOEBA = ROOT.parent / "shared" / "data" / "tatoeba" / "tatoeba-test-v2021-08-07"


def pairs() -> list[tuple[str, str]]:
    from translate.translation.memory import normalise

    ar = (TATOEBA.with_suffix(".ara")).read_text(encoding="utf-8").splitlines()
    en = (TATOEBA.with_suffix(".eng")).read_text(encoding="utf-8").splitlines()
    seen: dict[str, tuple[str, str]] = {}
    for source, target in zip(ar, en, strict=True):
        key = normalise(source)
        if key and target.strip() and key not in seen:
            seen[key] = (source.strip(), target.strip())
    return list(seen.values())


def token_loss(model_dir: Path, held: list[tuple[str, str]]) -> float:
    """Mean cross-entropy per target token, teacher-forced, dropout off: the script's own code, not the tune report's."""
    import torch
    from transformers import MarianMTModel, MarianTokenizer

    tokenizer = MarianTokenizer.from_pretrained(str(model_dir))
    model = MarianMTModel.from_pretrained(str(model_dir)).eval()
    total, tokens = 0.0, 0
    with torch.no_grad():
        for start in range(0, len(held), 32):
            chunk = held[start : start + 32]
            batch = tokenizer([s for s, _ in chunk], text_target=[t for _, t in chunk], return_tensors="pt", padding=True, truncation=True, max_length=256)
            labels = batch["labels"].masked_fill(batch["labels"] == tokenizer.pad_token_id, -100)
            logits = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"], labels=labels).logits
            total += float(torch.nn.functional.cross_entropy(logits.flatten(0, 1), labels.flatten(), ignore_index=-100, reduction="sum"))
            tokens += int((labels != -100).sum())
    return total / tokens


def chrf(model_dir: Path, held: list[tuple[str, str]], beam: int | None) -> tuple[float, float]:
    """chrF of the model's translations on CTranslate2 through tarjama's translator, and their mean length in words."""
    from sacrebleu.metrics import CHRF

    from translate.settings import DecodingSettings
    from translate.translation import load_translator

    translator = load_translator(str(model_dir), DecodingSettings(backend="ctranslate2", device="cpu", beam=beam))
    hypotheses = [t.text for t in translator.translate_segments([s for s, _ in held])]
    return float(CHRF().corpus_score(hypotheses, [[t for _, t in held]]).score), sum(len(h.split()) for h in hypotheses) / len(hypotheses)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--units", type=int, default=8000)
    parser.add_argument("--held-out", type=int, default=1000)
    parser.add_argument("--model", default=str(ROOT.parent / "main" / "models" / "tiny"))
    parser.add_argument("--learning-rate", default="1e-2")
    parser.add_argument("--epochs", default="6")
    parser.add_argument("--weight-decay", default="1.0")
    parser.add_argument("--beam", type=int, default=None, help="default: the model's own beam, as `tarjama translate` uses it")
    parser.add_argument("--threads", default="1")
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args()
    if not TATOEBA.with_suffix(".ara").is_file():
        print(f"needs the shared Tatoeba set at {TATOEBA}", file=sys.stderr)
        return 2
    sys.path.insert(0, str(ROOT))
    from translate.translation.memory import TranslationMemory

    everything = pairs()
    memory_pairs, held = everything[: args.units], everything[args.units : args.units + args.held_out]
    work = args.workdir or Path(tempfile.mkdtemp(prefix="eval-tune-"))
    memory, out = work / "tm.sqlite", work / "tuned"
    with TranslationMemory(memory) as tm:
        tm.store_human(memory_pairs, origin="tmx:tatoeba.tmx")
    load_before = os.getloadavg()
    command = [sys.executable, "-m", "translate", "tune", "--tm", str(memory), "--model", args.model, "-o", str(out),
               "--learning-rate", args.learning_rate, "--epochs", args.epochs, "--weight-decay", args.weight_decay, "--threads", args.threads, "-q"]
    started = time.monotonic()
    done = subprocess.run(command, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True)
    seconds = time.monotonic() - started
    load_after = os.getloadavg()
    if done.returncode != 0:
        print(done.stderr, file=sys.stderr)
        return 1
    base_loss, tuned_loss = token_loss(Path(args.model), held), token_loss(out, held)
    (base_chrf, base_words), (tuned_chrf, tuned_words) = chrf(Path(args.model), held, args.beam), chrf(out, held, args.beam)
    result = {
        "units": len(memory_pairs), "held_out": len(held), "tune_seconds": round(seconds, 1), "command": " ".join(command[1:]),
        "beam": args.beam or "the model's own",
        "load_average_before": [round(x, 2) for x in load_before], "load_average_after": [round(x, 2) for x in load_after],
        "loss_base": round(base_loss, 4), "loss_tuned": round(tuned_loss, 4), "loss_reduction": round(1 - tuned_loss / base_loss, 4),
        "chrf_base": round(base_chrf, 2), "chrf_tuned": round(tuned_chrf, 2),
        "words_base": round(base_words, 1), "words_tuned": round(tuned_words, 1), "words_reference": round(sum(len(t.split()) for _, t in held) / len(held), 1),
        "passes": seconds <= 1200 and tuned_loss <= 0.8 * base_loss and tuned_chrf > base_chrf,
    }
    print(json.dumps(result, indent=2))
    return 0 if result["passes"] else 1


if __name__ == "__main__":
    sys.exit(main())
