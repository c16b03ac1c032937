#!/usr/bin/env python
"""How often inline codes land on the right English words, on real Arabic-English pairs.

    PYTHONPATH=. python scripts/measure_placement.py

Cases that can be judged without a human: a word whose counterpart is certain
because it is written the same on both sides (a number, a Latin-script name
or acronym), occurring once in the Arabic and once in the English sentence.
On each such word of FLORES-101 devtest, TICO-19 and NTREX-128 (the human
reference translation, and the real output of opus-mt-tc-big-ar-en for
FLORES), the script puts

* a bold span on the Arabic word: right when the span covers exactly the
  English word (and "near" when its edges are within one word of it);
* a placeholder (a picture) just before it: right when it lands just before
  the English word.

It reports the method as shipped (anchors first, then proportion) on these
words; "word hidden": the same cases with the judged Arabic word replaced by
an ordinary word (كلمة), so that it is no anchor but the sentence's other
anchors still count: the honest estimate for a bold span on a word such as
"minister"; and "proportion alone", every anchor switched off.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path

from translate.formatted.placement import place_codes
from translate.formatted.tagged import Code, CodeKind, TaggedText

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
PAIRS = {
    "flores101 reference": ("flores101-devtest/flores101-devtest.ara", "flores101-devtest/flores101-devtest.eng"),
    "flores101 opus-mt-tc-big": ("flores101-devtest/flores101-devtest.ara", "mt-outputs/opus-mt-tc-big-ar-en.flores101-devtest.en"),
    "tico19 reference": ("tico19-test/tico19-test.ar", "tico19-test/tico19-test.en"),
    "ntrex128 reference": ("ntrex128/newstest2019-ref.arb.txt", "ntrex128/newstest2019-src.eng.txt"),
}
WORD = re.compile(r"\w+(?:[.,:/'’\-]\w+)*")
DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩", "0123456789")
ANCHOR = re.compile(r"[A-Za-z0-9]")


def cases(arabic: str, english: str) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """(Arabic word span, English word span) of each word written the same on both sides, once on each."""
    src = [(m.span(), m.group().translate(DIGITS).lower()) for m in WORD.finditer(arabic)]
    tgt = [(m.span(), m.group().lower()) for m in WORD.finditer(english)]
    src_count = Counter(k for _, k in src)
    tgt_count = Counter(k for _, k in tgt)
    found = []
    for span, key in src:
        if ANCHOR.search(key) and src_count[key] == 1 and tgt_count[key] == 1:
            found.append((span, next(s for s, k in tgt if k == key)))
    return found


HIDDEN = "كلمة"
"""An ordinary Arabic word put in place of the judged one: its counterpart is no longer written the same, as for most words."""


def judge(arabic: str, english: str, method: str) -> Counter[str]:
    tally: Counter[str] = Counter()
    words = [m.span() for m in WORD.finditer(english)]
    anchors = method != "proportion alone"
    for (s0, s1), (t0, t1) in cases(arabic, english):
        if method == "word hidden":
            arabic_case = arabic[:s0] + HIDDEN + arabic[s1:]
            s1 = s0 + len(HIDDEN)
        else:
            arabic_case = arabic
        b1, b2 = Code(CodeKind.OPEN, 1, "b"), Code(CodeKind.CLOSE, 1, "b")
        placed = dict((c, o) for o, c in place_codes(TaggedText((arabic_case[:s0], b1, arabic_case[s0:s1], b2, arabic_case[s1:])), english, anchors=anchors).placed())
        start, end = placed[b1], placed[b2]
        tally["span"] += 1
        tally["span right"] += (start, end) == (t0, t1)
        index = next(i for i, w in enumerate(words) if w == (t0, t1))
        first = next((i for i, w in enumerate(words) if w[1] > start), len(words))
        last = next((i for i, w in reversed(list(enumerate(words))) if w[0] < end), -1)
        tally["span near"] += abs(first - index) <= 1 and abs(last - index) <= 1
        image = Code(CodeKind.PLACEHOLDER, 2, "image")
        offset = next(o for o, _ in place_codes(TaggedText((arabic_case[:s0], image, arabic_case[s0:])), english, anchors=anchors).placed())
        tally["placeholder"] += 1
        tally["placeholder right"] += offset == t0
    return tally


def main() -> int:
    if not DATA.exists():
        print(f"needs {DATA} (the shared data beside the checkout)", file=sys.stderr)
        return 2
    print(f"{'pairs':28} {'method':22} {'cases':>6} {'span exact':>11} {'span ±1 word':>13} {'placeholder':>12}")
    for name, (ar, en) in PAIRS.items():
        arabic = (DATA / ar).read_text(encoding="utf-8").splitlines()
        english = (DATA / en).read_text(encoding="utf-8").splitlines()
        for method in ("anchors + proportion", "word hidden", "proportion alone"):
            total: Counter[str] = Counter()
            for a, e in zip(arabic, english):
                total += judge(a, e, method)
            n = total["span"] or 1
            print(
                f"{name:28} {method:22} {total['span']:>6} {total['span right'] / n:>11.1%} {total['span near'] / n:>13.1%} "
                f"{total['placeholder right'] / (total['placeholder'] or 1):>12.1%}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
