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
  gives without it;
* nothing is loaded before it is needed: the memory key comes from the
  settings, the model's small files and a cheap backend plan, so a run whose
  segments are all in the memory loads neither tokenizer nor model (nor
  imports a model library); the first segment to decode loads both;
* a backend that decodes several batches at once (CTranslate2's replicas) is
  given batches from as many threads, cut so that every replica has an even
  share (:func:`_spread`: a batch of 16 and a batch of 1 become two of 8 and
  9); in float32 no output depends on its batch, so this cannot change one;
* every machine translation carries the model's score of it
  (:class:`~translate.translation.hypotheses.Score`), stored in the memory
  with it; its confidence is exp of the mean token log-probability, and a
  split segment's pieces are combined token-weighted.  A human match has no
  score and no confidence: nobody decoded it.
"""

from __future__ import annotations

import itertools
import logging
import math
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import replace
from typing import TYPE_CHECKING

from translate.flags import LENGTH_CAP, REPETITION_GUARD, SPLIT, TERM, Flag
from translate.model import Origin
from translate.settings import DecodingSettings, DecodingSignature
from translate.translation import splitting
from translate.translation.backends import Backend, BackendPlan, open_backend, plan_backend
from translate.translation.cached import CachedTranslator, Done, PieceMemory, Progress, Translation, remembered
from translate.translation.hypotheses import DecodingRequest, Hypotheses, combined, prefix_of
from translate.translation.memory import ModelKey, TranslationMemory, normalise
from translate.translation.source import ModelSource, load_tokenizer, resolve_source
from translate.translation.terms import CANDIDATES, Enforcement, Enforcer, Need, needs_in, signature
from translate.translation.tokenizer import declared_max_length

if TYPE_CHECKING:
    from translate.terminology import Glossary
    from translate.translation.tokenizer import Tokenizer

log = logging.getLogger(__name__)

# Bead flags a translation may carry (shown in TMX x-flags and on the review page); described in translate.flags.
FLAG_SPLIT = SPLIT.flag()
FLAG_REPETITION = REPETITION_GUARD.flag()
FLAG_LENGTH_CAP = LENGTH_CAP.flag()
FLAG_TERM = TERM.flag()  # given a detail (the terms forced) by translate.translation.terms


__all__ = ["Progress", "Translation", "Translator", "joined", "remembered"]


class Translator:
    """A MarianMT model behind one of the backends, with the engine's guarantees around it.

    It is a :class:`~translate.translation.cached.Decoder` (``memory_key``,
    ``prepare``, ``decode``), and :meth:`translate_segments` runs it behind the
    one memory-aware translator (:class:`~translate.translation.cached.CachedTranslator`)
    with ``memory``: the memory's rules are not written here.
    """

    def __init__(
        self,
        model: str | None = None,
        settings: DecodingSettings = DecodingSettings(),
        *,
        memory: TranslationMemory | None = None,
        source: ModelSource | None = None,
        tokenizer: Tokenizer | None = None,
        backend: Backend | None = None,
        glossary: Glossary | None = None,
    ) -> None:
        """``source``, ``tokenizer`` and ``backend`` replace what ``model`` would load (the engine's tests use a fake decoder).

        ``glossary``: a termbase whose terms every translation must have (:mod:`translate.translation.terms`).
        """
        self.settings = settings
        self.glossary = glossary
        self.enforcement = Enforcement()
        """What each enforcement stage achieved in this translator's lifetime (term occurrences)."""
        self.source = source if source is not None else resolve_source(model)
        self.model_id = self.source.model_id
        self.revision = self.source.revision
        self.model_note = self.source.note
        self.plan: BackendPlan = (
            plan_backend(settings.backend, settings.device, settings.compute_type)
            if backend is None
            else BackendPlan(backend.name, backend.device, backend.compute_type)
        )
        self.signature = DecodingSignature(
            backend=self.plan.signature,
            device=self.plan.device,
            beam=settings.beam or self.source.default_beam,
            max_length=self.source.max_length,
            max_length_ratio=settings.max_length_ratio,
            no_repeat_ngram=settings.no_repeat_ngram,
            max_source_tokens=settings.max_source_tokens or _source_limit(self.source.max_positions, declared_max_length(self.source.path)),
            batch_tokens=settings.batch_tokens,
            fixed_length=settings.fixed_length,
        )
        self.memory = memory
        # Chunks go to the memory as they finish: a killed run loses at most one chunk.
        self.chunk_size = settings.batch_size * 8
        self._tokenizer: Tokenizer | None = None
        self._backend: Backend | None = None
        self._given = (tokenizer, backend)
        self._pool: ThreadPoolExecutor | None = None
        if self.source.warning:
            log.warning("%s: %s", self.model_id, self.source.warning)
        elif self.model_note:
            log.info("%s: %s", self.model_id, self.model_note)

    # -- loading ------------------------------------------------------------------

    @property
    def loaded(self) -> bool:
        """Whether the model is loaded (a run whose segments all come from the memory never loads it)."""
        return self._backend is not None

    @property
    def tokenizer(self) -> Tokenizer:
        if self._tokenizer is None:
            self._tokenizer = self._given[0] or load_tokenizer(self.source)
            if not self.settings.max_source_tokens:
                limit = _source_limit(self.source.max_positions, self._tokenizer.model_max_length)
                self.signature = replace(self.signature, max_source_tokens=limit)
        return self._tokenizer

    @property
    def backend(self) -> Backend:
        return self.load()

    @property
    def concurrency(self) -> int:
        """How many decoding calls the loaded backend runs at once (CTranslate2's replicas); 1 before it is loaded.

        A folder of short articles gives the engine one batch per document, so
        the batch API decodes that many documents at once to keep every replica busy.
        """
        return self._backend.parallelism if self._backend is not None else 1

    def load(self) -> Backend:
        """The model, loaded on first use; the signature (and so the memory key) follows what really loaded."""
        if self._backend is None:
            tokenizer = self.tokenizer
            self._backend = self._given[1] or open_backend(self.plan, self.source, tokenizer)
            self.signature = replace(self.signature, backend=self._backend.signature, device=self._backend.device)
            if self._backend.parallelism > 1:
                self._pool = ThreadPoolExecutor(self._backend.parallelism, thread_name_prefix="tarjama-decode")
        return self._backend

    # -- settings -----------------------------------------------------------------

    @property
    def device(self) -> str:
        return self.signature.device

    @property
    def beam(self) -> int:
        return self.signature.beam

    @property
    def max_source_tokens(self) -> int:
        return self.signature.max_source_tokens

    @property
    def decoding(self) -> str:
        """The decoding settings as one reproducible string (the provenance of every output), the termbase enforced included."""
        terms = f" {self.glossary.signature} enforced" if self.glossary is not None else ""
        return self.signature.provenance_text + terms

    @property
    def memory_key(self) -> ModelKey:
        return ModelKey(self.source.identity, self.revision, self.signature.memory_text)

    def budget(self, source_tokens: int) -> int:
        """The most tokens a translation of ``source_tokens`` tokens may have (see :class:`DecodingSignature`)."""
        return self.signature.budget(source_tokens)

    # -- translation --------------------------------------------------------------

    def translate(self, sentences: Sequence[str]) -> list[str]:
        return [t.text for t in self.translate_segments(sentences)]

    def translate_segments(self, sentences: Sequence[str], progress: Progress | None = None) -> list[Translation]:
        """Translations in the caller's order, each with its origin (mt or tm) and flags, through the memory's rules.

        ``progress`` is called with a number of segments each time that many are
        done (reused ones at once, decoded ones chunk by chunk): the batch API
        keeps one bar over many documents with it.
        """
        terms = self.term_key if self.glossary is not None else None
        return CachedTranslator(self, self.memory, terms).translate_segments(sentences, progress)

    def term_key(self, segment: str) -> str:
        """What the termbase asks of ``segment``'s translation, for its memory key: empty when it has no term."""
        return signature(self._needs(segment))

    def _needs(self, segment: str) -> tuple[Need, ...]:
        return needs_in(self.glossary, segment) if self.glossary is not None else ()

    def prepare(self) -> None:
        self.load()

    def decode(self, segments: Sequence[str], pieces: PieceMemory) -> Iterator[Done]:
        """Unique normalised segments (none in the memory) decoded longest first, a chunk at a time.

        Each chunk is yielded when done, so the caller stores it before the next
        is decoded: a run that is killed loses at most one chunk, and the rerun
        takes the rest from the memory.  Chunking cannot change an output, any
        more than batching can.
        """
        todo = list(segments)
        # A segment longer than a block is split without being tokenized whole: tokenizing a
        # 20 MB line at once costs more than all its pieces and holds its ids for nothing.
        short = [k for k in todo if len(k) <= splitting.BLOCK_CHARS]
        encoded: dict[str, list[int]] = dict(zip(short, self.tokenizer.encode(short))) if short else {}
        split = {
            k: [k] if k in encoded and len(encoded[k]) <= self.max_source_tokens else splitting.split_to_fit(k, self._count, self.max_source_tokens)
            for k in todo
        }
        # Pieces of a split segment go to the memory as they are done (each is translated exactly
        # as it would be as a segment of its own), so an interrupted long segment resumes.
        split_parts = {p for k in todo if len(split[k]) > 1 for p in split[k] if normalise(p) == p}
        done: dict[str, Translation] = {}
        order = sorted(todo, key=lambda k: len(encoded[k]) if k in encoded else len(k), reverse=True)
        for start in range(0, len(order), self.chunk_size):
            chunk = order[start : start + self.chunk_size]
            wanted = list(dict.fromkeys(p for k in chunk for p in split[k] if p not in done))
            self._translate_pieces(wanted, encoded, split_parts, done, pieces)
            yield [(key, joined([done[p] for p in split[key]])) for key in chunk]

    def _translate_pieces(
        self,
        wanted: list[str],
        encoded: dict[str, list[int]],
        split_parts: set[str],
        done: dict[str, Translation],
        pieces: PieceMemory,
    ) -> None:
        """Translate ``wanted`` into ``done`` a chunk at a time; pieces of split segments go through the memory.

        A machine translation of a piece is reused, never a human one: a human
        match is for a whole segment, and a split segment stays machine output.
        """
        for start in range(0, len(wanted), self.chunk_size):
            part = wanted[start : start + self.chunk_size]
            if split_parts:
                done.update(pieces.recall_machine([p for p in part if p in split_parts]))
            fresh = self._translate_unique([p for p in part if p not in done], encoded)
            done.update(fresh)
            pieces.keep([(p, t) for p, t in fresh.items() if p in split_parts])

    def alternatives(self, sentence: str, count: int) -> list[str]:
        """Up to ``count`` different translations of one sentence, best first: the decoder's n-best list.

        Not through the memory (it keeps one translation per sentence) and not
        split: a sentence longer than the model's input is cut to fit, since
        alternatives are offered for short UI strings, never for an article.
        """
        backend = self.load()
        ids = self.tokenizer.encode([sentence])[0][: self.max_source_tokens]
        budget = self.budget(len(ids))
        (found,) = backend.generate(
            [DecodingRequest(tuple(ids))],
            beam=self.beam,
            count=count,
            max_new_tokens=budget,
            min_new_tokens=budget if self.signature.fixed_length else 0,
        )
        return list(dict.fromkeys(text.strip() for text in self.tokenizer.decode([h.ids for h in found.items])))

    def _count(self, text: str) -> int:
        return len(self.tokenizer.encode([text])[0])

    def _translate_unique(self, texts: list[str], known: dict[str, list[int]]) -> dict[str, Translation]:
        if not texts:
            return {}
        missing = [t for t in texts if t not in known]
        if missing:
            known = {**known, **dict(zip(missing, self.tokenizer.encode(missing)))}
        encoded = [known[t] for t in texts]
        needs = {i: wanted for i, text in enumerate(texts) if (wanted := self._needs(text))}
        found = self._decode_all(encoded, 0, frozenset(needs))
        flags: dict[int, tuple[Flag, ...]] = {}
        guard = self.signature.no_repeat_ngram
        if guard and not self.signature.fixed_length:
            again = [i for i, out in found.items() if self._capped(out.best.ids, encoded[i]) or is_degenerate(out.best.ids)]
            if again:
                retried = self._decode_all({i: encoded[i] for i in again}, guard)  # its best alone: stage 1 looked at the first list
                for i, out in retried.items():
                    found[i] = out
                    flags[i] = (FLAG_REPETITION, FLAG_LENGTH_CAP) if self._capped(out.best.ids, encoded[i]) else (FLAG_REPETITION,)
        outputs = {i: out.best for i, out in found.items()}
        # A retried segment's n-best list is its best alone: enforcement then starts at stage 2 (the first list degenerated).
        written: dict[int, str] = {}
        if needs:
            enforcer = Enforcer(self.tokenizer, self._forced, self.enforcement, self.signature.max_length - 2)  # type: ignore[arg-type]
            for i, outcome in enforcer.run({i: (encoded[i], found[i], n) for i, n in needs.items()}).items():
                outputs[i] = outcome.hypothesis
                flags[i] = (*flags.get(i, ()), *outcome.flags)
                if outcome.text is not None:
                    written[i] = outcome.text
        decoded = self.tokenizer.decode([outputs[i].ids for i in range(len(texts))])
        return {
            text: Translation(written.get(i, decoded[i].strip()), Origin.MT, flags.get(i, ()), score=outputs[i].score)
            for i, text in enumerate(texts)
        }

    def _forced(self, requests: Sequence[DecodingRequest]) -> list[Hypotheses]:
        """Requests with a target prefix decoded under the engine's settings, in batches that share a length budget.

        The budget is the sentence's (or the prefix's, if longer) and
        :data:`TERM_ROOM` more: the prefix's tokens count towards the decoding
        length, and it holds the term's tokens besides the hypothesis's.  Not
        the sentence's budget plus the whole prefix: a model that does not stop
        (the random test model) would then decode twice as long.
        """
        def budget(r: DecodingRequest) -> int:
            return min(self.signature.max_length, max(self.budget(len(r.source_ids)), len(prefix_of(r)) + 1) + TERM_ROOM)

        order = sorted(range(len(requests)), key=lambda i: budget(requests[i]))
        found: dict[int, Hypotheses] = {}
        for limit, group in itertools.groupby(order, key=lambda i: budget(requests[i])):
            members = list(group)
            for batch in _batches(members, lambda i: len(requests[i].source_ids), self.settings.batch_tokens, self.settings.batch_size):
                outputs = self.backend.generate([requests[i] for i in batch], beam=self.beam, max_new_tokens=limit)
                found.update(zip(batch, outputs))
        return [found[i] for i in range(len(requests))]

    def _capped(self, output: Sequence[int], source: list[int]) -> bool:
        return len(output) >= self.budget(len(source)) - 1

    def _decode_all(
        self, encoded: Sequence[list[int]] | dict[int, list[int]], no_repeat: int, wide: frozenset[int] = frozenset()
    ) -> dict[int, Hypotheses]:
        """Decode every sentence, longest first, in batches that share one length budget.

        The sentences in ``wide`` (those with a term) get an n-best list of
        :data:`~translate.translation.terms.CANDIDATES`, in batches of their own:
        a sentence without a term is decoded exactly as without a termbase.
        """
        items = dict(enumerate(encoded)) if not isinstance(encoded, dict) else encoded
        order = sorted(items, key=lambda i: (i in wide, -len(items[i])))  # without wide: longest first, as ever
        # Batches never mix budgets, so batching cannot change any output.
        backend = self.backend  # loaded first: how many replicas it has decides how the batches are cut
        groups = [
            (budget, list(group))
            for (budget, _), group in itertools.groupby(order, key=lambda i: (self.budget(len(items[i])), i in wide))
        ]
        batches = _spread(groups, lambda i: len(items[i]), self.settings.batch_tokens, self.settings.batch_size, self.concurrency)

        def decode(budget: int, batch: list[int]) -> list[Hypotheses]:
            count = CANDIDATES if batch[0] in wide else 1
            started = time.perf_counter()
            found = backend.generate(
                [DecodingRequest(tuple(items[i])) for i in batch],
                beam=max(self.beam, count),
                count=count,
                max_new_tokens=budget,
                min_new_tokens=budget if self.signature.fixed_length else 0,
                no_repeat_ngram_size=no_repeat,
            )
            if count > 1:
                self.enforcement.seconds["n-best"] = self.enforcement.seconds.get("n-best", 0.0) + time.perf_counter() - started
            return found

        outputs: dict[int, Hypotheses] = {}
        if self._pool is None or len(batches) < 2:
            for budget, batch in batches:
                outputs.update(zip(batch, decode(budget, batch)))
            return outputs
        # As many batches in flight as the backend decodes at once (CTranslate2 releases the GIL).
        futures: list[Future[list[Hypotheses]]] = [self._pool.submit(decode, budget, batch) for budget, batch in batches]
        try:
            for (_, batch), future in zip(batches, futures):
                outputs.update(zip(batch, future.result()))
        except BaseException:
            for future in futures:
                future.cancel()
            raise
        return outputs


TERM_ROOM = 16
"""Target tokens a forced decode may have beyond the free one's budget: room for a term's tokens."""


def _batches(order: list[int], length: Callable[[int], int], batch_tokens: int, batch_size: int) -> Iterable[list[int]]:
    """Consecutive runs of ``order`` (longest first) whose padded size stays within the token budget."""
    batch: list[int] = []
    for index in order:
        if batch and ((len(batch) + 1) * length(batch[0]) > batch_tokens or len(batch) >= batch_size):
            yield batch
            batch = []
        batch.append(index)
    if batch:
        yield batch


def _spread(
    groups: list[tuple[int, list[int]]], length: Callable[[int], int], batch_tokens: int, batch_size: int, replicas: int
) -> list[tuple[int, list[int]]]:
    """The batches of every budget group, cut so that ``replicas`` decoders finish together.

    With one decoder these are :func:`_batches`' greedy batches, as ever.  With
    several, greedy batches leave replicas idle: a server's merged call of 17
    sentences was a batch of 16 on one replica and a batch of 1 on the other.
    So the number of batches is raised to a multiple of ``replicas`` (the
    groups with the fullest batches get the extra ones; never more batches than
    sentences), and each group's sentences are shared out evenly over its
    batches, still within the token budget and ``batch_size``.  A small call is
    cut too: on 2 cores (int8, beam 4) one request of two sentences took 351 ms
    as two batches against 465 ms as one; the cut costs CPU (a sentence takes
    277 ms of it alone, 171 in a batch of 2, 101 in one of 8), which a machine
    whose cores are taken by other work pays in throughput, but a server's
    calls are small only when it has cores to spare.
    Each batch holds one budget as before; in float32 no output depends on its
    batch (tests), and in int8 a sentence can differ with its batch, as with
    any change of batching.
    """
    greedy = [(budget, list(_batches(members, length, batch_tokens, batch_size))) for budget, members in groups]
    if replicas < 2:
        return [(budget, batch) for budget, runs in greedy for batch in runs]
    counts = [len(runs) for _, runs in greedy]
    sizes = [len(members) for _, members in groups]
    target = -(-sum(counts) // replicas) * replicas
    while sum(counts) < target:
        roomy = [g for g in range(len(groups)) if counts[g] < sizes[g]]
        if not roomy:
            break
        counts[max(roomy, key=lambda g: sizes[g] / counts[g])] += 1
    spread = []
    for (budget, members), count in zip(groups, counts):
        cap = -(-len(members) // count)  # the fewest sentences a batch must take for ``count`` batches
        while len(runs := list(_batches(members, length, batch_tokens, min(batch_size, cap)))) > count and cap < batch_size:
            cap += 1
        spread += [(budget, batch) for batch in runs]
    return spread


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


def _source_limit(positions: int, declared: int) -> int:
    """The longest input, in tokens with </s>: the model's positions, or less if its tokenizer says so (tc-big: 1024 vs 512)."""
    return min(positions, declared) if 0 < declared < 100_000 else positions


def _union(flags: Iterable[Flag]) -> tuple[Flag, ...]:
    return tuple(dict.fromkeys(flags))


def joined(parts: Sequence[Translation]) -> Translation:
    """A segment's translation from the translations of its pieces (one piece: itself, as a fresh translation).

    The texts are joined with a space, the flags united (``split`` first when
    there are several pieces) and the scores added: the confidence of a split
    segment is that of all its tokens together, each piece weighing as many
    tokens as it has, so a short piece cannot hide a long unsure one.
    """
    flags = _union(f for part in parts for f in part.flags)
    if len(parts) > 1:
        flags = (FLAG_SPLIT, *flags)
    return Translation(" ".join(p.text for p in parts if p.text), Origin.MT, flags, score=combined(p.score for p in parts))
