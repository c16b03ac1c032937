"""The translation engine: memory, deduplication, splitting, batching and decoding safeguards.

What a backend computes depends only on a sentence and the decoding settings,
never on what else is in its batch:

* identical (normalised) segments are translated once, and a segment found in
  the translation memory is not translated at all;
* segments are sorted by length and batched under a token budget, and a batch
  never mixes length budgets, so the cap on output length is a function of
  the sentence alone (tests prove batched output equals per-sentence
  ``model.generate``);
* a segment longer than the model's positions is split into pieces that fit
  (:mod:`translate.translation.splitting`), never cut;
* an output that degenerates into a repeated run of tokens, or that reaches
  the length cap, is decoded again with ``no_repeat_ngram_size`` set: the
  repetition guard.  Outputs that do not degenerate are exactly what the model
  gives without it.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import math
import sys
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from translate.flags import LENGTH_CAP, REPETITION_GUARD, SPLIT, Flag
from translate.model import Origin
from translate.translation import splitting
from translate.translation.backends import open_backend
from translate.translation.memory import ModelKey, TranslationMemory, normalise
from translate.translation.source import load_tokenizer, resolve_source

LENGTH_BUCKET = 8
DEFAULT_BATCH_TOKENS = 2048
DEFAULT_BATCH_SIZE = 16
DEFAULT_NO_REPEAT_NGRAM = 3

# Bead flags a translation may carry (shown in TMX x-flags and on the review page); described in translate.flags.
FLAG_SPLIT = SPLIT.flag()
FLAG_REPETITION = REPETITION_GUARD.flag()
FLAG_LENGTH_CAP = LENGTH_CAP.flag()


@dataclass(frozen=True, slots=True)
class Translation:
    """One segment's translation; ``from_memory`` says it was reused, not decoded, in this run.

    Reuse does not change the origin: an earlier machine translation served from
    the memory is still ``mt`` (the same text a fresh decode gives), so a resumed
    run writes the same files as an uninterrupted one; ``tm`` is a human match.
    """

    text: str
    origin: Origin
    flags: tuple[Flag, ...] = ()
    from_memory: bool = False


class Translator:
    """A MarianMT model behind one of the backends, with the engine's guarantees around it."""

    def __init__(
        self,
        model: str | None = None,
        *,
        backend: str = "auto",
        device: str = "auto",
        compute_type: str = "default",
        beam: int | None = None,
        batch_tokens: int = DEFAULT_BATCH_TOKENS,
        batch_size: int = DEFAULT_BATCH_SIZE,
        max_length_ratio: float = 2.0,
        no_repeat_ngram_size: int = DEFAULT_NO_REPEAT_NGRAM,
        memory: TranslationMemory | None = None,
        progress: bool = False,
        quiet: bool = False,
        max_source_tokens: int | None = None,
        fixed_length: int | None = None,
    ) -> None:
        self.source = resolve_source(model)
        self.model_id = self.source.model_id
        self.revision = self.source.revision
        self.model_note = self.source.note
        self.tokenizer = load_tokenizer(self.source)
        self.backend = open_backend(backend, self.source, self.tokenizer, device=device, compute_type=compute_type, quiet=quiet)
        self.device = self.backend.device
        self.beam = beam or self.source.default_beam
        self.batch_tokens = batch_tokens
        self.batch_size = batch_size
        self.max_length_ratio = max_length_ratio
        self.max_length = self.source.max_length
        self.max_source_tokens = max_source_tokens or _source_limit(self.source.max_positions, self.tokenizer)
        self.no_repeat_ngram_size = no_repeat_ngram_size
        self.fixed_length = fixed_length
        self.memory = memory
        self.reused = 0  # segments served from the memory so far, for the batch summary
        self.chunk_size = max(batch_size, 1) * 8
        self._batch_bar: Any = None
        self.progress = progress and not quiet
        if self.model_note and not quiet:  # once the model has loaded: a run that fails to load says only why
            logging.getLogger(__name__).warning("%s: %s", self.model_id, self.model_note)

    # -- settings -----------------------------------------------------------------

    @property
    def settings(self) -> str:
        """Everything that changes an output, as one string: it keys the translation memory."""
        cap = f"{self.fixed_length} exactly" if self.fixed_length else (
            f"min({self.max_length},{self.max_length_ratio:g}*ceil(src/{LENGTH_BUCKET})*{LENGTH_BUCKET}+10)"
        )
        guard = f"no-repeat-{self.no_repeat_ngram_size}-on-degenerate" if self.no_repeat_ngram_size else "off"
        return (
            f"backend={self.backend.signature}|beam={self.beam}|max_new_tokens={cap}|guard={guard}"
            f"|max_source_tokens={self.max_source_tokens}"
        )

    @property
    def decoding(self) -> str:
        """The decoding settings as one reproducible string (the provenance of every output)."""
        return f"{self.settings}|device={self.device}|batch_tokens={self.batch_tokens}"

    @property
    def memory_key(self) -> ModelKey:
        return ModelKey(self.source.identity, self.revision, self.settings)  # what the model is, not its path

    def budget(self, source_tokens: int) -> int:
        """The most tokens a translation of ``source_tokens`` tokens may have.

        It depends on a length bucket, not on the batch, so a sentence gets the
        same cap (and the same output) whatever it is batched with.
        """
        if self.fixed_length:
            return self.fixed_length
        bucket = math.ceil(source_tokens / LENGTH_BUCKET) * LENGTH_BUCKET
        return min(self.max_length, math.ceil(self.max_length_ratio * bucket) + 10)

    # -- translation --------------------------------------------------------------

    @contextlib.contextmanager
    def batch_progress(self, total_segments: int) -> Iterator[None]:
        """One progress bar over several documents' segments (``tarjama translate DIR/``)."""
        with _progress(total_segments, self.progress) as bar:
            self._batch_bar = bar
            try:
                yield
            finally:
                self._batch_bar = None

    def translate(self, sentences: Sequence[str]) -> list[str]:
        return [t.text for t in self.translate_segments(sentences)]

    def translate_segments(self, sentences: Sequence[str]) -> list[Translation]:
        """Translations in the caller's order, each with its origin (mt or tm) and flags."""
        keys = [normalise(s) for s in sentences]
        results: dict[str, Translation] = {"": Translation("", Origin.MT)}
        unique = [k for k in dict.fromkeys(keys) if k]
        if self.memory is not None and unique:
            for key, match in self.memory.lookup(unique, self.memory_key).items():
                if match.human:
                    results[key] = Translation(match.target, Origin.TM, (), from_memory=True)
                else:
                    results[key] = Translation(match.target, Origin.MT, tuple(match.flags), from_memory=True)
        todo = [k for k in unique if k not in results]
        encoded: dict[str, list[int]] = dict(zip(todo, self.tokenizer(todo)["input_ids"])) if todo else {}
        pieces = {
            k: [k] if len(encoded[k]) <= self.max_source_tokens else splitting.split_to_fit(k, self._count, self.max_source_tokens)
            for k in todo
        }
        total = len({p for parts in pieces.values() for p in parts})
        done: dict[str, tuple[str, tuple[Flag, ...]]] = {}
        # Inside batch_progress() one bar counts the whole batch's segments; else one counts this call's.
        shared = self._batch_bar
        occurrences = Counter(keys)
        if shared is not None:
            pending = set(todo)
            shared.update(sum(n for k, n in occurrences.items() if k not in pending))
        with contextlib.nullcontext() if shared is not None else _progress(total, self.progress) as bar:
            # Longest first, in chunks that go to the memory as soon as they are done: a run that
            # is killed loses at most one chunk, and the rerun takes the rest from the memory.
            # Chunking cannot change an output, any more than batching can.
            order = sorted(todo, key=lambda k: len(encoded[k]), reverse=True)
            for start in range(0, len(order), self.chunk_size):
                chunk = order[start : start + self.chunk_size]
                wanted = list(dict.fromkeys(p for k in chunk for p in pieces[k] if p not in done))
                done.update(self._translate_unique(wanted, encoded, bar))
                fresh = []
                for key in chunk:
                    parts = [done[p] for p in pieces[key]]
                    flags = _union(f for _, part_flags in parts for f in part_flags)
                    if len(parts) > 1:
                        flags = (FLAG_SPLIT, *flags)
                    results[key] = Translation(" ".join(text for text, _ in parts if text), Origin.MT, flags)
                    fresh.append((key, results[key].text, flags))
                if self.memory is not None:
                    self.memory.store_mt(self.memory_key, fresh)
                if shared is not None:
                    shared.update(sum(occurrences[k] for k in chunk))
        self.reused += sum(1 for k in keys if results[k].from_memory)
        return [results[k] for k in keys]

    def _count(self, text: str) -> int:
        return len(self.tokenizer(text)["input_ids"])

    def _translate_unique(self, texts: list[str], known: dict[str, list[int]], bar: Any) -> dict[str, tuple[str, tuple[Flag, ...]]]:
        if not texts:
            return {}
        missing = [t for t in texts if t not in known]
        if missing:
            known = {**known, **dict(zip(missing, self.tokenizer(missing)["input_ids"]))}
        encoded = [known[t] for t in texts]
        outputs = self._decode_all(encoded, 0, bar)
        flags: dict[int, tuple[Flag, ...]] = {}
        if self.no_repeat_ngram_size and not self.fixed_length:
            again = [i for i, out in outputs.items() if self._capped(out, encoded[i]) or is_degenerate(out)]
            if again:
                retried = self._decode_all({i: encoded[i] for i in again}, self.no_repeat_ngram_size, None)
                for i, out in retried.items():
                    outputs[i] = out
                    flags[i] = (FLAG_REPETITION, FLAG_LENGTH_CAP) if self._capped(out, encoded[i]) else (FLAG_REPETITION,)
        return {
            text: (self.tokenizer.decode(outputs[i], skip_special_tokens=True).strip(), flags.get(i, ()))
            for i, text in enumerate(texts)
        }

    def _capped(self, output: list[int], source: list[int]) -> bool:
        return len(output) >= self.budget(len(source)) - 1

    def _decode_all(self, encoded: Sequence[list[int]] | dict[int, list[int]], no_repeat: int, bar: Any) -> dict[int, list[int]]:
        """Decode every sentence, longest first, in batches that share one length budget."""
        items = dict(enumerate(encoded)) if not isinstance(encoded, dict) else encoded
        order = sorted(items, key=lambda i: len(items[i]), reverse=True)
        outputs: dict[int, list[int]] = {}
        # Batches never mix budgets, so batching cannot change any output.
        for budget, group in itertools.groupby(order, key=lambda i: self.budget(len(items[i]))):
            for batch in _batches(list(group), lambda i: len(items[i]), self.batch_tokens, self.batch_size):
                generated = self.backend.generate(
                    [items[i] for i in batch],
                    beam=self.beam,
                    max_new_tokens=budget,
                    min_new_tokens=budget if self.fixed_length else 0,
                    no_repeat_ngram_size=no_repeat,
                )
                outputs.update(zip(batch, generated))
                if bar is not None:
                    bar.update(len(batch))
        return outputs


def _batches(order: list[int], length: Any, batch_tokens: int, batch_size: int) -> Iterable[list[int]]:
    """Consecutive runs of ``order`` (longest first) whose padded size stays within the token budget."""
    batch: list[int] = []
    for index in order:
        if batch and ((len(batch) + 1) * length(batch[0]) > batch_tokens or len(batch) >= batch_size):
            yield batch
            batch = []
        batch.append(index)
    if batch:
        yield batch


def is_degenerate(ids: Sequence[int], max_n: int = 4, min_repeats: int = 4, min_span: int = 8) -> bool:
    """True when some n-gram (n ≤ max_n) repeats back to back at least ``min_repeats`` times over ``min_span`` tokens."""
    length = len(ids)
    for n in range(1, max_n + 1):
        needed = max(min_repeats, math.ceil(min_span / n))
        if needed * n > length:
            continue
        run = 0  # positions i where ids[i] == ids[i - n], consecutively
        for i in range(n, length):
            run = run + 1 if ids[i] == ids[i - n] else 0
            if run >= (needed - 1) * n:
                return True
    return False


def _source_limit(positions: int, tokenizer: Any) -> int:
    """The longest input, in tokens with </s>: the model's positions, or less if its tokenizer says so (tc-big: 1024 vs 512)."""
    declared = getattr(tokenizer, "model_max_length", None)
    return min(positions, int(declared)) if isinstance(declared, int) and 0 < declared < 100_000 else positions


def _union(flags: Iterable[Flag]) -> tuple[Flag, ...]:
    return tuple(dict.fromkeys(flags))


class _progress:
    """A progress bar on stderr that appears only on a terminal, when the work lasts more than two seconds."""

    def __init__(self, total: int, enabled: bool) -> None:
        self.total = total
        self.enabled = enabled
        self._bar: Any = None

    def __enter__(self) -> Any:
        if not self.enabled:
            return None
        from tqdm import tqdm  # noqa: PLC0415

        self._bar = tqdm(total=self.total, desc="translating", unit="segment", delay=2, file=sys.stderr, leave=False, disable=None)
        return self._bar

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.close()
