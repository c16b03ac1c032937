"""Scoring a sentence segmenter on articles rebuilt from sentence-aligned news.

Test sets hold one sentence (translation unit) per line, with document ids.
Segmenters meet scraped articles: a headline on its own line, paragraphs of a
few sentences joined by spaces.  :func:`build_article` rebuilds such text and
keeps the gold sentence spans, so that a segmenter is scored on exact spans
(precision, recall, F1), as a CAT tool's segmentation is judged by the TM
entries it produces.  Benchmark code, not part of the installed package: used by
``scripts/bench_segmentation.py`` and the segmentation accuracy tests
(tests/segmentation/test_document.py), which import it from ``scripts/``.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from translate.segmentation.rules import FINAL_PUNCTUATION

Span = tuple[int, int]


@dataclass(frozen=True, slots=True)
class Article:
    """Rebuilt text and the gold spans of its sentences."""

    name: str
    text: str
    gold: tuple[Span, ...]


@dataclass(frozen=True, slots=True)
class Score:
    found: int
    expected: int
    correct: int

    @property
    def precision(self) -> float:
        return self.correct / self.found if self.found else 0.0

    @property
    def recall(self) -> float:
        return self.correct / self.expected if self.expected else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def __add__(self, other: Score) -> Score:
        return Score(self.found + other.found, self.expected + other.expected, self.correct + other.correct)


def build_article(
    name: str,
    lines: Sequence[str],
    rng: random.Random,
    *,
    headline: bool = True,
    max_sentences: int = 4,
    gold_splits: Mapping[int, Sequence[int]] | None = None,
) -> Article:
    """Join a document's lines as a scraped article.

    The first line is the headline on its own line (when ``headline``); then
    paragraphs of 1..``max_sentences`` consecutive lines joined by one space,
    separated by a blank line.  A line without final punctuation (a
    subheading, a list item) always ends its paragraph.

    ``gold_splits`` maps a line's index in ``lines`` to the offsets (in the
    stripped line) where its further sentences start: the data's lines are
    translation units, and some hold two sentences.
    """
    lines = [line.strip() for line in lines]
    splits = gold_splits or {}
    paragraphs: list[list[int]] = []
    current: list[int] = []
    size = 0
    for index, line in enumerate(lines):
        if headline and index == 0:
            paragraphs.append([index])
            continue
        if not current:
            size = rng.randint(1, max_sentences)
        current.append(index)
        if len(current) == size or not FINAL_PUNCTUATION.search(line):
            paragraphs.append(current)
            current = []
    if current:
        paragraphs.append(current)

    gold: list[Span] = []
    pos = 0
    for paragraph in paragraphs:
        for index in paragraph:
            line = lines[index]
            bounds = [0, *splits.get(index, ()), len(line)]
            for start, end in zip(bounds, bounds[1:]):
                piece = line[start:end]
                if not piece.strip() or not 0 < end - start:
                    raise ValueError(f"{name}: gold split of line {index} at {bounds[1:-1]} leaves an empty sentence")
                left = start + len(piece) - len(piece.lstrip())
                gold.append((pos + left, pos + left + len(piece.strip())))
            pos += len(line) + 1
        pos += 1  # the space after a paragraph's last sentence is "\n\n"
    text = "\n\n".join(" ".join(lines[i] for i in p) for p in paragraphs) + "\n"
    return Article(name, text, tuple(gold))


def group_lines(lines: Sequence[str], doc_ids: Sequence[str]) -> list[tuple[str, list[int]]]:
    """Consecutive lines with one document id form one document; gives (id, line numbers)."""
    if len(lines) != len(doc_ids):
        raise ValueError(f"{len(lines)} lines but {len(doc_ids)} document ids")
    documents: list[tuple[str, list[int]]] = []
    for number, doc_id in enumerate(doc_ids):
        if not documents or documents[-1][0] != doc_id:
            documents.append((doc_id, []))
        documents[-1][1].append(number)
    return documents


def build_articles(
    lines: Sequence[str],
    doc_ids: Sequence[str],
    *,
    seed: int,
    headline: bool,
    max_sentences: int = 4,
    gold_splits: Mapping[int, Sequence[int]] | None = None,
) -> list[Article]:
    """Every document of a line-aligned test set as an article.

    ``gold_splits`` is keyed by the line's number in the whole file (0-based).
    """
    rng = random.Random(seed)
    splits = gold_splits or {}
    articles = []
    for doc_id, numbers in group_lines(lines, doc_ids):
        local = {i: splits[n] for i, n in enumerate(numbers) if n in splits}
        articles.append(
            build_article(
                doc_id,
                [lines[n] for n in numbers],
                rng,
                headline=headline,
                max_sentences=max_sentences,
                gold_splits=local,
            )
        )
    return articles


def score(predicted: Iterable[Span], gold: Iterable[Span]) -> Score:
    found, expected = set(predicted), set(gold)
    return Score(len(found), len(expected), len(found & expected))


def evaluate(articles: Iterable[Article], segment: Callable[[str], Iterable[Span]]) -> Score:
    """Exact-span score of ``segment`` (text -> spans) summed over the articles."""
    total = Score(0, 0, 0)
    for article in articles:
        total += score(segment(article.text), article.gold)
    return total


def read_lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def read_gold_splits(
    path: Path, lines: Callable[[str, str], Sequence[str]], sets: Iterable[str] | None = None
) -> dict[tuple[str, str], dict[int, list[int]]]:
    """Read a gold-splits table: (set, lang) -> {0-based line number: split offsets}.

    Rows are ``set, lang, line (1-based), offsets, first characters of each further
    sentence, how it was decided``, tab-separated; ``#`` starts a comment line.
    ``lines(set, lang)`` gives the data's lines; each row is checked against them so
    that a changed data file cannot silently shift the gold.  ``sets`` keeps only those sets.
    """
    wanted = None if sets is None else set(sets)
    splits: dict[tuple[str, str], dict[int, list[int]]] = {}
    cache: dict[tuple[str, str], Sequence[str]] = {}
    for row in path.read_text(encoding="utf-8").splitlines():
        if not row.strip() or row.startswith("#"):
            continue
        set_name, lang, number, offsets, starts, _how = row.split("\t")
        if wanted is not None and set_name not in wanted:
            continue
        if (set_name, lang) not in cache:
            cache[set_name, lang] = lines(set_name, lang)
        line = cache[set_name, lang][int(number) - 1].strip()
        cuts = [int(x) for x in offsets.split(",")]
        for cut, start in zip(cuts, starts.split(" | "), strict=True):
            if not line[cut:].startswith(start):
                raise ValueError(f"{path.name}: {set_name} {lang} line {number} does not split at {cut} before {start!r}")
        splits.setdefault((set_name, lang), {})[int(number) - 1] = cuts
    return splits
