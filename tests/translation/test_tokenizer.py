"""The sentencepiece-only Marian tokenizer gives exactly MarianTokenizer's ids and text.

Compared with transformers' own MarianTokenizer, loaded from the same directory,
for a tiny model with one shared vocabulary and one with separate source and
target vocabularies: every Arabic line of the shared test sets, the English
references through the target side, random id sequences, and a fuzz corpus of
odd Unicode, control characters, whitespace, literal special tokens and
language codes.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from translate.translation.tokenizer import MarianSentencePiece, UnsupportedTokenizer

ROOT = Path(__file__).resolve().parents[2]

ARABIC_SETS = [
    "flores101-devtest/flores101-devtest.ara",
    "flores200-devtest/flores200-devtest.arb_Arab",
    "ntrex128/newstest2019-ref.arb.txt",
    "tico19-test/tico19-test.ar",
    "tatoeba/tatoeba-test-v2021-08-07.ara",
]
ENGLISH_SETS = [
    "flores101-devtest/flores101-devtest.eng",
    "flores200-devtest/flores200-devtest.eng_Latn",
    "ntrex128/newstest2019-src.eng.txt",
    "tico19-test/tico19-test.en",
    "tatoeba/tatoeba-test-v2021-08-07.eng",
]

# Hand-picked inputs where a reimplementation could differ: the empty string, whitespace only,
# literal special tokens, language codes anywhere, control and format characters, characters no
# vocabulary has, punctuation a Moses normaliser would rewrite, SentencePiece's own meta symbol.
ODD = [
    "", " ", "   ", "\t", "\n", "\r\n", "\u3000", "\u00a0", "\u200b", "\u200f", "\u061c", "\ufeff", "\x00", "\x07", "\x1f", "\x7f",
    "</s>", "<unk>", "<pad>", "</s></s>", "<</s>>", "</s", "<pad", "x</s>y", " </s> ", "a <unk> b", "<pad>>>ara<<",
    ">>ara<<", ">>ara<< مرحبا", " >>ara<< مرحبا", "مرحبا >>ara<<", ">>eng<<hello", ">><<", ">>", "<<", ">>>>", ">>a<<b<<", ">>\ud7ff<<",
    "▁", "▁▁x", "x▁y", "«مرحبا»", "“quoted” ‘single’", "a — b – c", "…", "٪ ٫ ٬", "١٢٣", "ﷺ ﷽", "ﻻ", "e\u0301", "Å", "ﬁ",
    "😀", "👩‍👩‍👧", "\U0010ffff", "a\u0000b", "  leading and trailing  ", "tab\tinside", "line\nbreak", "x" * 600, "مرحبا " * 200,
]
SPECIALS_AND_CODES = st.sampled_from(["</s>", "<unk>", "<pad>", ">>ara<<", ">>eng<<", ">>", "<<", "<", ">", "▁", " ", "\t", "\n", "\x00", "\u200f", "\ufeff", ""])
# Any character but lone surrogates (which SentencePiece cannot take at all; tested below).
ANY_CHAR = st.characters(exclude_categories=["Cs"])
FUZZ = st.lists(st.one_of(st.text(alphabet=ANY_CHAR, max_size=30), SPECIALS_AND_CODES), max_size=10).map("".join)
ARABIC = st.text(alphabet=st.sampled_from("ابتثجحخدذرزسشصضطظعغفقكلمنهوي ءآأإىة.،؟!\"«»٠١٢٣ 0123456789%\n\u064b\u0651\u0640"), max_size=200)


def _marian(path: Path):
    from transformers import MarianTokenizer
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return MarianTokenizer.from_pretrained(str(path))


@pytest.fixture(scope="module")
def separate_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("models") / "tiny-separate"
    subprocess.run([sys.executable, str(ROOT / "scripts" / "make_tiny_model.py"), "--separate-vocabs", str(out)], check=True, capture_output=True)
    return out


@pytest.fixture(scope="module", params=["shared", "separate"])
def model_dir(request: pytest.FixtureRequest) -> Path:
    return request.getfixturevalue("tiny_model" if request.param == "shared" else "separate_model")


@pytest.fixture(scope="module")
def pair(model_dir: Path):
    return MarianSentencePiece.from_dir(model_dir), _marian(model_dir)


def _lines(shared_data, sets: list[str]) -> list[str]:
    lines: list[str] = []
    for relative in sets:
        lines.extend(shared_data(relative).read_text(encoding="utf-8").splitlines())
    return lines


def test_the_two_builds_are_what_they_claim(tiny_model: Path, separate_model: Path):
    """The separate-vocabulary model really numbers its two sides differently, or the tests below prove less."""
    shared = MarianSentencePiece.from_dir(tiny_model)
    separate = MarianSentencePiece.from_dir(separate_model)
    assert not shared.separate_vocabs and not (tiny_model / "target_vocab.json").exists()
    assert separate.separate_vocabs and separate.encoder != separate.target_encoder
    moved = [p for p in separate.target_encoder if separate.encoder.get(p, -1) != separate.target_encoder[p]]
    # "Most", not a count: the vocabularies are smaller where make_tiny_model.py trains them on the fixtures
    # alone (a fresh clone without ../shared: 513 of ~900 pieces moved; with it, over 1000).
    assert len(moved) > len(separate.target_encoder) / 2, "most target pieces should have another id (or none) on the source side"
    assert separate.target_encoder["<pad>"] != separate.pad_id, "the two sides number <pad> differently"
    assert separate.target_vocab_size > separate.vocab_size


def test_every_arabic_line_of_the_shared_sets_encodes_identically(pair, shared):
    ours, theirs = pair
    lines = _lines(shared, ARABIC_SETS)
    assert len(lines) > 15000
    expected = theirs(lines)["input_ids"]
    got = ours.encode(lines)
    mismatches = [(line, e, g) for line, e, g in zip(lines, expected, got) if e != g]
    assert not mismatches, f"{len(mismatches)} lines differ, first: {mismatches[0]}"
    # The pieces CTranslate2 is given are the source-vocabulary strings of those ids (MarianTokenizer's
    # convert_ids_to_tokens would use the target side with separate vocabularies, so invert get_src_vocab).
    inverse = {v: k for k, v in theirs.get_src_vocab().items()}
    assert ours.encode_pieces(lines[:500]) == [[inverse[i] for i in ids] for ids in expected[:500]]


def test_english_references_decode_identically(pair, shared):
    """Target ids as a model produces them (the references through the target side) come back as the same text."""
    ours, theirs = pair
    lines = _lines(shared, ENGLISH_SETS)
    ids = theirs(text_target=lines)["input_ids"]
    expected = theirs.batch_decode(ids, skip_special_tokens=True)
    assert ours.decode(ids) == expected
    pieces = [[theirs.decoder[i] for i in seq if i in theirs.decoder] for seq in ids[:2000]]
    assert ours.decode_pieces(pieces) == theirs.batch_decode([ours.target_ids([p])[0] for p in pieces], skip_special_tokens=True)


def test_random_id_sequences_decode_identically(pair):
    ours, theirs = pair
    rng = random.Random(14)
    size = ours.target_vocab_size
    # The special ids as both sides number them: with separate vocabularies of different sizes the target
    # side's <pad> is not a special id to MarianTokenizer (it numbers specials on the source side).
    specials = sorted(ours.all_special_ids | {ours.target_encoder[t] for t in ours.all_special_tokens if t in ours.target_encoder})
    batch = [
        [rng.choice(specials) if rng.random() < 0.1 else rng.randrange(size) for _ in range(rng.randrange(0, 40))]
        for _ in range(3000)
    ]
    assert ours.decode(batch) == theirs.batch_decode(batch, skip_special_tokens=True)
    # CTranslate2 hands back piece strings: decoding them equals decoding the ids they stand for.
    decoder = {v: k for k, v in ours.target_encoder.items()}
    pieces = [[decoder[i] for i in seq] for seq in batch]
    assert ours.decode_pieces(pieces) == theirs.batch_decode(ours.target_ids(pieces), skip_special_tokens=True)
    assert ours.target_ids(pieces) == batch


def test_odd_inputs_encode_and_decode_identically(pair):
    ours, theirs = pair
    expected = theirs(ODD)["input_ids"]
    assert ours.encode(ODD) == expected
    assert ours.tokenize(ODD) == [theirs.tokenize(t) for t in ODD]
    assert ours.decode(expected) == theirs.batch_decode(expected, skip_special_tokens=True)
    assert [ours.eos_id] == ours.encode([""])[0], "the empty string is the end token alone"
    assert ours.encode(["😀"])[0][-2] == ours.unk_id, "a piece the vocabulary lacks is <unk>"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(texts=st.lists(st.one_of(FUZZ, ARABIC), min_size=1, max_size=4))
def test_fuzz_encode_and_decode_identically(pair, texts):
    ours, theirs = pair
    expected = theirs(texts)["input_ids"]
    assert ours.encode(texts) == expected
    assert ours.decode(expected) == theirs.batch_decode(expected, skip_special_tokens=True)


def test_a_lone_surrogate_fails_in_both_with_a_clear_message(pair):
    ours, theirs = pair
    with pytest.raises(RuntimeError):  # SentencePiece's C++ binding refuses the string
        theirs(["a\ud800b"])
    with pytest.raises(ValueError, match="lone surrogate"):
        ours.encode(["ok", "a\ud800b"])


def test_attributes_match(pair):
    ours, theirs = pair
    assert (ours.eos_id, ours.pad_id, ours.unk_id) == (theirs.eos_token_id, theirs.pad_token_id, theirs.unk_token_id)
    assert ours.vocab_size == theirs.vocab_size
    assert ours.model_max_length == theirs.model_max_length
    assert sorted(ours.all_special_ids) == sorted(theirs.all_special_ids)
    assert list(ours.all_special_tokens) == theirs.all_special_tokens


def test_legacy_and_extended_configs_match(tiny_model: Path, tmp_path: Path):
    """Older saves (no added_tokens_decoder; special_tokens_map.json), extra special tokens outside the
    vocabulary, added-token strip flags and clean_up_tokenization_spaces are read as transformers reads them."""
    legacy = tmp_path / "legacy"
    shutil.copytree(tiny_model, legacy)
    (legacy / "tokenizer_config.json").write_text(
        json.dumps({"source_lang": "ar", "target_lang": "en", "clean_up_tokenization_spaces": True, "additional_special_tokens": ["<eop>", "<eod>"]}),
        encoding="utf-8",
    )
    (legacy / "special_tokens_map.json").write_text(json.dumps({"eos_token": "</s>", "unk_token": "<unk>", "pad_token": "<pad>"}), encoding="utf-8")
    flagged = tmp_path / "flagged"
    shutil.copytree(tiny_model, flagged)
    config = json.loads((tiny_model / "tokenizer_config.json").read_text(encoding="utf-8"))
    config["added_tokens_decoder"]["0"].update(lstrip=True, rstrip=True)
    config["model_max_length"] = 1024
    (flagged / "tokenizer_config.json").write_text(json.dumps(config), encoding="utf-8")
    english = ["Hello , world . It 's fine , isn't it ?", "x <eop> y <eod> z", "a </s> b", " </s> "]
    texts = [*ODD, *english]
    for directory in (legacy, flagged):
        ours, theirs = MarianSentencePiece.from_dir(directory), _marian(directory)
        expected = theirs(texts)["input_ids"]
        assert ours.encode(texts) == expected, directory.name
        assert ours.model_max_length == theirs.model_max_length
        assert sorted(ours.all_special_ids) == sorted(theirs.all_special_ids)
        targets = theirs(text_target=english)["input_ids"] + expected
        assert ours.decode(targets) == theirs.batch_decode(targets, skip_special_tokens=True), directory.name
    assert MarianSentencePiece.from_dir(legacy).clean_up_tokenization_spaces


def test_a_config_it_cannot_reproduce_is_refused(tiny_model: Path, tmp_path: Path):
    odd = tmp_path / "odd"
    shutil.copytree(tiny_model, odd)
    config = json.loads((tiny_model / "tokenizer_config.json").read_text(encoding="utf-8"))
    config["sp_model_kwargs"] = {"enable_sampling": True, "alpha": 0.1}
    (odd / "tokenizer_config.json").write_text(json.dumps(config), encoding="utf-8")
    with pytest.raises(UnsupportedTokenizer, match="sp_model_kwargs"):
        MarianSentencePiece.from_dir(odd)


def test_loading_and_using_it_imports_no_transformers(tiny_model: Path):
    """The point of the module: the CTranslate2 path never pays for transformers, sacremoses or torch."""
    code = (
        "import sys\n"
        "from translate.translation.tokenizer import MarianSentencePiece\n"
        f"t = MarianSentencePiece.from_dir({str(tiny_model)!r})\n"
        "ids = t.encode(['مرحبا بالعالم'])\n"
        "t.decode(ids); t.decode_pieces(t.encode_pieces(['x']))\n"
        "print(sorted(m for m in ('transformers', 'sacremoses', 'torch', 'tokenizers') if m in sys.modules))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert result.stdout.strip() == "[]"
