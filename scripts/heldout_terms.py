"""The held-out terminology check: a TBX termbase built from TICO-19, enforced on TICO-19 articles it never saw.

How the termbase is built (``build``): TICO-19 test (../shared/data/tico19-test,
COVID-19 domain, 19 source documents) is split by document: the held-out
articles are :data:`HELD_OUT` (7 short documents: 4 Wikinews, 2 Wikipedia,
1 PubMed), the other 12 documents are the development side.  On the
development side only, every Arabic word and word pair (folded, without the
article, as the matcher keys them) and every English word and word pair
(lower-cased, stopwords aside) is counted per line; an Arabic unit seen on at
least ``--min-count`` lines is paired with the English unit of highest Dice
coefficient (2·both / (arabic + english)) if that is at least ``--min-dice``;
the ``--terms`` pairs seen together on most lines are kept, each English once.
The Arabic is written as its most frequent surface form.  Nothing of the
held-out documents is read to build it.  It is written as TBX-Basic and as CSV.

The check (``check``): the held-out articles translated without and with the
termbase (TBX, then CSV), CTranslate2 float32 on the given model: the share of
term occurrences whose English is in the draft (each occurrence counted:
a term twice in a segment needs its English twice), whether the TBX and CSV
drafts are identical, whether every segment without a term is byte-identical
to the free run, what each enforcement stage gave, and the time with the
termbase over the time without (medians of alternating rounds).

    python3 scripts/heldout_terms.py --model models/tiny --out /tmp/heldout
"""

from __future__ import annotations

import argparse
import itertools
import math
import re
import statistics
import sys
import time
from collections import Counter
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from translate.arabic import fold  # noqa: E402
from translate.settings import DecodingSettings  # noqa: E402
from translate.terminology import Glossary, load_glossary  # noqa: E402
from translate.terminology.entry import WORD  # noqa: E402
from translate.translation import load_translator  # noqa: E402
from translate.translation.terms import missing, needs_in  # noqa: E402

TICO = ROOT.parent / "shared" / "data" / "tico19-test"
HELD_OUT = ("Wikinews_1", "Wikinews_3", "Wikinews_4", "Wikinews_6", "wiki_20", "wiki_7", "PubMed_11")
STOP = set(["the", "a", "an", "of", "and", "or", "to", "in", "on", "at", "for", "by", "with", "from", "as", "is", "are", "was", "were", "be", "been", "it", "its", "this", "that", "these", "those", "which", "who", "has", "have", "had", "not", "no", "but", "if", "than", "then", "there", "their", "they", "he", "she", "we", "you", "i", "our", "your", "his", "her", "can", "may", "will", "would", "could", "should", "also", "more", "most", "such", "other", "into", "about", "after", "before", "over", "under", "between", "during", "while", "per", "all", "any", "some", "each"])


def documents() -> tuple[list[tuple[str, str, str]], list[tuple[str, str, str]]]:
    """(document, arabic, english) lines: the development side and the held-out articles."""
    ar = (TICO / "tico19-test.ar").read_text(encoding="utf-8").splitlines()
    en = (TICO / "tico19-test.en").read_text(encoding="utf-8").splitlines()
    info = [line.split("\t")[0].split(":")[0] for line in (TICO / "tico19-test.en.info").read_text(encoding="utf-8").splitlines()]
    lines = list(zip(info, ar, en))
    return [x for x in lines if x[0] not in HELD_OUT], [x for x in lines if x[0] in HELD_OUT]


def _arabic_units(text: str) -> dict[str, str]:
    words = text.split()
    keys = [WORD.findall(fold(w)) for w in words]
    units: dict[str, str] = {}
    flat = [(k[0], w.strip(".,;:!?()«»\"'،؛؟")) for k, w in zip(keys, words) if len(k) == 1]
    for i, (key, surface) in enumerate(flat):
        bare = key[2:] if key.startswith("ال") and len(key) > 3 else key
        if len(bare) >= 3:
            units.setdefault(bare, surface)
        if i + 1 < len(flat):
            nxt = flat[i + 1][0]
            nxt = nxt[2:] if nxt.startswith("ال") and len(nxt) > 3 else nxt
            if len(bare) >= 3 and len(nxt) >= 3:
                units.setdefault(f"{bare} {nxt}", f"{surface} {flat[i + 1][1]}")
    return units


def _english_units(text: str) -> set[str]:
    words = re.findall(r"[A-Za-z][A-Za-z0-9-]*", text.lower())
    units = {w for w in words if w not in STOP and len(w) > 2}
    units |= {f"{a} {b}" for a, b in itertools.pairwise(words) if a not in STOP and b not in STOP and len(a) > 2 and len(b) > 2}
    return units


def build(lines: list[tuple[str, str, str]], count: int, min_count: int, min_dice: float) -> list[tuple[str, str]]:
    ar_count: Counter[str] = Counter()
    en_count: Counter[str] = Counter()
    both: Counter[tuple[str, str]] = Counter()
    surfaces: dict[str, Counter[str]] = {}
    for _, ar, en in lines:
        units = _arabic_units(ar)
        english = _english_units(en)
        ar_count.update(list(units))
        en_count.update(english)
        for key, surface in units.items():
            surfaces.setdefault(key, Counter())[surface] += 1
            both.update((key, e) for e in english)
    best: dict[str, tuple[float, int, str]] = {}
    for (a, e), n in both.items():
        if ar_count[a] < min_count or n < min_count:
            continue
        dice = 2 * n / (ar_count[a] + en_count[e])
        if dice >= min_dice and (a not in best or (dice, n) > best[a][:2]):
            best[a] = (dice, n, e)
    chosen: list[tuple[str, str]] = []
    used: set[str] = set()
    for a, (_, _n, e) in sorted(best.items(), key=lambda item: (-item[1][1], item[0])):
        if e in used or len(chosen) >= count:
            continue
        used.add(e)
        chosen.append((surfaces[a].most_common(1)[0][0], e))
    return chosen


def write_termbase(pairs: list[tuple[str, str]], out: Path) -> tuple[Path, Path]:
    entries = "".join(
        f'<termEntry id="t{n}"><langSet xml:lang="ar"><tig><term>{escape(a)}</term></tig></langSet>'
        f'<langSet xml:lang="en"><tig><term>{escape(e)}</term></tig></langSet></termEntry>\n'
        for n, (a, e) in enumerate(pairs, start=1)
    )
    tbx = out / "heldout.tbx"
    tbx.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<martif type="TBX-Basic" xml:lang="en">\n'
        "<martifHeader><fileDesc><sourceDesc><p>built from TICO-19 test, development documents only (scripts/heldout_terms.py)</p>"
        f"</sourceDesc></fileDesc></martifHeader>\n<text><body>\n{entries}</body></text></martif>\n",
        encoding="utf-8",
    )
    csv = out / "heldout.csv"
    csv.write_text("ar,en\n" + "".join(f'"{a}","{e}"\n' for a, e in reversed(pairs)), encoding="utf-8")  # another order: the same termbase
    return tbx, csv


def occurrences(glossary: Glossary, segments: list[str], texts: list[str]) -> tuple[int, int]:
    needed = found = 0
    for segment, text in zip(segments, texts):
        needs = needs_in(glossary, segment)
        needed += len(needs)
        found += len(needs) - len(missing(text, needs))
    return needed, found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", default=str(ROOT / "models" / "tiny"))
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--terms", type=int, default=30)
    parser.add_argument("--min-count", type=int, default=6)
    parser.add_argument("--min-dice", type=float, default=0.5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--backend", default="ctranslate2")
    args = parser.parse_args()
    dev, held = documents()
    args.out.mkdir(parents=True, exist_ok=True)
    pairs = build(dev, args.terms, args.min_count, args.min_dice)
    tbx, csv = write_termbase(pairs, args.out)
    print(f"termbase: {len(pairs)} terms from {len(dev)} development lines -> {tbx}, {csv}")
    for a, e in pairs:
        print(f"  {a}\t{e}")
    segments = [ar for _, ar, _ in held]
    settings = DecodingSettings(device="cpu", backend=args.backend, compute_type="float32")  # type: ignore[arg-type]
    by_tbx, by_csv = load_glossary(str(tbx)), load_glossary(str(csv))
    free = load_translator(args.model, settings)
    enforced = load_translator(args.model, settings, glossary=by_tbx)
    from_csv = load_translator(args.model, settings, glossary=by_csv)
    free_texts = [t.text for t in free.translate_segments(segments)]
    tbx_texts = [t.text for t in enforced.translate_segments(segments)]
    csv_texts = [t.text for t in from_csv.translate_segments(segments)]
    needed, before = occurrences(by_tbx, segments, free_texts)
    _, after = occurrences(by_tbx, segments, tbx_texts)
    with_terms = sum(1 for s in segments if needs_in(by_tbx, s))
    untouched = all(f == t for s, f, t in zip(segments, free_texts, tbx_texts) if not needs_in(by_tbx, s))
    print(f"held-out: {len(held)} segments of {len(HELD_OUT)} articles, {with_terms} with a term, {needed} term occurrences")
    print(f"  without the termbase: {before}/{needed} occurrences in the draft")
    print(f"  with it (TBX):        {after}/{needed} ({100 * after / max(1, needed):.1f}%)")
    print(f"  TBX and CSV drafts identical: {tbx_texts == csv_texts}")
    print(f"  segments without a term byte-identical to the free run: {untouched}")
    print(f"  stages (occurrences): {dict(enforced.enforcement.stages)}")
    print(f"  stage seconds: { {k: round(v, 2) for k, v in enforced.enforcement.seconds.items()} }")
    timings: dict[str, list[float]] = {"free": [], "terms": []}
    for _ in range(args.rounds):
        for name, translator in (("free", free), ("terms", enforced)):
            started = time.perf_counter()
            translator.translate_segments(segments)
            timings[name].append(time.perf_counter() - started)
    ratio = statistics.median(timings["terms"]) / statistics.median(timings["free"])
    print(f"time: free {statistics.median(timings['free']):.2f} s, with terms {statistics.median(timings['terms']):.2f} s "
          f"(medians of {args.rounds} alternating rounds): ratio {ratio:.2f}")
    return 0 if after == needed and tbx_texts == csv_texts and untouched and not math.isnan(ratio) else 1


if __name__ == "__main__":
    raise SystemExit(main())
