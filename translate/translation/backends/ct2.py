"""The fast backend: CTranslate2, int8 on CPU and float16 on GPU by default.

The CTranslate2 model is converted from the transformers model on first use
(``ctranslate2.converters.TransformersConverter``) and cached under the user's
cache directory, keyed by model id, revision and compute type.  The conversion
writes into a temporary folder that is renamed into place when complete, so an
interrupted conversion never leaves a half model behind: Ctrl-C and SIGTERM
remove the folder, and one left by a killed process is cleared by the next
conversion once that process is gone.  Running a converted
model needs neither torch nor transformers' model code.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import logging
import re
import shutil
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from translate.cache import converted_models_dir
from translate.errors import TarjamaError, first_line
from translate.textio import clear_stale, temporary_name
from translate.translation.backends.base import Backend, cpu_threads, fixed_length
from translate.translation.hypotheses import DecodingRequest, Hypotheses, Hypothesis, Score, prefix_of
from translate.translation.source import ModelSource

if TYPE_CHECKING:
    from translate.translation.tokenizer import Tokenizer

log = logging.getLogger(__name__)

DEFAULT_COMPUTE = {"cpu": "int8", "cuda": "float16"}
MODEL_FILE = "model.bin"


class CTranslate2Backend(Backend):
    name = "ctranslate2"

    def __init__(
        self,
        source: ModelSource,
        tokenizer: Tokenizer,
        *,
        device: str = "auto",
        compute_type: str = "default",
    ) -> None:
        import ctranslate2

        self.device = pick_device(device)
        self.compute_type = pick_compute_type(self.device, compute_type)
        self.model_dir = converted_model(source, self.compute_type)
        if self.device == "cpu":
            self.inter_threads, self.intra_threads = cpu_layout(cpu_threads())
            indices: int | list[int] = 0
        else:  # one replica per GPU
            indices = list(range(ctranslate2.get_cuda_device_count()))
            self.inter_threads, self.intra_threads = 1, 1
        self.parallelism = self.inter_threads * (len(indices) if isinstance(indices, list) else 1)
        try:
            self._translator = ctranslate2.Translator(
                str(self.model_dir),
                device=self.device,
                device_index=indices,
                compute_type=self.compute_type,
                inter_threads=self.inter_threads,
                intra_threads=self.intra_threads,
            )
        except (RuntimeError, ValueError) as exc:
            raise TarjamaError(f"CTranslate2 cannot load {self.model_dir}: {exc}") from exc
        self._source_tokens = tokenizer.source_tokens
        # Output strings back to ids through the converted model's own target vocabulary: the
        # converter registers the *source* vocabulary on both sides, so with separate vocabularies
        # a hypothesis string names a target id by its source-side spelling.
        vocabulary = target_vocabulary(self.model_dir)
        self._target_ids = {token: index for index, token in reversed(list(enumerate(vocabulary)))}
        self._target_tokens = vocabulary  # a target id back to the string CTranslate2 knows it by (prefixes, scoring)
        self.scored_apart = 0  # outputs scored by a teacher-forced pass, not by the search (the tests check which)
        # The converter drops <pad> (transformers' decoder start) from the vocabulary and starts the
        # decoder from a zero embedding instead, so <pad> can never be generated, as Marian's
        # generation config (bad_words_ids) demands of transformers.

    def generate(
        self,
        requests: Sequence[DecodingRequest],
        *,
        beam: int,
        max_new_tokens: int,
        min_new_tokens: int = 0,
        no_repeat_ngram_size: int = 0,
        count: int = 1,
    ) -> list[Hypotheses]:
        pieces = [self._source_tokens(r.source_ids) for r in requests]
        prefixes = [prefix_of(r) for r in requests]
        # transformers spends the last step on a forced </s>; CTranslate2 just stops, one token earlier.
        fixed = fixed_length(max_new_tokens, min_new_tokens)
        options: dict[str, Any] = {}
        if count > 1:
            options = {"num_hypotheses": count}
        if any(prefixes):
            options["target_prefix"] = [[self._target_tokens[i] for i in p] if p else None for p in prefixes]
        limit = max_new_tokens if fixed else max(1, max_new_tokens - 1)
        # The search's own scores are the model's log-probabilities where nothing bent them (see _from_search).
        own = not no_repeat_ngram_size and not any(prefixes) and (min_new_tokens == 0 or fixed)
        results = self._translator.translate_batch(
            pieces,
            beam_size=max(beam, count),
            max_decoding_length=limit,
            min_decoding_length=min_new_tokens,
            no_repeat_ngram_size=no_repeat_ngram_size,
            max_batch_size=0,
            return_scores=own,
            **options,
        )
        ids = self._target_ids
        outputs = [[tuple(ids[p] for p in hypothesis) for hypothesis in r.hypotheses] for r in results]
        scores: list[list[Score | None]] = [
            [_from_search(s, len(o), limit, fixed) for o, s in zip(found, r.scores)] if own else [None] * len(found)
            for found, r in zip(outputs, results)
        ]
        # The rest (capped, guarded, forced) are scored by one teacher-forced pass.
        apart = [(k, j) for k, row in enumerate(scores) for j, s in enumerate(row) if s is None]
        self.scored_apart += len(apart)
        for (k, j), score in zip(apart, self.score([pieces[k] for k, _ in apart], [outputs[k][j] for k, j in apart])):
            scores[k][j] = score
        return [Hypotheses(tuple(Hypothesis(o, _known(s)) for o, s in zip(found, row))) for found, row in zip(outputs, scores)]

    def score(self, pieces: Sequence[Sequence[str]], outputs: Sequence[Sequence[int]]) -> list[Score]:
        """The model's log-probability of each output and its end token, given its source pieces (teacher-forced)."""
        if not outputs:
            return []
        tokens = self._target_tokens
        results = self._translator.score_batch([list(p) for p in pieces], [[tokens[i] for i in o] for o in outputs], max_batch_size=0)
        return [Score(min(0.0, float(sum(r.log_probs))), len(r.log_probs)) for r in results]


def _from_search(normalised: float, length: int, limit: int, fixed: bool) -> Score | None:
    """The model's score of an output from the beam search's own number, or None where it is not that.

    CTranslate2 reports the cumulated log-probability divided by the length
    (``length_penalty`` 1, greedy or beam).  An output that ended before
    ``limit`` chose its end token, which the number includes: divided by
    ``length + 1``, and exactly what the teacher-forced pass would give (float32,
    tested).  That pass cost a sentence 40 ms of CPU beside 100–250 ms of
    decoding (fast shapes, int8, beam 4, 16 tokens): a quarter of the engine's
    time on a CPU, for a number the search had already computed.  An output cut
    at ``limit`` has no end token in the number, and the model's refusal to end
    is what its score must show: None, scored apart.  With a fixed length the
    end token was banned at every step (the search renormalises without it),
    and there the score is that number over the output's tokens, on both
    backends (:meth:`TransformersBackend.score` with ``fixed``).
    """
    if fixed:
        return Score(min(0.0, normalised * length), length) if length else None
    if length >= limit:
        return None
    return Score(min(0.0, normalised * (length + 1)), length + 1)


def _known(score: Score | None) -> Score:
    if score is None:
        raise AssertionError("every output is scored, by the search or apart")
    return score


def cpu_layout(cores: int) -> tuple[int, int]:
    """``(inter_threads, intra_threads)`` for ``cores`` CPU cores.

    Two replicas decoding two batches at once beat one replica on two threads:
    on 2 cores, beam 4, 200 sentences, inter=2 × intra=1 decodes 1.15× faster
    than inter=1 × intra=2 (issue 14), as CTranslate2's docs advise (raise
    inter_threads first).  Beyond two the engine rarely has more batches in
    flight for an article, so the extra cores go to each replica's threads.
    """
    if cores < 2:
        return 1, 1
    return 2, cores // 2


def target_vocabulary(model_dir: Path) -> list[str]:
    """The converted model's target vocabulary, in id order (CTranslate2 ≥ 3 writes JSON, older versions text)."""
    for name in ("target_vocabulary.json", "shared_vocabulary.json"):
        if (model_dir / name).is_file():
            return list(json.loads((model_dir / name).read_text(encoding="utf-8")))
    for name in ("target_vocabulary.txt", "shared_vocabulary.txt"):
        if (model_dir / name).is_file():
            text = (model_dir / name).read_text(encoding="utf-8")
            return text.removesuffix("\n").split("\n")
    raise TarjamaError(f"{model_dir}: no vocabulary file; delete the folder to convert the model again")


def pick_device(device: str) -> str:
    import ctranslate2

    cuda = ctranslate2.get_cuda_device_count() > 0
    if device == "auto":
        return "cuda" if cuda else "cpu"
    if device == "cuda" and not cuda:
        raise TarjamaError("--device cuda was asked for, but CTranslate2 sees no CUDA device")
    if device not in ("cpu", "cuda"):
        raise TarjamaError(f"unknown device {device!r} (use auto, cpu or cuda)")
    return device


def pick_compute_type(device: str, compute_type: str) -> str:
    import ctranslate2

    chosen = DEFAULT_COMPUTE[device] if compute_type in ("", "default") else compute_type
    supported = sorted(ctranslate2.get_supported_compute_types(device))
    if chosen not in supported:
        raise TarjamaError(f"compute type {chosen!r} is not supported on {device} here (supported: {', '.join(supported)})")
    return chosen


def converted_model(source: ModelSource, compute_type: str) -> Path:
    """The cached CTranslate2 conversion of ``source``, converting it once if needed."""
    # Named by what the model is (its identity), not by how its path was spelled: one conversion per model.
    key = hashlib.sha256(f"{source.identity}\0{source.revision}\0{compute_type}".encode()).hexdigest()[:16]
    slug = re.sub(r"[^A-Za-z0-9._-]+", "_", Path(source.identity).name.replace(":", "-") or "model")[:60]
    target = converted_models_dir() / f"{slug}-{compute_type}-{key}"
    # A conversion killed outright (SIGKILL, a power cut) leaves its folder; it is cleared once its process is gone.
    clear_stale(target.parent)
    if (target / MODEL_FILE).is_file():
        return target
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise TarjamaError(f"cannot create the model cache {target.parent}: {exc.strerror or exc}") from exc
    work = target.parent / temporary_name(".part")
    try:
        work.mkdir()
    except OSError as exc:
        raise TarjamaError(f"cannot write to the model cache {target.parent}: {exc.strerror or exc}") from exc
    try:
        # A step that cannot report its own progress: one line before, one after (with its time), so a
        # user knows why the first run waits and a log file shows each line once.
        started = time.monotonic()
        log.info("converting %s to CTranslate2 %s (once; cached in %s) …", source.model_id, compute_type, target.parent)
        _convert(source, work / "model", compute_type)
        log.info("conversion of %s done in %.1f s", source.model_id, time.monotonic() - started)
        try:
            (work / "model").rename(target)
        except OSError:
            if not (target / MODEL_FILE).is_file():  # not another process that finished first
                raise
    except TarjamaError:
        raise
    except Exception as exc:
        raise TarjamaError(f"cannot convert {source.model_id!r} to CTranslate2: {first_line(exc)[:200]}") from exc
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return target


def _convert(source: ModelSource, out: Path, compute_type: str) -> None:
    from ctranslate2.converters import TransformersConverter
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    with contextlib.redirect_stderr(io.StringIO()), contextlib.redirect_stdout(io.StringIO()):
        TransformersConverter(str(source.path)).convert(str(out), quantization=compute_type, force=True)
