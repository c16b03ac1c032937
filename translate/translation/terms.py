"""A termbase enforced while decoding: every Arabic term found gets its English in the translation.

CTranslate2 has no positive constraints and transformers' constrained beam
search is gone from recent releases, so enforcement is built from what both
backends do alike (:class:`~translate.translation.hypotheses.TargetPrefix`, n-best
lists), in stages, each tried only where the one before failed:

1. **the model's own choice** — a segment with a term is decoded with an n-best
   list (:data:`CANDIDATES`, the beam search is the same): the best hypothesis
   that already has every term's English is taken, in the model's ranking.
2. **a forced prefix** — the best hypothesis is cut at the word nearest to where
   the term sits in the source (its share of the source's words), the term's
   target tokens are put there, and the model decodes the rest after them
   (``target_prefix`` on CTranslate2, a logits processor on transformers): the model rewrites the end of the sentence around the term.
   Several missing terms: the earlier ones are spliced into the hypothesis at
   their places, the last one ends the prefix.
3. **a splice** — the terms spliced into the whole best hypothesis at word
   boundaries, given as the prefix (the model only ends the sentence):
   the term stands between word boundaries, whatever the model would do.
4. **text** — only where the model's vocabulary cannot write the term (a
   character it lacks): the English is put into the text at the term's place.

A term starting the sentence is written capitalised (do-not-translate entries
never change).  A translation that needed stage 2 or later, or a hypothesis
other than the model's best, carries the ``term`` flag with the terms forced.
The English is looked for as the QA check does (:meth:`Term.required`), as many
times as the term occurs in the source.  A segment without a term is never
touched: its translation is byte-identical to a run without the termbase.
"""

from __future__ import annotations

import hashlib
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from translate.flags import TERM, Flag
from translate.terminology import Glossary, Term
from translate.translation.hypotheses import DecodingRequest, Hypotheses, Hypothesis, TargetPrefix

CANDIDATES = 4
"""The n-best list asked of a segment with a term (stage 1); the beam is at least this wide."""

STAGES = ("model", "n-best", "prefix", "splice", "text")
"""What :attr:`Enforcement.stages` counts, per term occurrence: the stage that gave the term."""


class TargetSide(Protocol):
    """What enforcement needs of a tokenizer besides decoding: the target side's pieces."""

    def decode(self, ids_list: Sequence[Sequence[int]]) -> list[str]: ...

    def encode_target(self, texts: Sequence[str]) -> list[list[int]]: ...

    def target_pieces(self, ids: Sequence[int]) -> list[str]: ...


Generate = Callable[[Sequence[DecodingRequest]], list[Hypotheses]]
"""Decode requests (with prefixes) under the engine's settings, one hypothesis each."""


@dataclass(frozen=True, slots=True)
class Need:
    """One occurrence of a term in a segment, and where it sits (a share of the segment's words)."""

    term: Term
    position: float


def needs_in(glossary: Glossary, text: str) -> tuple[Need, ...]:
    return tuple(Need(o.term, o.position) for o in glossary.matcher.find(text))


def signature(needs: Sequence[Need]) -> str:
    """What a segment's translation owes the termbase, as a memory key part: empty when no term occurs.

    Only the terms found in the segment count, so changing one term changes the
    key of the segments that contain it and of no other.
    """
    if not needs:
        return ""
    counts = Counter(n.term.identity for n in needs)
    text = "\n".join(f"{identity}\t{count}" for identity, count in sorted(counts.items()))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def missing(text: str, needs: Sequence[Need]) -> list[Need]:
    """The occurrences whose English ``text`` lacks (a term needed twice must be there twice)."""
    by_term: dict[Term, list[Need]] = {}
    for need in needs:
        by_term.setdefault(need.term, []).append(need)
    lacking: list[Need] = []
    for term, group in by_term.items():
        found = len(term.required().findall(text))
        lacking.extend(group[found:])
    return sorted(lacking, key=lambda n: n.position)


@dataclass(slots=True)
class Enforcement:
    """Counts of what each stage achieved (term occurrences), for the report and the benchmark."""

    stages: Counter[str]
    seconds: dict[str, float]
    """Decoding time spent on segments with terms: ``n-best`` their first pass (with its n-best list), then each stage's."""

    def __init__(self) -> None:
        self.stages = Counter()
        self.seconds = dict.fromkeys(("n-best", "prefix", "splice"), 0.0)


@dataclass(frozen=True, slots=True)
class Outcome:
    """A segment's enforced output: the hypothesis chosen or forced, its flags, and its text where stage 4 wrote it."""

    hypothesis: Hypothesis
    flags: tuple[Flag, ...] = ()
    text: str | None = None


@dataclass(frozen=True, slots=True)
class _Item:
    source: tuple[int, ...]
    found: Hypotheses
    needs: tuple[Need, ...]


class Enforcer:
    """Stages 1 to 4 over a batch of segments with terms; :meth:`run` returns each one's output and flags."""

    def __init__(self, tokenizer: TargetSide, generate: Generate, record: Enforcement, longest: int) -> None:
        """``longest``: the most target tokens a prefix may have (the model's positions, less room to end the sentence)."""
        self.tokenizer = tokenizer
        self.generate = generate
        self.record = record
        self.longest = longest

    def run(self, items: dict[int, tuple[Sequence[int], Hypotheses, tuple[Need, ...]]]) -> dict[int, Outcome]:
        chosen: dict[int, Outcome] = {}
        pending: dict[int, _Item] = {}
        for i, (source, found, needs) in items.items():
            texts = self.tokenizer.decode([h.ids for h in found.items])
            rank = next((k for k, text in enumerate(texts) if not missing(text, needs)), None)
            if rank is None:
                pending[i] = _Item(tuple(source), found, needs)
                continue
            self.record.stages["model" if rank == 0 else "n-best"] += len(needs)
            chosen[i] = Outcome(found.items[rank], () if rank == 0 else (self._flag(needs),))
        for stage, whole in (("prefix", False), ("splice", True)):
            if not pending:
                break
            plans = {i: plan for i, item in pending.items() if (plan := self._plan(item, whole))}
            started = time.perf_counter()
            outputs = self.generate([DecodingRequest(pending[i].source, (TargetPrefix(plan),)) for i, plan in plans.items()])
            self.record.seconds[stage] = self.record.seconds.get(stage, 0.0) + time.perf_counter() - started
            texts = self.tokenizer.decode([h.best.ids for h in outputs])
            for i, output, text in zip(list(plans), outputs, texts):
                item = pending[i]
                if not missing(text, item.needs):
                    lacking = missing(self.tokenizer.decode([item.found.best.ids])[0], item.needs)
                    self.record.stages["model"] += len(item.needs) - len(lacking)
                    self.record.stages[stage] += len(lacking)
                    chosen[i] = Outcome(output.best, (self._flag(lacking),))
                    del pending[i]
        for i, item in pending.items():  # the model cannot write the term: the text gets it
            self.record.stages["text"] += len(item.needs)
            chosen[i] = Outcome(item.found.best, (self._flag(item.needs),), self.text_of(item.found.best, item.needs))
        return chosen

    def text_of(self, item_best: Hypothesis, needs: Sequence[Need]) -> str:
        """Stage 4: the best hypothesis's text with each missing term put at its place (between words)."""
        text = self.tokenizer.decode([item_best.ids])[0]
        for need in reversed(missing(text, needs)):
            words = text.split(" ")
            at = min(len(words), round(need.position * len(words)))
            english = _cased(need.term, at == 0)
            text = " ".join([*words[:at], english, *words[at:]]).strip()
        return text

    def _plan(self, item: _Item, whole: bool) -> tuple[int, ...] | None:
        """The prefix: the best hypothesis with the missing terms' tokens at their places, cut after the last (or whole).

        None when it cannot fit the model's positions (an output already at the
        length cap): the next stage then takes the segment.  The whole splice
        gives up the hypothesis's end, never a term, to fit.
        """
        best = list(item.found.best.ids)
        lacking = missing(self.tokenizer.decode([best])[0], item.needs)
        pieces = self.tokenizer.target_pieces(best)
        starts = [k for k, p in enumerate(pieces) if k == 0 or p.startswith("▁")]
        content = len(best)
        while content > 0 and not any(c.isalnum() for c in pieces[content - 1]):
            content -= 1  # never after the closing punctuation
        cuts = sorted({k for k in starts if k <= content} | {content})
        spliced: list[int] = []
        taken = 0
        for need in lacking:
            target = need.position * content
            cut = min((k for k in cuts if k >= taken), key=lambda k: abs(k - target), default=content)
            spliced += best[taken:cut]
            spliced += self.tokenizer.encode_target([_cased(need.term, cut == 0)])[0]
            taken = cut
        if whole:
            spliced += best[taken:][: max(0, self.longest - len(spliced))]
        return tuple(spliced) if 0 < len(spliced) <= self.longest else None

    @staticmethod
    def _flag(needs: Sequence[Need]) -> Flag:
        return TERM.flag(" | ".join(dict.fromkeys(n.term.english.replace(",", " ") for n in needs)))


def _cased(term: Term, first: bool) -> str:
    """The English as it is written at its place: capitalised when it starts the sentence (never a do-not-translate term)."""
    if first and not term.do_not_translate and term.english[:1].islower():
        return term.english[:1].upper() + term.english[1:]
    return term.english


__all__ = ["CANDIDATES", "STAGES", "Enforcement", "Enforcer", "Need", "Outcome", "missing", "needs_in", "signature"]
