"""One memory-aware translator for every front end: the translation memory's rules, written once.

The rules: a text is translated as its normalised form, and the same form is
translated once (deduplication); the memory is asked first, and a human match
wins over a stored machine translation (:meth:`TranslationMemory.lookup`); a
new translation goes to the memory as soon as it is done, so a killed run
loses at most what was in flight (store as you go); and it goes there under
the key of the model and settings that made it (:class:`ModelKey`), given by
the decoder side, so no run is ever served another model's output.

Every front end keeps them here: the local engine
(:class:`translate.translation.engine.Translator`, whose CTranslate2 or
transformers replicas are a :class:`Decoder`), the server (whose batcher's
worker calls the engine), and the Ray driver, which feeds many documents at
once to a worker pool through :class:`MemoryJobs` (the asynchronous form of
the same rules: a segment another document already sent is awaited, not sent
again, as locally the later document would find it in the memory).
:class:`CachedTranslator` is the synchronous form, argos-translate's
``CachedTranslation(underlying)`` shape: it wraps a decoder and is what the
pipeline calls.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Generic, Protocol, TypeVar

from translate.flags import Flag
from translate.model import Origin
from translate.translation.hypotheses import Score
from translate.translation.memory import Match, ModelKey, TranslationMemory, normalise

Progress = Callable[[int], None]
"""Told how many more segments are done."""

Tag = TypeVar("Tag", bound=Hashable)


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
    score: Score | None = None
    """The model's score of a machine translation; None for a human one (and for one stored by a release before scores)."""

    @property
    def confidence(self) -> float | None:
        """How sure the model was of it, in [0, 1] (:attr:`Score.confidence`); None where nobody decoded it."""
        return self.score.confidence if self.score is not None else None


EMPTY = Translation("", Origin.MT)
"""An empty segment's translation: never looked up, never decoded."""


def remembered(match: Match) -> Translation:
    """A memory match as a translation of this run: a human one is ``tm`` (without MT flags), a stored MT stays ``mt``."""
    if match.human:
        return Translation(match.target, Origin.TM, (), from_memory=True)
    return Translation(match.target, Origin.MT, tuple(match.flags), from_memory=True, score=match.score)


Done = list[tuple[str, Translation]]
"""Translations a decoder finished, each with the normalised segment it translates."""


class PieceMemory(Protocol):
    """The memory as a decoder may use it for the pieces of a split segment (machine translations only)."""

    def recall_machine(self, texts: Sequence[str]) -> dict[str, Translation]: ...

    def keep(self, done: Iterable[tuple[str, Translation]]) -> None: ...


class Decoder(Protocol):
    """Unique, normalised segments the memory does not have in, their translations (with scores) out.

    ``memory_key`` names the model and settings that decode (model identity and
    :class:`~translate.settings.DecodingSignature`); ``prepare`` loads what
    decoding needs, after which the key is that of what really loaded (it may
    differ from the planned one: a backend that fails to load falls back).
    ``decode`` yields its translations in chunks as they are done, so that each
    is stored before the next is decoded; a decoder that splits a segment too
    long for its model may keep the pieces in ``pieces`` (an interrupted long
    segment then resumes piece by piece).
    """

    @property
    def memory_key(self) -> ModelKey: ...

    def prepare(self) -> None: ...

    def decode(self, segments: Sequence[str], pieces: PieceMemory) -> Iterator[Done]: ...


@dataclass(slots=True, eq=False)
class _Job:
    keys: tuple[str, ...]
    todo: tuple[str, ...] = ()
    translations: dict[str, Translation] = field(default_factory=dict)
    missing: set[str] = field(default_factory=set)
    awaited: set[str] = field(default_factory=set)
    """Segments another job sent: locally this one would find them in the memory."""


class MemoryJobs(Generic[Tag]):
    """The memory's rules for jobs (documents) in flight at once, each named by a tag; decoding is the caller's.

    :meth:`open` a job with its segments and decode what it returns;
    hand every finished translation to :meth:`done`, which stores it and says
    which jobs are now complete; :meth:`close` a complete job for its
    translations in order.  With a memory, jobs share: a segment one job sent
    is not returned for another, which awaits it (from the memory, as locally);
    without one each job decodes its own, as separate local runs do.  What is
    held is bounded by the jobs open: a shared translation is dropped when the
    last job that needs it closes.
    """

    def __init__(self, key: Callable[[], ModelKey], memory: TranslationMemory | None) -> None:
        self._key = key
        self.memory = memory
        self._jobs: dict[Tag, _Job] = {}
        self._known: dict[str, Translation] = {}
        self._needed: Counter[str] = Counter()
        self._waiting: dict[str, list[Tag]] = {}

    @property
    def key(self) -> ModelKey:
        return self._key()

    def open(self, tag: Tag, sentences: Sequence[str]) -> tuple[str, ...]:
        """Start a job; returns its segments to decode: normalised, each once, in neither the memory nor another job's hands."""
        keys = tuple(normalise(s) for s in sentences)
        unique = [k for k in dict.fromkeys(keys) if k]
        job = _Job(keys)
        memory = self.memory
        if memory is not None:
            unseen = [k for k in unique if k not in self._known and k not in self._waiting]
            for k, match in (memory.lookup(unseen, self.key) if unseen else {}).items():
                self._known[k] = remembered(match)
            for k in unique:
                self._needed[k] += 1
                if k in self._known:
                    job.translations[k] = replace(self._known[k], from_memory=True)
                elif k in self._waiting:
                    self._waiting[k].append(tag)
                    job.missing.add(k)
                    job.awaited.add(k)
            todo = [k for k in unique if k not in job.translations and k not in job.missing]
            for k in todo:
                self._waiting[k] = [tag]
        else:
            todo = unique
        job.todo = tuple(todo)
        job.missing.update(todo)
        self._jobs[tag] = job
        return job.todo

    def complete(self, tag: Tag) -> bool:
        return not self._jobs[tag].missing

    def done(self, sender: Tag, fresh: Sequence[tuple[str, Translation]]) -> list[Tag]:
        """Store translations ``sender`` decoded and hand them to every job that waits for them; returns the jobs now complete."""
        self.keep(fresh)
        ready: list[Tag] = []
        for k, translation in fresh:
            receivers = self._waiting.pop(k, []) if self.memory is not None else [sender]
            if self.memory is not None and k in self._needed:
                self._known[k] = translation
            for tag in receivers:
                job = self._jobs[tag]
                job.translations[k] = replace(translation, from_memory=True) if k in job.awaited else translation
                job.missing.discard(k)
                if not job.missing and tag not in ready:
                    ready.append(tag)
        return ready

    def close(self, tag: Tag) -> list[Translation]:
        """A complete job's translations in the order of its sentences; what only it needed is let go."""
        job = self._jobs.pop(tag)
        if self.memory is not None:
            for k in dict.fromkeys(job.keys):
                if k and k in self._needed:
                    self._needed[k] -= 1
                    if self._needed[k] <= 0:
                        del self._needed[k]
                        self._known.pop(k, None)
        if job.missing:  # only a job abandoned before its translations came (see CachedTranslator)
            for k in job.todo:
                self._waiting.pop(k, None)
            return []
        return [job.translations[k] if k else EMPTY for k in job.keys]

    # -- the pieces of split segments (PieceMemory) ---------------------------------

    def recall_machine(self, texts: Sequence[str]) -> dict[str, Translation]:
        """Stored machine translations of ``texts`` under this key; never a human one (a piece is not a segment)."""
        if self.memory is None or not texts:
            return {}
        return {t: remembered(m) for t, m in self.memory.lookup(texts, self.key).items() if not m.human}

    def keep(self, done: Iterable[tuple[str, Translation]]) -> None:
        if self.memory is not None:
            self.memory.store_mt(self.key, [(k, t.text, t.flags, t.score) for k, t in done])


def termed(key: ModelKey, terms: str) -> ModelKey:
    """The memory key of a segment a termbase asks ``terms`` of (see :func:`translate.translation.terms.signature`).

    A segment without a term keeps the plain key: its translation is the one a
    run without the termbase makes, and shares its memory.  A segment with
    terms is keyed by those terms alone: a memory filled without the termbase
    (or before a term changed) never serves it a translation that lacks them,
    and changing one term re-translates only the segments that contain it.
    """
    return replace(key, decoding=f"{key.decoding} terms={terms}") if terms else key


class CachedTranslator:
    """A decoder behind the memory's rules: sentences in, translations in the caller's order out."""

    def __init__(self, decoder: Decoder, memory: TranslationMemory | None, terms: Callable[[str], str] | None = None) -> None:
        """``terms``: what a termbase asks of a (normalised) segment, empty when nothing (:func:`termed`)."""
        self.decoder = decoder
        self.memory = memory
        self.terms = terms

    def translate_segments(self, sentences: Sequence[str], progress: Progress | None = None) -> list[Translation]:
        """Each sentence's translation, with its origin (mt or tm) and flags.

        ``progress`` is called with a number of segments each time that many
        are done (reused ones at once, decoded ones chunk by chunk).  With a
        termbase, segments are translated in groups by what it asks of them,
        each group under its own memory key (:func:`termed`).
        """
        if self.terms is None:
            return self._translate(sentences, "", progress)
        groups: dict[str, list[int]] = {}
        for index, sentence in enumerate(sentences):
            groups.setdefault(self.terms(normalise(sentence)), []).append(index)
        translations = [EMPTY] * len(sentences)
        for terms, members in groups.items():
            for index, translation in zip(members, self._translate([sentences[i] for i in members], terms, progress)):
                translations[index] = translation
        return translations

    def _translate(self, sentences: Sequence[str], terms: str, progress: Progress | None) -> list[Translation]:
        jobs: MemoryJobs[int] = MemoryJobs(lambda: termed(self.decoder.memory_key, terms), self.memory)
        todo = jobs.open(0, sentences)
        if todo:
            planned = jobs.key
            self.decoder.prepare()  # the key may change with what really loaded
            if jobs.key != planned:  # never serve another backend's translations
                jobs.close(0)
                todo = jobs.open(0, sentences)
        occurrences = Counter(normalise(s) for s in sentences)
        if progress is not None:
            pending = set(todo)
            progress(sum(n for k, n in occurrences.items() if k not in pending))
        if todo:
            for chunk in self.decoder.decode(todo, jobs):
                jobs.done(0, chunk)
                if progress is not None:
                    progress(sum(occurrences[k] for k, _ in chunk))
        return jobs.close(0)
