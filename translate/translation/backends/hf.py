"""The reference backend: transformers' ``MarianMTModel.generate`` in torch.

torch and transformers' model classes are imported here and nowhere else, so
the commands that do not translate (segment, evaluate, align) start fast.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Sequence
from typing import Any

from translate.errors import TarjamaError, first_line
from translate.translation.backends.base import Backend, cpu_threads, fixed_length
from translate.translation.hypotheses import DecodingRequest, Hypotheses, Hypothesis, Score, prefix_of
from translate.translation.source import ModelSource

COMPUTE_TYPES = {"default": None, "float32": "float32", "float16": "float16", "bfloat16": "bfloat16"}


class TransformersBackend(Backend):
    name = "transformers"

    def __init__(self, source: ModelSource, *, device: str = "auto", compute_type: str = "default") -> None:
        import torch
        from transformers import MarianMTModel
        from transformers.utils import logging as hf_logging

        hf_logging.set_verbosity_error()
        self._torch = torch
        self.device = _pick_device(torch, device)
        if compute_type not in COMPUTE_TYPES:
            raise TarjamaError(f"the transformers backend runs float32, float16 or bfloat16, not {compute_type!r}")
        self.compute_type = COMPUTE_TYPES[compute_type] or "float32"
        if self.compute_type != "float32" and self.device == "cpu":
            raise TarjamaError(f"--compute-type {self.compute_type} with the transformers backend needs --device cuda")
        if self.device == "cpu" and torch.get_num_threads() > cpu_threads():
            torch.set_num_threads(cpu_threads())
        try:
            with contextlib.redirect_stderr(io.StringIO()):
                model = MarianMTModel.from_pretrained(str(source.path))
        except Exception as exc:
            raise TarjamaError(f"cannot load model {source.model_id!r}: {first_line(exc)[:200]}") from exc
        # transformers declares PreTrainedModel.to with @wraps(torch.nn.Module.to), so its
        # annotations take the device for ``self``: a gap in its typing, not in this call.
        self._model = model.to(self.device, getattr(torch, self.compute_type)).eval()  # type: ignore[arg-type]
        self._pad = _token_id(model.config.pad_token_id, "pad", source)
        self._eos = _token_id(model.config.eos_token_id, "eos", source)
        start = model.config.decoder_start_token_id
        self._start = start if isinstance(start, int) else self._pad  # Marian starts the decoder from <pad>

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
        torch = self._torch
        input_ids, attention_mask = self._padded([r.source_ids for r in requests])
        options: dict[str, Any] = {"num_beams": max(beam, count), "max_new_tokens": max_new_tokens, "do_sample": False}
        if count > 1:
            options["num_return_sequences"] = count
        if no_repeat_ngram_size:
            options["no_repeat_ngram_size"] = no_repeat_ngram_size
        if min_new_tokens:
            options["min_new_tokens"] = min_new_tokens
            if fixed_length(max_new_tokens, min_new_tokens):
                options["forced_eos_token_id"] = None
        prefixes = [prefix_of(r) for r in requests]
        if any(prefixes):
            options["logits_processor"] = self._prefix_rule(prefixes, options["num_beams"])
        with torch.inference_mode():
            output = self._model.generate(input_ids=input_ids.to(self.device), attention_mask=attention_mask.to(self.device), **options)
        rows = [tuple(self._strip(row)) for row in output.tolist()]
        per_request = len(rows) // len(requests)  # transformers returns count rows per input, in input order
        fixed = fixed_length(max_new_tokens, min_new_tokens)
        scores = iter(self.score([r.source_ids for r in requests for _ in range(per_request)], rows, fixed=fixed))
        return [
            Hypotheses(tuple(Hypothesis(ids, next(scores)) for ids in rows[k * per_request : (k + 1) * per_request]))
            for k in range(len(requests))
        ]

    def score(self, sources: Sequence[Sequence[int]], outputs: Sequence[Sequence[int]], *, fixed: bool = False) -> list[Score]:
        """The model's log-probability of each output and its end token, given its source (teacher-forced).

        Over the tokens the decoder may produce: ``<pad>`` is never generated
        (Marian's ``bad_words_ids``; CTranslate2 drops it from the vocabulary),
        so it is left out of the softmax here too and both backends score alike.
        ``fixed``: outputs of a fixed length (the benchmarks' mode), whose end
        token was banned at every step: it is left out of the softmax and not
        scored, as CTranslate2's search reports them (``ct2._from_search``).
        One row's logits at a time: a batch's would be rows × length × vocabulary floats.
        """
        if not outputs:
            return []
        torch = self._torch
        input_ids, attention_mask = self._padded(sources)
        width = max(len(o) for o in outputs) + 1
        decoder_ids = torch.full((len(outputs), width), self._pad, dtype=torch.long)
        for row, ids in enumerate(outputs):
            decoder_ids[row, : len(ids) + 1] = torch.tensor([self._start, *ids], dtype=torch.long)
        model = self._model
        with torch.inference_mode():
            hidden = model.model(
                input_ids=input_ids.to(self.device), attention_mask=attention_mask.to(self.device), decoder_input_ids=decoder_ids.to(self.device)
            ).last_hidden_state
            scores = []
            for row, ids in enumerate(outputs):
                logits = (model.lm_head(hidden[row, : len(ids) + 1]) + model.final_logits_bias[0]).float()
                logits[:, self._pad] = float("-inf")
                ended = [*ids, self._eos]
                if fixed:
                    logits, ended = logits[: len(ids)], list(ids)
                    logits[:, self._eos] = float("-inf")
                wanted = torch.tensor(ended, dtype=torch.long, device=logits.device)
                picked = torch.log_softmax(logits, dim=-1).gather(1, wanted[:, None])
                scores.append(Score(min(0.0, float(picked.sum())), len(ended)))
        return scores

    def _padded(self, batch: Sequence[Sequence[int]]) -> tuple[Any, Any]:
        torch = self._torch
        width = max(len(ids) for ids in batch)
        input_ids = torch.full((len(batch), width), self._pad, dtype=torch.long)
        attention_mask = torch.zeros((len(batch), width), dtype=torch.long)
        for row, ids in enumerate(batch):
            input_ids[row, : len(ids)] = torch.tensor(list(ids), dtype=torch.long)
            attention_mask[row, : len(ids)] = 1
        return input_ids, attention_mask

    def _prefix_rule(self, prefixes: Sequence[tuple[int, ...]], beams: int) -> Any:
        """A logits processor that allows only the prefix's next id until the prefix is written, then leaves the logits alone.

        Rather than ``prefix_allowed_tokens_fn``, which must return every id of
        the vocabulary for every beam at every step after the prefix (a list of
        tens of thousands of ids per call: a term's forced decode took 3.6× the
        free one on the test model); this one does nothing once the prefix is
        written.  Rows are the batch's beams, ``beams`` per request, in order.
        """
        from transformers import LogitsProcessor, LogitsProcessorList

        longest = max(len(p) for p in prefixes)

        class Forced(LogitsProcessor):
            def __call__(self, input_ids: Any, scores: Any) -> Any:
                position = int(input_ids.shape[-1]) - 1  # the decoder start token first
                if position >= longest:
                    return scores
                for row in range(int(input_ids.shape[0])):
                    prefix = prefixes[row // beams]
                    if position < len(prefix):
                        kept = scores[row, prefix[position]].clone()
                        scores[row] = float("-inf")
                        scores[row, prefix[position]] = kept
                return scores

        return LogitsProcessorList([Forced()])

    def _strip(self, row: list[int]) -> list[int]:
        ids = row[1:]  # the decoder start token
        if self._eos in ids:
            ids = ids[: ids.index(self._eos)]
        return [i for i in ids if i != self._pad]


def _token_id(value: int | list[int] | None, name: str, source: ModelSource) -> int:
    """A special token id of the model's config, which must be one token: padding and cutting
    the output at the end-of-sentence token need exactly one id (a Marian config gives one)."""
    if isinstance(value, int):
        return value
    raise TarjamaError(f"model {source.model_id!r}: its config.json gives {name}_token_id={value!r}, expected one token id")


def _pick_device(torch: Any, device: str) -> str:
    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if device == "cuda" and not torch.cuda.is_available():
        raise TarjamaError("--device cuda was asked for, but no CUDA device is available")
    if device not in ("cpu", "cuda"):
        raise TarjamaError(f"unknown device {device!r} (use auto, cpu or cuda)")
    return device
