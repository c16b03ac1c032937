from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from translate.export import get_exporter
from translate.model import Alignment, Bead, ParagraphKind, Provenance, assemble_document


def render(alignment: Alignment) -> str:
    return get_exporter("tsv").render(alignment)


def test_one_bead_per_line(sample: Alignment) -> None:
    """A model's translation: flags in the third column, the confidence in the fourth (none for the human match)."""
    assert render(sample) == (
        "عنوان: الأخبار & التقارير\tTitle: News & Reports\t\t0.83\n"
        "الجملة الأولى <script>alert(1)</script>.\tThe first sentence <script>alert(1)</script>.\t\t0.40\n"
        "\tAn added sentence.\tempty\t\n"
        "قال \"مرحبا\" و'وداعا'. ثم\x01 تابع\u200f كلامه\u061c.\tHe said \"hello\" and 'goodbye', then\u200e went on.\tnumbers: missing 430; split\t0.07\n"
        "جملة بلا ترجمة.\t\tempty\t\n"
        "سطر ختامي.\tA closing line.\t\t\n"
    )


def test_a_human_translation_has_no_confidence_column(sample: Alignment) -> None:
    """An aligned or checked translation (no model) keeps its two or three columns."""
    import dataclasses

    human = dataclasses.replace(sample, provenance=dataclasses.replace(sample.provenance, decoding=None, model_id=None))
    assert [line.count("\t") for line in render(human).splitlines()] == [1] * len(sample.beads)


def test_breaks_inside_text_become_spaces() -> None:
    source = assemble_document("ar", [(ParagraphKind.BODY, ["أ\tب", "ج\r\nد\u2028هـ"])])
    target = assemble_document("en", [(ParagraphKind.BODY, ["a\tb\nc\rd"])])
    alignment = Alignment(source, target, (Bead((0, 1), (0,)),), Provenance("0.1.0", "s", "a"))
    assert render(alignment) == "أ ب ج  د هـ\ta b c d\n"


def test_no_beads_no_lines() -> None:
    empty = assemble_document("ar", [])
    assert render(Alignment(empty, empty, (), Provenance("0.1.0", "s", "a"))) == ""


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_any_text_keeps_two_columns(alignments: st.SearchStrategy[Alignment], data: st.DataObject) -> None:
    alignment = data.draw(alignments)
    lines = render(alignment).splitlines()
    assert len(lines) == len(alignment.beads)
    assert all(line.count("\t") == 1 for line in lines)
