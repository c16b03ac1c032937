from pathlib import Path

import pytest

from translate.flags import Flag
from translate.model import Bead
from translate.qa import check_pair, summary

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "qa"


def names(source, target, glossary=None):
    return [f.name for f in check_pair(source, target, glossary)]


def test_a_good_pair_has_no_flag():
    assert names("قال الرئيس إن 86% من السكان غادروا.", "The president said 86% of the population had left.") == []


def test_wrong_number_is_flagged_with_what_to_look_at():
    flags = check_pair("أصيب ٤٣٠ شخصا.", "43 people were injured.")
    assert flags == (Flag("numbers", "missing 430; extra 43"),)
    assert str(flags[0]) == "numbers: missing 430; extra 43"


def test_arabic_left_in_the_english():
    flags = check_pair("زار الوزير القاهرة.", "The minister visited القاهرة.")
    assert flags == (Flag("arabic-script", "القاهرة."),)


def test_empty_and_untranslated_stop_other_checks():
    assert names("زار الوزير القاهرة 3 مرات.", "") == ["empty"]
    assert names("زار الوزير القاهرة 3 مرات.", "زار الوزير  القاهرة 3 مرات.") == ["untranslated"]
    # a Latin-only source may legitimately stay as it is
    assert names("COVID-19", "COVID-19") == []


def test_length_outliers_are_flagged_both_ways():
    source = "وقالت وزارة الصحة في بيان إن عدد الإصابات المؤكدة ارتفع إلى مستوى جديد هذا الأسبوع."
    assert names(source, "Yes.") == ["length"]
    assert "length" in names(source, " ".join(f"The ministry of health said in statement number {i}." for i in range(9)))
    assert str(check_pair(source, "Yes.")[0]).startswith("length: too short")


def test_repetition_of_words_and_patterns():
    assert names("قال إنه سعيد.", "He said he was very very very happy.") == ["repetition"]
    assert names("قال إنه سعيد جدا جدا جدا.", "He said he was very very very happy.") == []  # the author's own
    assert "repetition" in names("فحص الحمض النووي", "RTC-R-N-N-N-N-N-N-N")
    assert "repetition" not in names("رقم 1000000", "number 1000000")  # digits are not a degenerate pattern


def test_real_degenerate_output_line_1315_is_flagged():
    source = (FIXTURES / "tico19-1315.ar.txt").read_text(encoding="utf-8").strip()
    target = (FIXTURES / "tico19-1315.mt.en.txt").read_text(encoding="utf-8").strip()
    found = names(source, target)
    assert "repetition" in found and "length" in found


def test_summary_counts_segments_and_flags():
    beads = [
        Bead((0,), (0,), flags=(Flag("numbers", "missing 4"),)),
        Bead((1,), (1,), flags=(Flag("numbers", "extra 5"), Flag("repetition", "N-×9"))),
        Bead((2,), (2,)),
        Bead((3,), (3,), flags=(Flag("numbers", "missing 1"),)),
    ]
    assert summary(beads) == "3 segments flagged: 3 numbers, 1 repetition"
    assert summary(beads[2:3]) is None
    assert summary(beads[:1]) == "1 segment flagged: 1 numbers"


@pytest.mark.parametrize("flagged", [True, False])
def test_flags_never_contain_commas_so_lists_stay_parseable(flagged):
    source = "بلغ عدد المصابين 1,234,567 شخصا، و٨٩ حالة وفاة."
    target = "The number reached 1,234,568, and 88 deaths." if flagged else "The number reached 1,234,567, and 89 deaths."
    flags = check_pair(source, target)
    assert bool(flags) is flagged
    assert all("," not in str(f) for f in flags)


def test_low_confidence_is_flagged_below_the_threshold_as_shown():
    """Compared to two decimals, as every output shows it: a flagged value is always shown below the threshold."""
    from translate.qa import checks

    assert checks.low_confidence(0.31, 0.5) == [Flag("low-confidence", "0.31")]
    assert checks.low_confidence(0.4951, 0.5) == [], "shown as 0.50: not below 0.5"
    assert checks.low_confidence(0.4949, 0.5) == [Flag("low-confidence", "0.49")]
    assert checks.low_confidence(0.01, 0.0) == [], "0 flags none"
    assert checks.low_confidence(None, 0.9) == [], "a human translation has no confidence to doubt"


def test_the_confidence_check_runs_on_a_machine_translation_only():
    from translate.model import Alignment, Origin, ParagraphKind, Provenance, assemble_document
    from translate.qa import check_alignment
    from translate.settings import QaSettings

    source = assemble_document("ar", [(ParagraphKind.BODY, ["قال الوزير.", "غادر الوفد."])])
    target = assemble_document("en", [(ParagraphKind.BODY, ["The minister said.", "The delegation left."])])
    beads = (Bead((0,), (0,), None, Origin.MT, confidence=0.2), Bead((1,), (1,), None, Origin.TM))
    alignment = Alignment(source, target, beads, Provenance("0.1.0", "s", "a"))
    checked = check_alignment(alignment, qa=QaSettings(min_confidence=0.3))
    assert [b.flags for b in checked.beads] == [(Flag("low-confidence", "0.20"),), ()]
    assert checked.provenance.qa.endswith("confidence<0.3"), "the threshold is part of the QA signature"
    assert [b.flags for b in check_alignment(alignment).beads] == [(), ()], "tarjama check: no confidence check"
    assert [b.flags for b in check_alignment(alignment, qa=QaSettings(min_confidence=0.1)).beads] == [(), ()]
    with pytest.raises(ValueError, match="between 0 and 1"):
        QaSettings(min_confidence=1.5)
