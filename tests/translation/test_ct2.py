"""The CTranslate2 backend: token identity with transformers, and the conversion cache."""

from pathlib import Path

import pytest

import logging

from translate.cache import converted_models_dir
from translate.translation.backends.ct2 import CTranslate2Backend, converted_model
from translate.translation.backends.hf import TransformersBackend
from translate.translation.hypotheses import DecodingRequest, TargetPrefix
from translate.translation.source import load_tokenizer, resolve_source

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def source(tiny_model):
    return resolve_source(str(tiny_model))


def test_float32_greedy_tokens_equal_transformers(source):
    """Same pieces in, same tokens out: the fast backend is the model, not an approximation of it."""
    tokenizer = load_tokenizer(source)
    lines = [l for l in (ROOT / "tests" / "fixtures" / "article.ar.txt").read_text(encoding="utf-8").splitlines() if l.strip()]
    batch = [DecodingRequest(tuple(ids)) for ids in tokenizer(lines[:8])["input_ids"]]
    options = dict(beam=1, max_new_tokens=20)
    reference = TransformersBackend(source, device="cpu")
    fast = CTranslate2Backend(source, tokenizer, device="cpu", compute_type="float32")

    def ids(found):
        return [h.best.ids for h in found]

    expected = [ids(reference.generate([request], **options))[0] for request in batch]
    assert ids(fast.generate(batch, **options)) == expected
    assert len(set(expected)) > 2, "different inputs should give different outputs"
    # The repetition guard's setting means the same in both backends.
    guarded = dict(options, no_repeat_ngram_size=3)
    assert ids(fast.generate(batch, **guarded)) == [ids(reference.generate([r], **guarded))[0] for r in batch]


@pytest.fixture(scope="module")
def backends(source):
    tokenizer = load_tokenizer(source)
    return tokenizer, CTranslate2Backend(source, tokenizer, device="cpu", compute_type="float32"), TransformersBackend(source, device="cpu")


def test_both_backends_score_the_same_ids_alike(backends):
    """The score is the model's log-probability of the ids and </s>, teacher-forced: the same on both backends.

    On outputs of beam search with the repetition guard, and capped at the length limit: where the
    searches' own scores disagree (CTranslate2 renormalises after the guard's bans, stops without </s>
    at the cap), the scores must not.
    """
    tokenizer, fast, reference = backends
    lines = [l for l in (ROOT / "tests" / "fixtures" / "article.ar.txt").read_text(encoding="utf-8").splitlines() if l.strip()]
    requests = [DecodingRequest(tuple(ids)) for ids in tokenizer.encode(lines[:6])]
    found = fast.generate(requests, beam=4, max_new_tokens=30, no_repeat_ngram_size=3)
    outputs = [h.best.ids for h in found]
    mine = [h.best.score for h in found]
    theirs = reference.score([r.source_ids for r in requests], outputs)
    for a, b, out in zip(mine, theirs, outputs):
        assert a.tokens == b.tokens == len(out) + 1, "the ids and the end token"
        assert abs(a.logprob - b.logprob) < 1e-3 * a.tokens, (a, b)
        assert 0.0 < a.confidence < 1.0
    assert len({round(s.confidence, 3) for s in mine}) > 3, "scores differ from sentence to sentence"
    # Scoring is a function of the source and the ids alone: alone or in a batch, the same.
    alone = fast.score([fast._source_tokens(requests[0].source_ids)], [outputs[0]])[0]
    assert abs(alone.logprob - mine[0].logprob) < 1e-4


def _sentences(count: int) -> list[str]:
    """Arabic sentences of the fixtures: the article's, then NTREX's, for outputs of many lengths."""
    fixtures = ROOT / "tests" / "fixtures"
    lines = [l for l in (fixtures / "article.ar.txt").read_text(encoding="utf-8").splitlines() if l.strip()]
    sentences = [s for line in lines for s in line.split(". ") if s.strip()]
    for path in sorted((fixtures / "ntrex").glob("*.ar.txt")):
        sentences += [l for l in path.read_text(encoding="utf-8").splitlines() if l.strip()]
    return sentences[:count]


def _requests(tokenizer, count=40):
    return [DecodingRequest(tuple(ids)) for ids in tokenizer.encode(_sentences(count))]


def _greedy_lengths(model, requests, limit):
    import torch

    pad, eos = model.config.pad_token_id, model.config.eos_token_id
    width = max(len(r.source_ids) for r in requests)
    ids = torch.tensor([list(r.source_ids) + [pad] * (width - len(r.source_ids)) for r in requests])
    with torch.no_grad():
        rows = model.generate(input_ids=ids, attention_mask=(ids != pad).long(), num_beams=1, do_sample=False, max_new_tokens=limit)
    return [int((row[1:] != pad).sum()) - int(bool((row == eos).any())) for row in rows]


@pytest.fixture(scope="module")
def stopping(tiny_model, tmp_path_factory):
    """The tiny model with its end token's bias raised so that most outputs end, at different lengths.

    The tiny model's random weights never choose </s>, so every output of it is capped; the search's
    own scores are used only for outputs that ended, and these need a model that ends some.  Which bias
    does that depends on the random weights and the vocabularies (trained on ../shared's test sets where
    they are, else on the fixtures): it is searched for, greedily on transformers, as the one that gives
    the most distinct lengths with at most a third of the outputs capped.
    """
    import shutil

    import torch
    from transformers import MarianMTModel

    tokenizer = load_tokenizer(resolve_source(str(tiny_model)))
    requests = _requests(tokenizer)
    model = MarianMTModel.from_pretrained(str(tiny_model)).eval()
    eos = model.config.eos_token_id
    start = model.final_logits_bias[0, eos].item()
    best = None
    for step in range(41):  # +0 … +20 in halves: all capped at one end, all empty at the other
        with torch.no_grad():
            model.final_logits_bias[0, eos] = start + step / 2
        lengths = _greedy_lengths(model, requests, 21)
        capped = sum(n >= 20 for n in lengths)
        if 0 < capped <= len(lengths) // 3 and (best is None or len(set(lengths)) > best[0]):
            best = (len(set(lengths)), step / 2)
    assert best is not None and best[0] > 3, f"no bias of the end token makes the tiny model end at different lengths: {best}"
    with torch.no_grad():
        model.final_logits_bias[0, eos] = start + best[1]
    out = tmp_path_factory.mktemp("stopping")
    model.save_pretrained(str(out))
    for name in ("source.spm", "target.spm", "tokenizer_config.json", "vocab.json", "generation_config.json"):
        shutil.copy(tiny_model / name, out / name)
    source = resolve_source(str(out))
    return tokenizer, CTranslate2Backend(source, tokenizer, device="cpu", compute_type="float32"), TransformersBackend(source, device="cpu")


@pytest.mark.parametrize(("beam", "count"), [(1, 1), (4, 1), (4, 3)])
def test_the_searchs_own_scores_are_the_teacher_forced_ones(stopping, beam, count):
    """The decoding's scores come from the search where the search's number is the model's log-probability.

    That number is the cumulated log-probability over the length with </s>, for an output that ended: the
    separate teacher-forced pass (a quarter of the decoding's CPU) is kept for outputs cut at the cap,
    whose number lacks the end token the score must hold.  Greedy, beam and n-best alike.
    """
    tokenizer, fast, reference = stopping
    requests = _requests(tokenizer)
    before = fast.scored_apart
    found = fast.generate(requests, beam=beam, count=count, max_new_tokens=21)
    outputs = [h for hs in found for h in hs.items]
    capped = [h for h in outputs if len(h.ids) >= 20]
    assert 0 < len(capped) < len(outputs) // 2, "most outputs end before the cap, some do not"
    assert len({len(h.ids) for h in outputs}) > 3, "and they end at different lengths"
    assert fast.scored_apart - before == len(capped), "only the capped outputs are scored apart"
    sources = [r.source_ids for r, hs in zip(requests, found) for _ in hs.items]
    pieces = [fast._source_tokens(ids) for ids in sources]
    forced = fast.score(pieces, [h.ids for h in outputs])
    theirs = reference.score(sources, [h.ids for h in outputs])
    for h, a, b in zip(outputs, forced, theirs):
        assert h.score.tokens == a.tokens == b.tokens == len(h.ids) + 1
        assert abs(h.score.logprob - a.logprob) < 1e-4 * a.tokens, (h, a)
        assert abs(h.score.logprob - b.logprob) < 1e-3 * a.tokens, (h, b)


def test_fixed_length_outputs_are_scored_alike_on_both_backends(backends):
    """The benchmarks' fixed length bans </s> at every step: both backends score the ids under that ban, without </s>."""
    tokenizer, fast, reference = backends
    requests = _requests(tokenizer, 8)
    options = dict(beam=4, max_new_tokens=12, min_new_tokens=12)
    mine = fast.generate(requests, **options)
    theirs = reference.generate(requests, **options)
    assert [h.best.ids for h in mine] == [h.best.ids for h in theirs]
    for a, b in zip(mine, theirs):
        assert a.best.score.tokens == b.best.score.tokens == len(a.best.ids) == 12
        assert abs(a.best.score.logprob - b.best.score.logprob) < 1e-3 * 12, (a.best, b.best)
    free = reference.score([r.source_ids for r in requests], [h.best.ids for h in theirs])
    assert all(f.logprob < b.best.score.logprob for f, b in zip(free, theirs)), "with </s> in the softmax each token is less likely"


@pytest.mark.parametrize("which", ["ctranslate2", "transformers"])
def test_a_target_prefix_reaches_the_decoder_and_changes_the_output(backends, which):
    """The seam for terms: a request's constraint is honoured by the decoder itself, and only for that request."""
    tokenizer, fast, reference = backends
    backend = fast if which == "ctranslate2" else reference
    lines = [l for l in (ROOT / "tests" / "fixtures" / "article.ar.txt").read_text(encoding="utf-8").splitlines() if l.strip()]
    sources = [tuple(ids) for ids in tokenizer.encode(lines[4:7])]
    options = dict(beam=2, max_new_tokens=16)
    free = [h.best for h in backend.generate([DecodingRequest(s) for s in sources], **options)]
    # A prefix the model would not have chosen: two tokens of another sentence's output, reversed.
    prefix = tuple(reversed(free[2].ids[:2])) + (free[1].ids[0],)
    assert free[0].ids[:3] != prefix
    constrained = DecodingRequest(sources[0], (TargetPrefix(prefix),))
    found = [h.best for h in backend.generate([constrained, DecodingRequest(sources[1]), DecodingRequest(sources[2])], **options)]
    assert found[0].ids[: len(prefix)] == prefix, "the translation begins with the prefix"
    assert found[0].ids != free[0].ids, "and the constraint changed the output"
    assert found[0].score.tokens == len(found[0].ids) + 1 and found[0].score != free[0].score, "the constrained output is scored as it is"
    assert [h.ids for h in found[1:]] == [h.ids for h in free[1:]], "the other requests of the batch are untouched"
    # A constraint kind the backend does not know is refused, never ignored.
    with pytest.raises(TypeError, match="cannot honour"):
        backend.generate([DecodingRequest(sources[0], ("not a constraint",))], **options)  # type: ignore[arg-type]


def test_conversion_is_cached_per_compute_type_and_atomic(source, caplog):
    caplog.set_level(logging.INFO, logger="translate")
    first = converted_model(source, "int8_float32")
    stamp = (first / "model.bin").stat().st_mtime_ns
    said = [r.getMessage() for r in caplog.records]
    assert any("done in" in m for m in said), "the one-time conversion says how long it took"
    assert sum("converting" in m for m in said) == 1, f"the message is said once: {said!r}"
    caplog.clear()
    assert converted_model(source, "int8_float32") == first
    assert (first / "model.bin").stat().st_mtime_ns == stamp, "a cached model is not converted again"
    assert not any("converting" in r.getMessage() for r in caplog.records)
    other = converted_model(source, "float32")
    assert other != first and (other / "model.bin").is_file()
    assert not [p for p in converted_models_dir().iterdir() if p.name.startswith(".")], "no temporary folder is left behind"


def test_a_dead_conversions_folder_is_cleared_and_a_live_ones_kept(source):
    """Issue 12 item 8: a conversion killed outright left its partial weights in the cache for good."""
    import os
    import subprocess
    import sys

    from translate.textio import temporary_name

    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    folder = converted_models_dir()
    folder.mkdir(parents=True, exist_ok=True)
    mine = temporary_name(".part")
    left = folder / mine.replace(f"-{os.getpid()}-", f"-{dead.pid}-")
    live = folder / mine.replace(f"-{os.getpid()}-", f"-{os.getppid()}-")
    for partial in (left, live):
        (partial / "model").mkdir(parents=True)
        (partial / "model" / "model.bin").write_bytes(b"\0" * 1024)
    try:
        converted_model(source, "int8")
        assert not left.exists() and live.exists()
    finally:
        import shutil

        shutil.rmtree(live, ignore_errors=True)


def test_sigterm_during_the_conversion_removes_its_folder_and_exits_143(tiny_model, tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import time

    cache = tmp_path / "cache"
    process = subprocess.Popen(
        [sys.executable, "-m", "translate", "translate", str(ROOT / "tests" / "fixtures" / "article.ar.txt"), "-o", str(tmp_path / "out"),
         "--model", str(tiny_model), "--backend", "ctranslate2", "--compute-type", "int8", "--no-tm"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env={**os.environ, "TARJAMA_CACHE_DIR": str(cache)},
    )
    deadline = time.monotonic() + 300
    seen = False
    while time.monotonic() < deadline and process.poll() is None:
        if (cache / "ct2").is_dir() and any(p.name.endswith(".part") for p in (cache / "ct2").iterdir()):
            seen = True
            time.sleep(0.5)  # well into the conversion
            process.send_signal(signal.SIGTERM)
            break
        time.sleep(0.01)
    _, err = process.communicate(timeout=300)
    assert seen, "the conversion was not caught in progress; the test proves nothing"
    assert process.returncode == 143, err
    assert "interrupted by SIGTERM" in err.strip().splitlines()[-1], err
    assert list((cache / "ct2").iterdir()) == [], "no partial conversion is left in the cache"
