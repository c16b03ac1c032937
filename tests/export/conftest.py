"""Hand-built alignments for the exporter tests: every awkward case a real article can bring."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest
from hypothesis import strategies as st

from translate.flags import FLAGS, Flag
from translate.model import Alignment, Bead, Origin, ParagraphKind, Provenance, assemble_document

H, B = ParagraphKind.HEADING, ParagraphKind.BODY

SOURCE_SENTENCES = [
    "عنوان: الأخبار & التقارير",
    "الجملة الأولى <script>alert(1)</script>.",
    "قال \"مرحبا\" و'وداعا'.",
    "ثم\x01 تابع\u200f كلامه\u061c.",
    "جملة بلا ترجمة.",
    "سطر ختامي.",
]
TARGET_SENTENCES = [
    "Title: News & Reports",
    "The first sentence <script>alert(1)</script>.",
    "An added sentence.",
    "He said \"hello\" and 'goodbye', then\u200e went on.",
    "A closing line.",
]


@pytest.fixture
def provenance() -> Provenance:
    return Provenance(
        tool_version="0.1.0",
        segmenter="rules-v1",
        aligner="length+mt",
        model_id="Helsinki-NLP/opus-mt-ar-en",
        model_revision="0123abcd",
        decoding="beam=4",
        created=datetime(2024, 5, 6, 7, 8, 9, tzinfo=timezone.utc),
    )


@pytest.fixture
def sample(provenance: Provenance) -> Alignment:
    """Six beads: 1-1 heading, 1-1 with markup, 0-1, 2-1 with a control character, 1-0, 1-1 from a TM (no confidence: human)."""
    s, t = SOURCE_SENTENCES, TARGET_SENTENCES
    source = assemble_document("ar", [(H, [s[0]]), (B, s[1:4]), (B, s[4:6])], name="خبر <1> & co.txt")
    target = assemble_document("en", [(H, [t[0]]), (B, t[1:4]), (B, [t[4]])], name="news.en.txt")
    beads = (
        Bead((0,), (0,), 0.95, Origin.MT, confidence=0.8312),
        Bead((1,), (1,), 0.87654, Origin.MT, confidence=0.4049),
        Bead((), (2,), None, Origin.MT, (Flag("empty"),)),
        Bead((2, 3), (3,), 0.61, Origin.MT, (Flag("numbers", "missing 430"), Flag("split")), confidence=0.0701),
        Bead((4,), (), None, Origin.MT, (Flag("empty"),)),
        Bead((5,), (4,), None, Origin.TM),
    )
    return Alignment(source, target, beads, provenance)


@pytest.fixture(scope="session")
def tmx_dtd_path() -> Path:
    return Path(__file__).parent.parent / "fixtures" / "tmx14.dtd"


# Any character at all, lone surrogates and controls included: the exporters
# must cope with whatever a decoder or a model hands them.
_ANY_TEXT = st.text(st.characters(exclude_categories=()), max_size=30)


@st.composite
def _alignments(draw: st.DrawFn) -> Alignment:
    def document() -> list[tuple[ParagraphKind, list[str]]]:
        return draw(
            st.lists(
                st.tuples(st.sampled_from([H, B]), st.lists(_ANY_TEXT, min_size=1, max_size=3)),
                max_size=3,
            )
        )

    source = assemble_document("ar", document(), name=draw(_ANY_TEXT))
    target = assemble_document("en", document(), name=draw(_ANY_TEXT))
    n, m = len(source.segments), len(target.segments)
    beads = tuple(
        Bead(
            (i,) if i < n else (),
            (i,) if i < m else (),
            draw(st.none() | st.floats(0, 1)),
            draw(st.sampled_from(list(Origin))),
            tuple(draw(st.lists(st.builds(Flag, st.sampled_from(sorted(FLAGS)), _ANY_TEXT), max_size=2))),
        )
        for i in range(max(n, m))
    )
    provenance = Provenance("0.1.0", draw(_ANY_TEXT), "aligner", model_id=draw(_ANY_TEXT))
    return Alignment(source, target, beads, provenance)


@pytest.fixture(scope="session")
def alignments() -> st.SearchStrategy[Alignment]:
    """A strategy, for tests that draw with ``st.data()`` (hypothesis cannot take a strategy from a fixture directly)."""
    return _alignments()
