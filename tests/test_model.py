import dataclasses
from datetime import datetime, timezone

import pytest

from translate.model import Alignment, Bead, Document, Origin, Paragraph, ParagraphKind, Provenance, Segment, assemble_document


def test_assemble_document_spans_point_into_text():
    doc = assemble_document("en", [(ParagraphKind.HEADING, ["Title"]), (ParagraphKind.BODY, ["One.", "Two."])], name="x")
    assert doc.text == "Title\n\nOne. Two."
    assert [s.text for s in doc.segments] == ["Title", "One.", "Two."]
    assert [(s.start, s.end) for s in doc.segments] == [(0, 5), (7, 11), (12, 16)]
    assert [s.paragraph for s in doc.segments] == [0, 1, 1]
    assert doc.paragraphs[1].start == 7 and doc.paragraphs[1].end == 16


def test_document_rejects_a_span_that_does_not_match():
    seg = Segment(0, "abc", 0, 2, 0)
    with pytest.raises(ValueError, match="span"):
        Document("en", "abcdef", (Paragraph(0, ParagraphKind.BODY, 0, 3, (seg,)),))


def test_document_rejects_out_of_order_ids():
    seg = Segment(1, "abc", 0, 3, 0)
    with pytest.raises(ValueError, match="order"):
        Document("en", "abc", (Paragraph(0, ParagraphKind.BODY, 0, 3, (seg,)),))


def test_model_is_frozen():
    bead = Bead((0,), (0, 1))
    with pytest.raises(dataclasses.FrozenInstanceError):
        bead.score = 1.0  # type: ignore[misc]
    assert bead.kind == "1-2"


def test_provenance_items_are_ordered_and_skip_missing_values():
    when = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    prov = Provenance("1.0", "seg", "al", model_id="m", created=when)
    assert prov.items() == [("tool-version", "1.0"), ("model", "m"), ("segmenter", "seg"), ("aligner", "al"), ("created", "2026-01-02T03:04:05Z")]


def test_alignment_joins_bead_sides_with_one_space():
    src = assemble_document("ar", [(ParagraphKind.BODY, ["أ.", "ب."])])
    tgt = assemble_document("en", [(ParagraphKind.BODY, ["A and B."])])
    al = Alignment(src, tgt, (Bead((0, 1), (0,), 0.5, Origin.HUMAN),), Provenance("1", "s", "a"))
    assert al.source_text(al.beads[0]) == "أ. ب."
    assert al.target_text(al.beads[0]) == "A and B."
