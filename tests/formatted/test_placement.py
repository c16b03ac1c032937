"""Codes placed on the English words: never lost, never doubled; anchors and the sentence's edges win."""

from __future__ import annotations

import random

from translate.formatted import Code, CodeKind, TaggedText, TextUnit, segment_units
from translate.formatted.placement import place_codes, placed_targets

B1, B2 = Code(CodeKind.OPEN, 1, "b"), Code(CodeKind.CLOSE, 1, "b")
IMAGE = Code(CodeKind.PLACEHOLDER, 2, "image")


def span_text(text: TaggedText, code_id: int) -> str:
    placed = {(c.kind, c.id): o for o, c in text.placed()}
    return text.plain[placed[(CodeKind.OPEN, code_id)] : placed[(CodeKind.CLOSE, code_id)]]


def test_a_span_on_a_number_or_a_latin_word_lands_on_it() -> None:
    source = TaggedText(("قال الوزير إن الخطة تبدأ في ", B1, "٢٠٢٥", B2, " وتنتهي في 2030 مع ", IMAGE, "UNESCO."))
    placed = place_codes(source, "The minister said the plan starts in 2025 and ends in 2030 with UNESCO.")
    assert span_text(placed, 1) == "2025"
    assert placed.plain[[o for o, c in placed.placed() if c == IMAGE][0] :].startswith("UNESCO")


def test_codes_at_the_edges_stay_at_the_edges() -> None:
    whole = place_codes(TaggedText((B1, "عنوان الخبر", B2)), "The news headline")
    assert whole.parts == (B1, "The news headline", B2)
    start = place_codes(TaggedText((IMAGE, "صورة الوزير.")), "A picture of the minister.")
    assert start.parts[0] == IMAGE


def test_a_span_over_words_keeps_a_word_and_an_empty_target_keeps_every_code() -> None:
    source = TaggedText(("قال ", B1, "الوزير", B2, " اليوم إن الاجتماع انتهى"))
    placed = place_codes(source, "Today")
    assert span_text(placed, 1) == "Today"
    assert place_codes(source, "").codes == (B1, B2)


def test_no_code_is_ever_dropped_or_doubled_whatever_the_translation() -> None:
    rng = random.Random(7)
    words = "قال الوزير اليوم إن الاجتماع انتهى ٢٠ UN وغادر الوفد".split()
    english = "the minister said today that 20 UN meeting ended and left , .".split()
    for _ in range(500):
        parts: list[str | Code] = []
        next_id, open_ids = 1, []
        for word in rng.sample(words, rng.randint(0, len(words))):
            roll = rng.random()
            if roll < 0.2:
                parts.append(Code(CodeKind.OPEN, next_id, "b"))
                open_ids.append(next_id)
                next_id += 1
            elif roll < 0.35 and open_ids:
                parts.append(Code(CodeKind.CLOSE, open_ids.pop(rng.randrange(len(open_ids))), "b"))
            elif roll < 0.45:
                parts.append(Code(CodeKind.PLACEHOLDER, next_id, "image"))
                next_id += 1
            elif roll < 0.5:
                parts.append(Code(CodeKind.CLOSE, 100 + next_id, "b"))  # isolated: its OPEN is in another sentence
                next_id += 1
            parts.append(word + " ")
        source = TaggedText(tuple(parts))
        target = " ".join(rng.sample(english, rng.randint(0, len(english))))
        placed = place_codes(source, target)
        assert placed.plain == target
        assert sorted((c.kind.value, c.id) for c in placed.codes) == sorted((c.kind.value, c.id) for c in source.codes)


def test_placed_targets_gives_every_segment_of_a_translation_its_codes() -> None:
    from translate.model import Alignment, Bead, Origin, Provenance, assemble_document

    units = (
        TextUnit("p1", TaggedText(("قال ", B1, "الوزير", B2, " إن الاجتماع انتهى. وغادر الوفد ", IMAGE, "."))),
        TextUnit("p2", TaggedText(("عنوان",))),
    )
    segmented = segment_units(units, "ar")
    source = segmented.document
    target = assemble_document("en", [(p.kind, [f"Sentence {s.id} here." for s in p.segments]) for p in source.paragraphs])
    beads = tuple(Bead((s.id,), (s.id,), None, Origin.MT) for s in source.segments)
    alignment = Alignment(source, target, beads, Provenance(tool_version="", segmenter="", aligner=""))
    per_segment = placed_targets(segmented, alignment)
    assert sorted(per_segment) == [0, 1, 2]
    joined = segmented.targets(per_segment)
    assert joined["p1"].plain == "Sentence 0 here. Sentence 1 here."
    assert [c for c in joined["p1"].codes] == [B1, B2, IMAGE]
    assert joined["p2"] == TaggedText.of("Sentence 2 here.")
