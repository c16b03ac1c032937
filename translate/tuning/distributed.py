"""``tarjama tune --ray``: the same tuning, its training loop run data-parallel by Ray Train on a cluster.

Only the loop's execution changes.  The driver does what a local run does:
collects and splits the pairs, tokenises them, measures the base model on the
validation split (loss and chrF), and at the end loads the best weights,
measures them again itself, applies the same refuse-if-worse rule and
publishes ``DIR`` with the same files and report
(:meth:`translate.tuning.train._Session.finish`).  In between, a
``TorchTrainer`` runs :func:`_worker_loop` on ``--workers`` workers of one CPU
each (and one GPU each where the cluster has GPUs), with DDP through
``ray.train.torch.prepare_model`` and ``prepare_data_loader``, and the
recipe's own steps (:func:`translate.tuning.train.backward`,
:func:`~translate.tuning.train.summed_loss`,
:func:`~translate.tuning.train.optimizer_and_schedule`), so that a change to
the recipe changes both paths.

Nothing assumes a shared filesystem:

* the data goes to the workers through Ray's object store: the tokenised
  pairs packed as two int32 arrays per split (4 bytes a token, at most
  ``max_length`` tokens a side: about 0.5 MB per 1,000 sentence pairs), and
  the base model as its config and weights; one ``ray.put`` each, shared by
  the workers of a node;
* the best weights come back the same way, as the rank-0 worker's return
  value (numpy arrays: Ray Train refuses to return torch tensors).  Ray Train's own checkpoints (``ray.train.report(checkpoint=…)``)
  are files in its ``storage_path``, which on a cluster of several machines
  must be storage every node can write (NFS, S3): for a run of a few epochs
  whose weights fit in memory, keeping the best in the worker and returning
  it avoids that requirement.  Each evaluation is still reported with
  ``ray.train.report`` (validation loss, step), and the run's metadata stays
  in ``DIR/.tune/ray`` on the driver's machine, where Ray's controller runs.

The batch: each worker takes ``ceil(batch_size / workers)`` pairs a step, from
the same seeded order of each pass as the local run (the interleaving of
``DistributedSampler`` without shuffling makes step *k* of the workers
together the local run's batch *k* when ``workers`` divides the batch size),
and DDP averages their gradients; the steps per pass, the learning-rate
schedule and the evaluation points are those of a local run with that
effective batch.  One difference remains: DDP averages the workers' per-token
means, where a local step takes the mean over all of the batch's tokens.

Ctrl-C or SIGTERM: the driver disconnects (its own Ray stops, and with it the
run's controller and workers), nothing is published, and ``DIR/.tune/``
keeps only the base model's figures; the same command starts the Ray run
again.  A local run's checkpoint part-way is not continued on Ray (its
optimizer state belongs to one process): resume it without ``--ray``.
"""

from __future__ import annotations

import logging
import math
import shutil
import threading
import time
import uuid
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from translate.cluster.connection import session
from translate.errors import TarjamaError, first_line, shown
from translate.tuning.train import (
    STATE_DIR,
    Progress,
    TuneResult,
    TuneSettings,
    _Session,
    backward,
    batch_tensors,
    check_output,
    epoch_order,
    evaluation_interval,
    freeze_unsaved,
    keep_start_row,
    optimizer_and_schedule,
    start_row,
    summed_loss,
)

if TYPE_CHECKING:
    from translate.cluster.runner import ClusterOptions
    from translate.translation.source import ModelSource
    from translate.tuning.data import TuneData

log = logging.getLogger(__name__)

RAY_DIR = "ray"
"""Ray Train's run metadata, under ``DIR/.tune/`` (removed with it)."""
Encoded = list[tuple[list[int], list[int]]]


def tune_on_ray(
    data: TuneData, base: ModelSource, out: Path, settings: TuneSettings, options: ClusterOptions, progress: Progress | None = None
) -> TuneResult:
    """:func:`translate.tuning.train.tune`, with the training steps run by Ray Train on the cluster of ``options``."""
    check_output(out)
    started = time.time()
    with session(options.address) as ray:  # before the model loads; nothing listening, a wrong token: one line in seconds
        gpus = _gpus_per_worker(ray, settings, options)
        tuning = _Session(data, base, out, settings)
        state = tuning.resume_or_start()
        if state["step"] > 0:
            raise TarjamaError(
                f"{shown(out / STATE_DIR)} holds a local run stopped at step {state['step']}: resume it without --ray,"
                f" or remove {shown(out / STATE_DIR)} to start over on Ray"
            )
        storage = (out / STATE_DIR / RAY_DIR).resolve()
        try:
            outcome = _fit(ray, tuning, state, options, gpus, storage)
        except BaseException as exc:
            if isinstance(exc, KeyboardInterrupt):
                log.info("interrupted: nothing published; the same command starts the Ray run again")
            shutil.rmtree(storage, ignore_errors=True)  # a run is never continued: its metadata is of no further use
            raise
    best = outcome.pop("weights")
    if best is not None:
        tuning._save_atomic({name: tuning.torch.from_numpy(array.copy()) for name, array in best.items()}, tuning.state_dir / "best.pt")
    for key in ("step", "best_loss", "best_step", "history", "stopped_early"):
        state[key] = outcome[key]
    if progress is not None:
        progress(state["step"], outcome["steps_planned"])
    per_worker = math.ceil(settings.batch_size / options.workers)
    tuning.execution = {
        "device_used": "cuda" if gpus else "cpu",
        "ray": {
            "address": options.address or "a local Ray",
            "workers": options.workers,
            "gpus_per_worker": gpus,
            "batch_per_worker": per_worker,
            "effective_batch": per_worker * options.workers,
            "steps_planned": outcome["steps_planned"],
            "seconds_training": outcome["seconds"],
        },
    }
    log.info(
        "Ray: %d steps on %d workers in %.0f s; best validation loss %.3f at step %d (base %.3f)",
        state["step"], options.workers, outcome["seconds"], state["best_loss"], state["best_step"], state["base_loss"],
    )
    return tuning.finish(state, started)


def _gpus_per_worker(ray: Any, settings: TuneSettings, options: ClusterOptions) -> float:
    """One GPU a worker where the cluster has one for every worker (else Ray Train would wait for them), none with ``--device cpu``."""
    resources = ray.cluster_resources()
    if resources.get("CPU", 0) < options.workers:
        raise TarjamaError(
            f"the Ray cluster has {resources.get('CPU', 0):g} CPUs; --workers {options.workers} needs one each (see 'ray status')"
        )
    if options.gpus_per_worker is not None:
        return options.gpus_per_worker
    has_gpus = resources.get("GPU", 0) >= options.workers
    if settings.device == "cuda" and not has_gpus:
        raise TarjamaError(f"--device cuda was asked for, but the Ray cluster has {resources.get('GPU', 0):g} GPUs for {options.workers} workers")
    return 1.0 if has_gpus and settings.device != "cpu" else 0.0


def _fit(ray: Any, tuning: _Session, state: dict[str, Any], options: ClusterOptions, gpus: float, storage: Path) -> dict[str, Any]:
    """Run the TorchTrainer; the rank-0 worker's return value (history, best weights) or a one-line error."""
    from ray.train import FailureConfig, RunConfig, ScalingConfig
    from ray.train.torch import TorchTrainer

    weights = {name: tensor.detach().cpu() for name, tensor in tuning.model.state_dict().items()}
    config = {
        "model": ray.put((tuning.model.config.to_dict(), weights)),
        "data": ray.put({"train": pack(tuning.train_set), "validation": pack(tuning.validation_set)}),
        "settings": asdict(tuning.settings),
        "pad": tuning.pad,
        "base_loss": state["base_loss"],
    }
    trainer = TorchTrainer(
        _worker_loop,  # type: ignore[arg-type]  # Ray Train V2 hands the rank-0 return value back as Result.return_value
        train_loop_config=config,
        scaling_config=ScalingConfig(
            num_workers=options.workers, use_gpu=gpus > 0, resources_per_worker={"CPU": 1, **({"GPU": gpus} if gpus else {})}
        ),
        run_config=RunConfig(
            name=f"tarjama-tune-{uuid.uuid4().hex[:8]}", storage_path=str(storage), failure_config=FailureConfig(max_failures=0)
        ),
    )
    log.info(
        "training on Ray: %d workers × %d pairs a step (%s); no progress bar on Ray, the figures come at the end",
        options.workers, math.ceil(tuning.settings.batch_size / options.workers), "one GPU each" if gpus else "CPU",
    )
    began = time.monotonic()
    finished: dict[str, Any] = {}

    def fit() -> None:
        try:
            finished["result"] = trainer.fit()
        except BaseException as exc:  # noqa: BLE001 - carried to the main thread, which reports it
            finished["error"] = exc

    # fit() in a thread of its own: in the main thread Ray Train would install its own Ctrl-C handler
    # (and leave it installed); here Ctrl-C and SIGTERM stay the CLI's, and the main thread can leave.
    thread = threading.Thread(target=fit, name="ray-train-fit", daemon=True)
    thread.start()
    while thread.is_alive():
        thread.join(0.5)
    if "error" in finished:
        exc = finished["error"]
        if isinstance(exc, TarjamaError):
            raise exc
        raise TarjamaError(f"training on the Ray cluster failed: {_worker_reason(exc)}") from exc
    outcome = dict(finished["result"].return_value or {})
    if "weights" not in outcome:
        raise TarjamaError("training on the Ray cluster ended without the rank-0 worker's result")
    outcome["seconds"] = round(time.monotonic() - began, 1)
    return outcome


def _worker_reason(exc: BaseException) -> str:
    """The first worker's own error where Ray gives one, else Ray's line."""
    failures = getattr(exc, "worker_failures", None)
    if isinstance(failures, dict) and failures:
        rank, error = sorted(failures.items())[0]
        return f"worker {rank}: {first_line(error)[:300]}"
    return first_line(exc)[:300]


def pack(items: Encoded) -> dict[str, Any]:
    """Tokenised pairs as flat int32 arrays with offsets: compact in the object store, unpacked by each worker."""
    import numpy as np

    sources = [np.asarray(s, dtype=np.int32) for s, _ in items]
    targets = [np.asarray(t, dtype=np.int32) for _, t in items]
    return {
        "sources": np.concatenate(sources) if sources else np.zeros(0, np.int32),
        "source_ends": np.cumsum([len(s) for s in sources], dtype=np.int64),
        "targets": np.concatenate(targets) if targets else np.zeros(0, np.int32),
        "target_ends": np.cumsum([len(t) for t in targets], dtype=np.int64),
    }


def unpack(packed: dict[str, Any]) -> Encoded:
    def split(flat: Any, ends: Any) -> list[list[int]]:
        starts = [0, *ends[:-1].tolist()] if len(ends) else []
        return [flat[a:b].tolist() for a, b in zip(starts, ends.tolist(), strict=True)]

    return list(zip(split(packed["sources"], packed["source_ends"]), split(packed["targets"], packed["target_ends"]), strict=True))


def _worker_loop(config: dict[str, Any]) -> dict[str, Any]:
    """One Ray Train worker: the local loop's passes, evaluations and early stopping, on its share of each batch."""
    import ray
    import ray.train
    import ray.train.torch
    import torch
    from transformers import MarianConfig, MarianMTModel
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    context = ray.train.get_context()
    rank, world = context.get_world_rank(), context.get_world_size()
    settings = TuneSettings(**config["settings"])
    pad, best_loss = int(config["pad"]), float(config["base_loss"])
    torch.manual_seed(settings.seed * 1000 + rank)  # dropout: each worker its own stream
    model_config, weights = ray.get(config["model"])
    model: Any = MarianMTModel(MarianConfig.from_dict(model_config))
    model.load_state_dict(weights)
    del weights
    freeze_unsaved(model)  # before DDP wraps it: the recipe's, as on one machine
    model = ray.train.torch.prepare_model(model)
    inner: Any = model.module if hasattr(model, "module") else model
    kept = start_row(inner)
    device = str(ray.train.torch.get_device())
    data = ray.get(config["data"])
    train_set, validation = unpack(data["train"]), unpack(data["validation"])
    del data
    shard = validation[rank::world]  # each worker scores its share; the sums are added up
    per_worker = math.ceil(settings.batch_size / world)
    steps_per_epoch = math.ceil(len(train_set) / (per_worker * world))
    total_steps = steps_per_epoch * settings.epochs
    eval_every = evaluation_interval(steps_per_epoch, settings)
    optimizer, scheduler = optimizer_and_schedule(torch, model, settings, total_steps)
    step, best_step, bad, stopped = 0, 0, 0, False
    history: list[dict[str, Any]] = []
    best: dict[str, Any] | None = None
    for epoch in range(settings.epochs):
        ordered: Any = [train_set[i] for i in epoch_order(torch, len(train_set), settings, epoch)]
        loader: Any = torch.utils.data.DataLoader(
            ordered, batch_size=per_worker, shuffle=False, collate_fn=lambda items: batch_tensors(torch, items, pad, "cpu")
        )
        loader = ray.train.torch.prepare_data_loader(loader)  # DistributedSampler, unshuffled: worker r takes pairs r, r+N, …
        for position, batch in enumerate(loader, 1):
            loss = backward(torch, model, optimizer, batch)
            optimizer.step()
            keep_start_row(torch, kept)
            scheduler.step()
            step += 1
            if position % eval_every and position != steps_per_epoch:
                continue
            total, tokens = summed_loss(torch, inner, shard, pad, device)
            sums = torch.tensor([total, float(tokens)], dtype=torch.float64, device=device)
            torch.distributed.all_reduce(sums)  # every worker gets the same figure, so all stop together
            validation_loss = float(sums[0] / max(1.0, float(sums[1])))
            history.append({"step": step, "train_loss": round(float(loss.item()), 4), "validation_loss": round(validation_loss, 4)})
            if validation_loss < best_loss:
                best_loss, best_step, bad = validation_loss, step, 0
                if rank == 0:
                    best = {name: tensor.detach().cpu().numpy().copy() for name, tensor in inner.state_dict().items()}  # Ray Train returns no tensors
            else:
                bad += 1
                stopped = bad >= settings.patience
            ray.train.report({"validation_loss": validation_loss, "step": step, "epoch": epoch + 1, "best_loss": best_loss})
            if stopped:
                break
        if stopped:
            break
    return {
        "weights": best, "step": step, "steps_planned": total_steps, "best_loss": best_loss, "best_step": best_step,
        "history": history, "stopped_early": stopped,
    }
