"""Termbase matching at scale: 50,000 terms, texts of growing length; time per word should stay flat (linear time).

The terms are made from the words of real Arabic text (FLORES-200 devtest, or
the test article where ../shared is absent): 50,000 distinct entries of one to
three words (the text's single words, runs of its words, and its words put together), seeded, so
many of them occur in the text.  The text is the same
Arabic repeated to each length.  Printed: the compile time of the termbase,
then for each length the matching time, the time per word and its ratio to the
shortest text's (about 1 for linear time), and the occurrences found; then
the check of before this issue (every term tried at every word of each
segment), timed on a short text, for comparison.

    python3 scripts/bench_terms.py [--terms 50000] [--words 10000,20000,40000,80000]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from translate.terminology import Term  # noqa: E402
from translate.terminology.matcher import TermMatcher  # noqa: E402

SOURCES = (ROOT.parent / "shared" / "data" / "flores200-devtest" / "flores200-devtest.arb_Arab", ROOT / "tests" / "fixtures" / "article.ar.txt")


def arabic_text() -> str:
    for path in SOURCES:
        if path.is_file():
            return path.read_text(encoding="utf-8")
    raise SystemExit("no Arabic text found")


def make_terms(words: list[str], count: int, seed: int = 7) -> list[Term]:
    rng = random.Random(seed)
    vocabulary = sorted(set(words))
    seen: set[str] = set()
    terms: list[Term] = []
    while len(terms) < count:
        size = rng.choice((1, 2, 2, 3))
        if size == 1:
            phrase = rng.choice(vocabulary)
        elif rng.random() < 0.5:  # a run of the text's words, so multi-word terms occur
            start = rng.randrange(len(words) - size)
            phrase = " ".join(words[start : start + size])
        else:  # words of the text put together: terms that share first words without occurring
            phrase = " ".join(rng.choice(vocabulary) for _ in range(size))
        if phrase not in seen:
            seen.add(phrase)
            terms.append(Term(phrase, f"term {len(terms)}", False, len(terms) + 1))
    return terms


def old_check(terms: list[Term], segment: str) -> int:
    """Before this issue: every term tried at every word of the segment (qa/glossary.py of issue 20)."""
    from translate.arabic import fold
    from translate.terminology.entry import WORD
    from translate.terminology.matcher import word_forms

    words = WORD.findall(fold(segment))
    forms = [word_forms(w) for w in words]
    found = 0
    for term in terms:
        key = term.key
        for i in range(len(words) - len(key) + 1):
            if all(key[j] in forms[i + j] for j in range(len(key))):
                found += 1
                break
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--terms", type=int, default=50_000)
    parser.add_argument("--words", default="10000,20000,40000,80000")
    args = parser.parse_args()
    text = arabic_text()
    words = text.split()
    terms = make_terms(words, args.terms)
    started = time.perf_counter()
    matcher = TermMatcher(terms)
    print(f"{len(terms)} terms compiled in {time.perf_counter() - started:.2f} s")
    base = None
    print(f"{'words':>8} {'seconds':>8} {'us/word':>8} {'ratio':>6} {'found':>7}")
    for size in (int(n) for n in args.words.split(",")):
        sample = " ".join((words * (size // len(words) + 1))[:size])
        started = time.perf_counter()
        found = matcher.find(sample)
        seconds = time.perf_counter() - started
        per_word = seconds / size * 1e6
        base = base or per_word
        print(f"{size:>8} {seconds:>8.3f} {per_word:>8.2f} {per_word / base:>6.2f} {len(found):>7}")
    segment = " ".join(words[:25])
    started = time.perf_counter()
    old_check(terms, segment)
    old = time.perf_counter() - started
    started = time.perf_counter()
    matcher.find(segment)
    new = time.perf_counter() - started
    print(f"one 25-word segment: every term tried {old * 1000:.1f} ms, the trie {new * 1000:.3f} ms ({old / max(new, 1e-9):.0f}x)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
