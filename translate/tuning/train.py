"""Fine-tune a MarianMT model on the collected pairs, resumably, and publish it only when it beats its base.

The recipe (docs/tune.md gives the literature): continued training of the
whole model from the base weights (Luong & Manning 2015) with a low learning
rate, a short linear warm-up and linear decay, a few epochs at most, early
stopping on the per-token loss of the held-out validation split and the best
checkpoint kept (Freitag & Al-Onaizan 2016 saw general-domain quality fall
the longer in-domain training ran), and, when the user gives one, a general
sample mixed into training (Chu et al. 2017's "mixed fine-tuning").  The
base model's own dropout stays on during training, as Miceli Barone et al.
2017 found it a cheap guard against over-fitting a small in-domain set.
Only what the published model carries is trained (Marian's position tables
stay frozen; the decoder-start row stays as CTranslate2 assumes it), so the
model validated is the model published and converted.

Long work behaves:

* everything in progress lives in ``DIR/.tune/`` (the last checkpoint with
  the optimizer and the position in the epoch; the best weights so far), and
  ``DIR`` gets its ``config.json`` last, when a finished model is published:
  a directory with a ``config.json`` is a whole model;
* Ctrl-C or SIGTERM writes the current state as the last checkpoint and
  unwinds (the CLI exits 130/143); the same command resumes from it, in the
  same epoch at the same batch, with the same random state;
* a model whose validation loss is not below the base's is not published:
  the report is written and ``DIR`` stays without a model.
"""

from __future__ import annotations

import contextlib
import json
import logging
import math
import os
import shutil
import signal
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from translate import __version__
from translate.errors import TarjamaError, first_line, shown
from translate.textio import write_atomic
from translate.translation.source import TUNED_KEY, ModelSource
from translate.tuning.data import Pair, TuneData

log = logging.getLogger(__name__)

STATE_DIR = ".tune"
REPORT = "tune-report.json"
COPIED_FILES = (
    "source.spm", "target.spm", "vocab.json", "target_vocab.json", "tokenizer_config.json",
    "special_tokens_map.json", "added_tokens.json", "generation_config.json",
)
Progress = Callable[[int, int], None]
"""Called with (steps done, steps planned) after every training step."""


@dataclass(frozen=True, slots=True)
class TuneSettings:
    """How to train; every field is in the report and in the checkpoint's fingerprint."""

    epochs: int = 3
    learning_rate: float = 5e-5
    batch_size: int = 16
    max_length: int = 256
    """Tokens per side; longer pairs are cut (a unit of a translation memory is a sentence or two)."""
    warmup_share: float = 0.05
    weight_decay: float = 0.0
    """AdamW's decoupled decay of the weight matrices (not biases or layer norms) towards zero, per unit of learning rate.

    0 for fine-tuning a trained model: decay pulls every weight towards zero,
    not towards the base, so it only erodes what the base knew.  It is for a
    base whose weights are random (docs/tune.md): there the decay shrinks the
    random matrices until what the data teaches outweighs them.
    """
    evaluations_per_epoch: int = 2
    patience: int = 2
    """Evaluations in a row without a better validation loss before training stops."""
    chrf_sentences: int = 200
    """Validation pairs translated (greedy) for the chrF before and after; the loss uses all of them."""
    device: str = "auto"
    threads: int = 0
    """CPU threads for torch; 0: every core this process may use.  On a busy machine 1 can be many times faster."""
    seed: int = 1

    def __post_init__(self) -> None:
        if self.epochs < 1 or self.batch_size < 1 or self.evaluations_per_epoch < 1 or self.patience < 1 or self.max_length < 8 or self.threads < 0:
            raise TarjamaError("--epochs, --batch-size, --patience must be at least 1 (and the length at least 8)")
        if not (0.0 < self.learning_rate < 1.0) or not (0.0 <= self.warmup_share < 1.0):
            raise TarjamaError("--learning-rate must be between 0 and 1 (fine-tuning uses 1e-5 to 1e-4)")
        if not (0.0 <= self.weight_decay <= 10.0):
            raise TarjamaError("--weight-decay must be between 0 and 10 (0 to fine-tune a trained model)")
        if self.device not in ("auto", "cpu", "cuda"):
            raise TarjamaError(f"unknown device {self.device!r} (use auto, cpu or cuda)")

    def fingerprint(self) -> dict[str, Any]:
        """What a resumed run must share with the interrupted one (the device may change)."""
        return {k: v for k, v in asdict(self).items() if k not in ("device", "threads")}


@dataclass(frozen=True, slots=True)
class TuneResult:
    published: bool
    directory: Path
    report: dict[str, Any] = field(default_factory=dict)

    @property
    def verdict(self) -> str:
        v = self.report["validation"]
        return (
            f"validation loss {v['loss_before']:.3f} → {v['loss_after']:.3f}, chrF {v['chrf_before']:.1f} → {v['chrf_after']:.1f}"
            f" on {v['pairs']} held-out pairs"
        )


def tune(data: TuneData, base: ModelSource, out: Path, settings: TuneSettings, progress: Progress | None = None) -> TuneResult:
    """Train, keep the best checkpoint, and publish ``out`` as a model directory when it beats ``base``."""
    check_output(out)
    started = time.time()
    session = _Session(data, base, out, settings)
    state = session.resume_or_start()
    try:
        session.train(state, progress)
    except KeyboardInterrupt:
        session.save(state)
        log.info("checkpoint kept in %s: run the same command to resume", shown(out / STATE_DIR))
        raise
    return session.finish(state, started)


def check_output(out: Path) -> None:
    """``out`` must be new, or hold nothing but our own report and checkpoint (a run to resume)."""
    if (out / "config.json").exists():
        raise TarjamaError(f"{shown(out)} already holds a model (config.json); choose another -o, or remove it first")
    if out.exists() and not out.is_dir():
        raise TarjamaError(f"{shown(out)} is a file, not a folder for the tuned model")
    others = sorted(p.name for p in out.iterdir() if p.name not in (STATE_DIR, REPORT)) if out.is_dir() else []
    if others:  # `-o .` must not scatter model files among the user's own
        raise TarjamaError(f"{shown(out)} is not empty ({shown(others[0])}, …): the tuned model needs a folder of its own; choose a new one with -o")


class _Session:
    """One tuning run: the model, its data as token ids, and the files in ``out``."""

    def __init__(self, data: TuneData, base: ModelSource, out: Path, settings: TuneSettings) -> None:
        import torch
        from transformers import MarianMTModel, MarianTokenizer
        from transformers.utils import logging as hf_logging

        from translate.translation.backends.base import cpu_threads

        hf_logging.set_verbosity_error()
        hf_logging.disable_progress_bar()  # "Loading weights" bars would break the one progress bar
        self.torch, self.data, self.base, self.out, self.settings = torch, data, base, out, settings
        self.state_dir = out / STATE_DIR
        self.device = _device(torch, settings.device)
        if self.device == "cpu":
            torch.set_num_threads(min(settings.threads or cpu_threads(), cpu_threads()))
        torch.manual_seed(settings.seed)
        try:
            self.tokenizer = MarianTokenizer.from_pretrained(str(base.path))
            self.model = MarianMTModel.from_pretrained(str(base.path)).to(self.device)  # type: ignore[arg-type]
        except Exception as exc:
            raise TarjamaError(f"cannot load model {base.model_id!r} for tuning: {first_line(exc)[:200]}") from exc
        self.pad = int(self.model.config.pad_token_id)
        self.train_set = self._encode([*data.train, *data.generic])
        self.validation_set = self._encode(data.validation)
        self.steps_per_epoch = math.ceil(len(self.train_set) / settings.batch_size)
        self.total_steps = self.steps_per_epoch * settings.epochs
        self.eval_every = evaluation_interval(self.steps_per_epoch, settings)
        freeze_unsaved(self.model)
        self.optimizer, self.scheduler = optimizer_and_schedule(torch, self.model, settings, self.total_steps)
        self.start_row = start_row(self.model)
        self.fingerprint = {"base": base.identity, "revision": base.revision, "data": data.digest, "settings": settings.fingerprint()}
        self.execution: dict[str, Any] = {"device_used": self.device}
        """Where the training ran, for the report's settings (the Ray path puts its workers, GPUs and address here)."""

    # -- state --------------------------------------------------------------------

    def resume_or_start(self) -> dict[str, Any]:
        last = self.state_dir / "last.pt"
        if last.is_file():
            try:
                state = self.torch.load(last, map_location=self.device, weights_only=True)  # tensors and plain values only: no pickle runs code
            except Exception as exc:
                raise TarjamaError(f"the checkpoint {shown(last)} cannot be read ({first_line(exc)}); remove {shown(self.state_dir)} to start over") from exc
            if state.get("fingerprint") != self.fingerprint:
                raise TarjamaError(
                    f"{shown(self.out)} holds a checkpoint of another tuning (other data, base model or settings);"
                    f" rerun with the same ones, choose another -o, or remove {shown(self.state_dir)} to start over"
                )
            self.model.load_state_dict(state.pop("model"))
            self.optimizer.load_state_dict(state.pop("optimizer"))
            self.scheduler.load_state_dict(state.pop("scheduler"))
            self.torch.set_rng_state(state.pop("rng"))
            log.info("resuming from the checkpoint at step %d of %d", state["step"], self.total_steps)
            return state
        try:
            self.state_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise TarjamaError(f"cannot create {shown(self.state_dir)}: {exc.strerror or exc}") from exc
        log.info(
            "tuning %s on %d pairs (%d generic), validating on %d: %d steps of %d on %s",
            self.base.model_id, len(self.data.train), len(self.data.generic), len(self.data.validation),
            self.total_steps, self.settings.batch_size, self.device,
        )
        loss = self.validation_loss()
        log.info("base model: validation loss %.3f; translating %d validation pairs for chrF…", loss, self._chrf_count())
        chrf = self.chrf()
        state = {
            "fingerprint": self.fingerprint, "step": 0, "epoch": 0, "position": 0, "base_loss": loss, "base_chrf": chrf,
            "best_loss": loss, "best_step": 0, "bad_evaluations": 0, "history": [], "stopped_early": False,
        }
        self.save(state)
        return state

    def save(self, state: dict[str, Any]) -> None:
        """The last checkpoint, atomically: an interrupted save leaves the previous one."""
        full = {**state, "model": self.model.state_dict(), "optimizer": self.optimizer.state_dict(),
                "scheduler": self.scheduler.state_dict(), "rng": self.torch.get_rng_state()}
        self._save_atomic(full, self.state_dir / "last.pt")

    def _save_atomic(self, obj: Any, path: Path) -> None:
        tmp = path.with_name(path.name + ".partial")
        try:
            self.torch.save(obj, tmp)
            os.replace(tmp, path)
        except OSError as exc:
            raise TarjamaError(f"cannot write the checkpoint {shown(path)}: {exc.strerror or exc}") from exc

    # -- training -----------------------------------------------------------------

    def train(self, state: dict[str, Any], progress: Progress | None) -> None:
        torch = self.torch
        began, began_step = time.monotonic(), state["step"]
        if progress is not None:
            progress(state["step"], self.total_steps)
        while state["epoch"] < self.settings.epochs and not state["stopped_early"]:
            order = epoch_order(torch, len(self.train_set), self.settings, state["epoch"])
            batches = [order[i : i + self.settings.batch_size] for i in range(0, len(order), self.settings.batch_size)]
            while state["position"] < len(batches):
                loss = backward(torch, self.model, self.optimizer, self._batch([self.train_set[i] for i in batches[state["position"]]]))
                with _signals_held():  # the weights and the position change together, or neither does
                    self.optimizer.step()
                    keep_start_row(torch, self.start_row)
                    self.scheduler.step()
                    state["position"] += 1
                    state["step"] += 1
                if progress is not None:
                    progress(state["step"], self.total_steps)
                if state["position"] % self.eval_every == 0 or state["position"] == len(batches):
                    self._evaluate(state, loss.item(), began, began_step)
                    if state["stopped_early"]:
                        break
            else:
                state["epoch"] += 1
                state["position"] = 0
        self.save(state)

    def _evaluate(self, state: dict[str, Any], train_loss: float, began: float, began_step: int) -> None:
        loss = self.validation_loss()
        state["history"].append({"step": state["step"], "train_loss": round(train_loss, 4), "validation_loss": round(loss, 4)})
        if loss < state["best_loss"]:
            state["best_loss"], state["best_step"], state["bad_evaluations"] = loss, state["step"], 0
            self._save_atomic(self.model.state_dict(), self.state_dir / "best.pt")
        else:
            state["bad_evaluations"] += 1
            if state["bad_evaluations"] >= self.settings.patience:
                state["stopped_early"] = True
        done = state["step"] - began_step
        left = (time.monotonic() - began) / done * (self.total_steps - state["step"]) if done else 0.0
        log.info(
            "step %d/%d: validation loss %.3f (base %.3f, best %.3f)%s",
            state["step"], self.total_steps, loss, state["base_loss"], state["best_loss"],
            f"; stopping early: no better for {self.settings.patience} evaluations" if state["stopped_early"] else f"; about {_duration(left)} left",
        )
        self.save(state)

    def validation_loss(self) -> float:
        """Per-token cross-entropy over the whole validation split, dropout off."""
        total, tokens = summed_loss(self.torch, self.model, self.validation_set, self.pad, self.device)
        return total / max(1, tokens)

    def _chrf_count(self) -> int:
        return min(self.settings.chrf_sentences, len(self.data.validation))

    def chrf(self) -> float:
        """chrF (sacreBLEU) of greedy translations of the first validation pairs."""
        from sacrebleu.metrics import CHRF

        pairs = self.data.validation[: self._chrf_count()]
        return float(CHRF().corpus_score(self.translate([s for s, _ in pairs]), [[t for _, t in pairs]]).score)

    def translate(self, sources: Sequence[str]) -> list[str]:
        torch = self.torch
        self.model.eval()
        out: list[str] = []
        with torch.no_grad():
            for chunk in _chunks(list(sources), 32):
                batch = self.tokenizer(chunk, return_tensors="pt", padding=True, truncation=True, max_length=self.settings.max_length).to(self.device)
                ids = self.model.generate(**batch, num_beams=1, do_sample=False, max_new_tokens=min(self.settings.max_length, 2 * batch["input_ids"].shape[1] + 10))
                out.extend(t.strip() for t in self.tokenizer.batch_decode(ids, skip_special_tokens=True))
        return out

    def _encode(self, pairs: Sequence[Pair]) -> list[tuple[list[int], list[int]]]:
        encoded: list[tuple[list[int], list[int]]] = []
        for chunk in _chunks(list(pairs), 512):
            batch = self.tokenizer([s for s, _ in chunk], text_target=[t for _, t in chunk], truncation=True, max_length=self.settings.max_length)
            encoded.extend(zip(batch["input_ids"], batch["labels"], strict=True))
        return encoded

    def _batch(self, items: Sequence[tuple[list[int], list[int]]]) -> tuple[Any, Any, Any]:
        return batch_tensors(self.torch, items, self.pad, self.device)

    # -- the end ------------------------------------------------------------------

    def finish(self, state: dict[str, Any], started: float) -> TuneResult:
        best = self.state_dir / "best.pt"
        if best.is_file():
            self.model.load_state_dict(self.torch.load(best, map_location=self.device, weights_only=True))
        loss_after = self.validation_loss() if best.is_file() else state["base_loss"]
        log.info("best checkpoint: step %d; translating %d validation pairs for chrF…", state["best_step"], self._chrf_count())
        chrf_after = self.chrf() if best.is_file() else state["base_chrf"]
        published = best.is_file() and loss_after < state["base_loss"]
        report = self._report(state, started, loss_after, chrf_after, published)
        try:
            self.out.mkdir(parents=True, exist_ok=True)
            write_atomic(self.out / REPORT, json.dumps(report, indent=2, ensure_ascii=False) + "\n")
            if published:
                self._publish(report)
        except OSError as exc:
            raise TarjamaError(f"cannot write the tuned model in {shown(self.out)}: {exc.strerror or exc}") from exc
        shutil.rmtree(self.state_dir, ignore_errors=True)  # training is over either way: a rerun starts afresh
        return TuneResult(published, self.out, report)

    def _report(self, state: dict[str, Any], started: float, loss_after: float, chrf_after: float, published: bool) -> dict[str, Any]:
        return {
            "tool_version": __version__,
            "outcome": "published" if published else "refused: not better than the base model on the validation split",
            "base": {"model": self.base.model_id, "identity": self.base.identity, "revision": self.base.revision},
            "data": self.data.summary(),
            "settings": asdict(self.settings) | self.execution,
            "training": {
                "steps": state["step"], "steps_planned": self.total_steps, "best_step": state["best_step"],
                "stopped_early": state["stopped_early"], "history": state["history"],
            },
            "time": {
                "finished": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "seconds_this_run": round(time.time() - started, 1),
            },
            "validation": {
                "pairs": len(self.data.validation), "chrf_pairs": self._chrf_count(),
                "loss_before": round(state["base_loss"], 4), "loss_after": round(loss_after, 4),
                "chrf_before": round(state["base_chrf"], 2), "chrf_after": round(chrf_after, 2),
            },
        }

    def _publish(self, report: dict[str, Any]) -> None:
        """Weights and tokenizer files first, ``config.json`` last: only then is ``out`` a model."""
        staging = self.state_dir / "publish"
        self.model.save_pretrained(str(staging), safe_serialization=True)
        os.replace(staging / "model.safetensors", self.out / "model.safetensors")
        for name in COPIED_FILES:
            if (self.base.path / name).is_file():
                shutil.copyfile(self.base.path / name, self.out / name)
        config = dict(self.base.config)
        config[TUNED_KEY] = {
            "base": self.base.model_id, "base_identity": self.base.identity, "base_revision": self.base.revision,
            "pairs": report["data"]["train"], "data_sha256": report["data"]["sha256"], "finished": report["time"]["finished"],
        }
        write_atomic(self.out / "config.json", json.dumps(config, indent=2, ensure_ascii=False) + "\n")


# -- the recipe's steps, shared by the local loop and the Ray workers (translate.tuning.distributed) --------


def freeze_unsaved(model: Any) -> None:
    """Train only what the published model carries.

    transformers leaves Marian's sinusoidal position tables trainable but does not save them (it rebuilds
    them on loading), so training them would publish another model than the one validated.  Under DDP
    this must happen before the model is wrapped.
    """
    unsaved = set(getattr(model, "_keys_to_ignore_on_save", None) or ())
    for name, parameter in model.named_parameters():
        if name in unsaved:
            parameter.requires_grad_(False)


def optimizer_and_schedule(torch: Any, model: Any, settings: TuneSettings, total_steps: int) -> tuple[Any, Any]:
    """AdamW at the settings' peak rate (decay on weight matrices only), a linear warm-up, then linear decay to 0 at ``total_steps``."""
    trained = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(
        [{"params": [p for p in trained if p.dim() >= 2], "weight_decay": settings.weight_decay},
         {"params": [p for p in trained if p.dim() < 2], "weight_decay": 0.0}],
        lr=settings.learning_rate,
    )
    warmup = max(1, int(total_steps * settings.warmup_share))
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda step: min((step + 1) / warmup, max(0.0, (total_steps - step) / max(1, total_steps - warmup)))
    )
    return optimizer, scheduler


def start_row(model: Any) -> tuple[Any, int, Any]:
    """The decoder-start token's embedding row as the base has it, to be put back after every step.

    CTranslate2 runs a Marian model's decoder from a zero embedding where transformers looks up the
    decoder-start token (<pad>, whose row the conversion drops); they agree while that row stays as the
    base has it (zero).  Tied to the output layer, the row would drift with every step.
    """
    weight = model.get_decoder().embed_tokens.weight
    index = int(model.config.decoder_start_token_id)
    return weight, index, weight[index].detach().clone()


def keep_start_row(torch: Any, saved: tuple[Any, int, Any]) -> None:
    weight, index, row = saved
    with torch.no_grad():
        weight[index] = row


def backward(torch: Any, model: Any, optimizer: Any, batch: tuple[Any, Any, Any]) -> Any:
    """One batch's loss and its clipped gradients (under DDP, already averaged over the workers); the caller steps the optimizer."""
    model.train()
    inputs, mask, labels = batch
    loss = model(input_ids=inputs, attention_mask=mask, labels=labels).loss
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    return loss


def summed_loss(torch: Any, model: Any, items: Sequence[tuple[list[int], list[int]]], pad: int, device: str) -> tuple[float, int]:
    """Summed per-token cross-entropy and the token count over ``items``, dropout off: sums, so that workers' shares add up."""
    model.eval()
    total, tokens = 0.0, 0
    with torch.no_grad():
        for chunk in _chunks(list(items), 32):
            inputs, mask, labels = batch_tensors(torch, chunk, pad, device)
            logits = model(input_ids=inputs, attention_mask=mask, labels=labels).logits
            total += float(torch.nn.functional.cross_entropy(logits.flatten(0, 1), labels.flatten(), ignore_index=-100, reduction="sum"))
            tokens += int((labels != -100).sum())
    return total, tokens


def batch_tensors(torch: Any, items: Sequence[tuple[Sequence[int], Sequence[int]]], pad: int, device: str) -> tuple[Any, Any, Any]:
    """Token ids, attention mask and labels (-100 where padded) for a list of (source ids, target ids)."""
    width_in, width_out = max(len(s) for s, _ in items), max(len(t) for _, t in items)
    inputs = torch.full((len(items), width_in), pad, dtype=torch.long)
    mask = torch.zeros((len(items), width_in), dtype=torch.long)
    labels = torch.full((len(items), width_out), -100, dtype=torch.long)
    for row, (source, target) in enumerate(items):
        inputs[row, : len(source)] = torch.as_tensor(source, dtype=torch.long)
        mask[row, : len(source)] = 1
        labels[row, : len(target)] = torch.as_tensor(target, dtype=torch.long)
    return inputs.to(device), mask.to(device), labels.to(device)


def epoch_order(torch: Any, count: int, settings: TuneSettings, epoch: int) -> list[int]:
    """The pass's order of the training pairs: seeded by the pass, so a resumed run (or a Ray run) sees the same batches."""
    generator = torch.Generator().manual_seed(settings.seed * 1000 + epoch)
    return [int(i) for i in torch.randperm(count, generator=generator).tolist()]


def evaluation_interval(steps_per_epoch: int, settings: TuneSettings) -> int:
    """Steps between evaluations: ``evaluations_per_epoch`` a pass, and always at a pass's end."""
    return max(1, math.ceil(steps_per_epoch / settings.evaluations_per_epoch))


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Ctrl-C and SIGTERM wait until the block is done (they are delivered right after it).

    An interrupt between the optimizer's step and the step counter would save
    updated weights with the old position: the resumed run would train on that
    batch twice.
    """
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    held = {signal.SIGINT, signal.SIGTERM}
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _device(torch: Any, device: str) -> str:
    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if device == "cuda" and not torch.cuda.is_available():
        raise TarjamaError("--device cuda was asked for, but no CUDA device is available")
    return device


def _chunks(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s"
    return f"{seconds / 60:.0f} min"
