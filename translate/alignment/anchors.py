"""Anchors: strings that survive translation unchanged.

Numbers (Western, Arabic-Indic and Persian digits, with their separators
dropped), Latin-script tokens that the Arabic text keeps as they are (names of
products, agencies, codes: "BBC", "COVID-19") and quotation marks.  Each
sentence becomes a small hashed count vector, so that the anchor agreement of
any two spans is a dot product the DP computes in bulk.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Sequence

import numpy as np

from translate import arabic

DIM = 256
_NUMBER = re.compile(f"[{arabic.ANY_DIGIT_RANGE}]+(?:[.,٫٬][{arabic.ANY_DIGIT_RANGE}]+)*")
_LATIN = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[-'][A-Za-z0-9]+)*")
_QUOTES = re.compile(r"[\"«»“”„]")
# British English quotes with single marks ('it's so awful'); an opening one, after a space or
# a bracket and before a letter, is never an apostrophe (it's, Jones')
_SINGLE_QUOTE = re.compile(r"(?:^|(?<=[\s(\[]))['‘](?=\w)")
QUOTE = "<quote>"


def numbers(text: str) -> list[str]:
    """Numbers as digit strings: ١٬٢٠٠ and 1,200 both give "1200"; a decimal mark is kept as '.'."""
    out = []
    for match in _NUMBER.finditer(text):
        raw = match.group().translate(arabic.TO_WESTERN_DIGITS)
        # a separator followed by exactly three digits groups thousands; anything else is a decimal mark
        parts = re.split(r"[.,٫٬]", raw)
        whole = parts[0]
        for part in parts[1:]:
            whole += part if len(part) == 3 else "." + part
        out.append(whole)
    return out


def latin_tokens(text: str) -> list[str]:
    return [t.lower() for t in _LATIN.findall(text)]


def sentence_anchors(source: Sequence[str], target: Sequence[str]) -> tuple[list[list[str]], list[list[str]]]:
    """Anchors of every Arabic and English sentence.

    English words count only where the Arabic document carries the same word
    in Latin script, else every English word would be an anchor.
    """
    latin_vocab = {t for s in source for t in latin_tokens(s)}
    src = [numbers(s) + latin_tokens(s) + ([QUOTE] if _QUOTES.search(s) else []) for s in source]
    tgt = [
        numbers(t)
        + [w for w in latin_tokens(t) if w in latin_vocab]
        + ([QUOTE] if _QUOTES.search(t) or _SINGLE_QUOTE.search(t) else [])
        for t in target
    ]
    return src, tgt


def hashed(anchors: Sequence[Sequence[str]]) -> np.ndarray:
    """One row of counts per sentence, anchors hashed into DIM buckets."""
    out = np.zeros((len(anchors), DIM), dtype=np.float32)
    for row, tokens in enumerate(anchors):
        for token in tokens:
            out[row, zlib.crc32(token.encode("utf-8")) % DIM] += 1.0
    return out
