"""The signals of the aligner's cost: chrF bridge, anchors, embeddings and their cache."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import sacrebleu

from translate.alignment import anchors
from translate.alignment.bridge import ChrF
from translate.alignment.embeddings import CachedEmbedder, EmbeddingCache, normalise_for_embedding

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
AR = (FIXTURES / "ntrex" / "bbc.381790.ar.txt").read_text(encoding="utf-8").splitlines()
EN = (FIXTURES / "ntrex" / "bbc.381790.en.txt").read_text(encoding="utf-8").splitlines()


def test_chrf_equals_sacrebleu_sentence_chrf():
    ours, theirs = ChrF(), sacrebleu.CHRF()
    hyps = EN[:6] + ["", "A.", EN[3].upper(), EN[4] + " " + EN[5]]
    for hyp in hyps:
        for ref in EN[:8]:
            assert abs(ours.score(hyp, ref) - theirs.sentence_score(hyp, [ref]).score) < 1e-9


def test_chrf_on_real_mt_output(shared):
    mt = shared("mt-outputs/opus-mt-tc-big-ar-en.flores101-devtest.en").read_text(encoding="utf-8").splitlines()[:40]
    ref = shared("flores101-devtest/flores101-devtest.eng").read_text(encoding="utf-8").splitlines()[:40]
    ours, theirs = ChrF(), sacrebleu.CHRF()
    for h, r in zip(mt, ref):
        assert abs(ours.score(h, r) - theirs.sentence_score(h, [r]).score) < 1e-9
    # the bridge tells a translation from its neighbour
    assert all(ours.score(mt[i], ref[i]) > ours.score(mt[i], ref[i + 1]) for i in range(0, 39, 3))


def test_numbers_in_both_digit_systems():
    assert anchors.numbers("قتل ١٢ شخصا عام ٢٠١٩ و١٬٢٠٠ جريح و١٢٫٥٪") == ["12", "2019", "1200", "12.5"]
    assert anchors.numbers("12 people in 2019, 1,200 injured, 12.5%") == ["12", "2019", "1200", "12.5"]


def test_latin_tokens_count_on_the_english_side_only_where_the_arabic_has_them():
    src, tgt = anchors.sentence_anchors(["قالت BBC إن فيروس COVID-19 «خطير»"], ["The BBC said COVID-19 is \u201cdangerous\u201d", "Nothing here"])
    assert src == [["19", "bbc", "covid-19", anchors.QUOTE]]
    assert tgt == [["19", "bbc", "covid-19", anchors.QUOTE], []]
    vectors = anchors.hashed(src + tgt)
    assert vectors.shape == (3, anchors.DIM) and vectors[0] @ vectors[1] == 4 and not vectors[2].any()


def test_single_quotes_count_as_quotes_but_apostrophes_do_not():
    _, tgt = anchors.sentence_anchors(["x"], ["She keeps repeating 'it's so awful'.", "It's Jones' car.", "(‘Phenomenal’) he said"])
    assert tgt == [[anchors.QUOTE], [], [anchors.QUOTE]]


def test_embedding_input_drops_diacritics_and_splits_words_that_lost_their_space():
    # spaces lost as in NTREX-128's "North Korea pledged…" line; short vowels and shadda dropped
    assert normalise_for_embedding("تعهدتكورياالشماليةفي") == "تعهدتكوريا الشمالية في"
    assert normalise_for_embedding("وأضافت: هو حُرّ") == "وأضافت: هو حر"
    assert normalise_for_embedding("مستشفىالمدينة") == "مستشفى المدينة"
    # ordinary words are left as they are: ال inside a word, ة and ى at the end
    for word in ("الاستقلال", "بالولايات", "مدرسة", "مستشفى", "اللجنة الأولمبية"):
        assert normalise_for_embedding(word) == word


def test_normalisation_brings_a_damaged_sentence_back_to_its_translation(embedder):
    damaged = "تعهدتكورياالشماليةفياجتماعمعمونهذاالشهربتفكيكموقعصواريخ"
    english = "North Korea pledged in a meeting with Moon this month to dismantle a missile site"
    raw = embedder.inner._model.encode([damaged, english])
    plain = float(raw[0] @ raw[1] / np.linalg.norm(raw[0]) / np.linalg.norm(raw[1]))
    a, e = embedder.embed([damaged, english])
    assert float(a @ e) > plain + 0.1


def test_embeddings_tell_translations_apart(embedder):
    a = embedder.embed(AR)
    e = embedder.embed(EN)
    assert np.allclose(np.linalg.norm(a, axis=1), 1, atol=1e-4)
    sims = a @ e.T
    assert (sims.argmax(axis=1) == np.arange(len(AR))).mean() >= 0.9


def test_cache_serves_repeated_texts(embedder, tmp_path):
    cache = EmbeddingCache(tmp_path / "c.sqlite3")
    cached = CachedEmbedder(embedder.inner, cache)
    first = cached.embed(EN[:4] + EN[:2])
    assert cached.computed == 4  # duplicates embedded once
    again = CachedEmbedder(embedder.inner, EmbeddingCache(tmp_path / "c.sqlite3"))
    second = again.embed(EN[:4])
    assert again.computed == 0
    assert np.allclose(first[:4], second)
    # the key includes the model, so another model never reads these vectors
    assert EmbeddingCache.key("model-a", "x") != EmbeddingCache.key("model-b", "x")


def test_length_signal_ignores_spaces_lost_in_the_arabic(embedder):
    """Scraped Arabic often loses the spaces between words ("هوحر"): a sentence that lost them is still as
    long as its translation, so the length term of its bead must not change."""
    from translate.alignment.aligner import SentenceAligner, _BeadCost

    import re

    glued = [re.sub("(?<=[اأإآدذرزوؤةى]) ", "", AR[1])]  # after a letter that does not join the next one
    assert len(glued[0]) <= len(AR[1]) - 5
    aligner = SentenceAligner(embedder)
    length = [float(_BeadCost(aligner, src, EN[1:2], None).features(1, 1, 1, np.array([1])).length[0]) for src in ([AR[1]], glued)]
    assert length[0] == length[1]
