"""The one memory-aware translator, on the fake decoder: the memory's rules once, for every front end.

The local engine, the Ray driver (documents in flight at once, decoded by memory-less workers) and the
server's adapter all go through :mod:`translate.translation.cached`; here the same documents go through
each, and each must decode a segment once, take the memory first (a human match before a stored MT), store
what it decodes under the decoder's key, and give the same translations.
"""

from __future__ import annotations

import random

from translate.model import Origin
from translate.settings import DecodingSettings
from translate.translation.cached import CachedTranslator, MemoryJobs
from translate.translation.engine import Translator
from translate.translation.memory import TranslationMemory

from .fake_decoder import CharTokenizer, ReversingDecoder, fake_source, score_of

HUMAN = ("جملة بشرية", "A human sentence.")
DOCUMENTS = [
    ["الجملة الأولى", "جملة مشتركة", "جملة بشرية", "", "الجملة الأولى"],
    ["جملة مشتركة", "الجملة الثانية", "جملة  مشتركة "],
    ["جملة بشرية", "الجملة الثالثة"],
    ["الجملة الثانية"],
]


def fake(memory: TranslationMemory | None, decoder: ReversingDecoder) -> Translator:
    return Translator(
        settings=DecodingSettings(beam=2, no_repeat_ngram=0),
        memory=memory,
        source=fake_source(),
        tokenizer=CharTokenizer(),
        backend=decoder,
    )


def ids(text: str) -> tuple[int, ...]:
    return tuple(CharTokenizer().encode([text])[0])


def open_memory(path) -> TranslationMemory:
    memory = TranslationMemory(path)
    memory.store_human([HUMAN], origin="tmx:test.tmx")
    return memory


def local(tmp_path) -> tuple[list[list], ReversingDecoder, TranslationMemory]:
    """The CLI's road: one document after another through the engine."""
    decoder = ReversingDecoder()
    memory = open_memory(tmp_path / "local.sqlite")
    translator = fake(memory, decoder)
    return [translator.translate_segments(doc) for doc in DOCUMENTS], decoder, memory


def on_a_pool(tmp_path, seed: int) -> tuple[list[list], ReversingDecoder, TranslationMemory]:
    """The Ray driver's road: every document open at once, calls answered in any order by a memory-less worker."""
    decoder = ReversingDecoder()
    worker = fake(None, decoder)  # what translate.cluster.workers.TranslationWorker holds
    memory = open_memory(tmp_path / f"pool{seed}.sqlite")
    jobs: MemoryJobs[int] = MemoryJobs(lambda: worker.memory_key, memory)
    calls = [(index, jobs.open(index, doc)) for index, doc in enumerate(DOCUMENTS)]
    done: dict[int, list] = {index: jobs.close(index) for index in range(len(DOCUMENTS)) if jobs.complete(index)}
    random.Random(seed).shuffle(calls)
    for index, todo in calls:
        if todo:
            for ready in jobs.done(index, list(zip(todo, worker.translate_segments(list(todo))))):
                done[ready] = jobs.close(ready)
    return [done[index] for index in range(len(DOCUMENTS))], decoder, memory


def test_every_segment_is_decoded_once_and_the_memory_comes_first_locally_and_on_a_pool(tmp_path):
    unique = {"الجملة الأولى", "جملة مشتركة", "الجملة الثانية", "الجملة الثالثة"}
    here, here_decoder, here_memory = local(tmp_path)
    for seed in range(3):
        there, there_decoder, there_memory = on_a_pool(tmp_path, seed)
        assert there == here, "the same translations, flags, scores and reuse as a local run, whatever order calls come back in"
        assert sorted(there_decoder.decoded) == sorted(ids(t) for t in unique), "each segment decoded once in the job"
        assert there_memory.counts() == here_memory.counts() == {**here_memory.counts(), "mt": len(unique)}
    assert sorted(here_decoder.decoded) == sorted(ids(t) for t in unique)
    first, second, third, _ = here
    human = first[2]
    assert (human.text, human.origin, human.from_memory, human.score) == (HUMAN[1], Origin.TM, True, None), "a human match wins"
    assert first[1].from_memory is False and second[0].from_memory is True, "a later document finds the shared segment stored"
    assert second[2] == second[0], "normalised before it is looked up or decoded"
    assert first[3].text == "" and first[3].score is None, "an empty segment is neither looked up nor decoded"
    assert third[1].score == score_of(ids("الجملة الثالثة"[::-1])[:-1])


def test_without_a_memory_each_document_decodes_its_own(tmp_path):
    decoder = ReversingDecoder()
    worker = fake(None, decoder)
    jobs: MemoryJobs[int] = MemoryJobs(lambda: worker.memory_key, None)
    first, second = jobs.open(0, DOCUMENTS[0]), jobs.open(1, DOCUMENTS[1])
    assert "جملة مشتركة" in first and "جملة مشتركة" in second, "nothing shared: separate local runs would each decode it"
    assert jobs.done(1, list(zip(second, worker.translate_segments(list(second))))) == [1]
    assert [t.from_memory for t in jobs.close(1)] == [False, False, False]
    assert not jobs.complete(0)


def test_the_server_s_adapter_goes_through_the_same_rules(tmp_path):
    """The server's batcher hands merged requests to its adapter: the same memory, keys and translations."""
    from translate.serve.engine import LoadedTranslator

    here, _, _ = local(tmp_path)
    decoder = ReversingDecoder()
    memory = open_memory(tmp_path / "server.sqlite")
    loaded = LoadedTranslator(fake(memory, decoder))
    merged = loaded.translate([s for doc in DOCUMENTS for s in doc])  # one merged call of four requests
    expected = [t for doc in here for t in doc]
    assert [(t.text, t.origin, t.flags, t.score) for t in merged] == [(t.text, t.origin, t.flags, t.score) for t in expected]
    assert len(decoder.decoded) == 4 and memory.counts()["mt"] == 4
    again = loaded.translate(DOCUMENTS[1])
    assert all(t.from_memory for t in again) and len(decoder.decoded) == 4, "the next request is served from the memory"


def test_a_cached_translator_wraps_any_decoder_and_stores_each_chunk_before_the_next(tmp_path):
    """The Decoder seam: a decoder that is not the engine, yielding two chunks, the second failing."""
    memory = TranslationMemory(tmp_path / "tm.sqlite")
    engine = fake(None, ReversingDecoder())

    class TwoChunks:
        memory_key = engine.memory_key
        prepared = 0

        def prepare(self) -> None:
            self.prepared += 1

        def decode(self, segments, pieces):
            half = len(segments) // 2
            yield list(zip(segments[:half], engine.translate_segments(segments[:half])))
            raise RuntimeError("killed after the first chunk")

    sentences = ["أ", "ب", "ج", "د"]
    decoder = TwoChunks()
    try:
        CachedTranslator(decoder, memory).translate_segments(sentences)
    except RuntimeError:
        pass
    assert decoder.prepared == 1 and memory.counts()["mt"] == 2, "the first chunk was stored before the second was asked for"
    got = CachedTranslator(decoder, memory).translate_segments(sentences[:2])
    assert all(t.from_memory for t in got) and decoder.prepared == 1, "nothing to decode: the decoder is not even prepared"
