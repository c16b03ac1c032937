"""The flag registry covers every flag any code emits (tests/export/test_html.py checks the legend is written from it)."""

from __future__ import annotations

from dataclasses import FrozenInstanceError

import pytest

from translate import flags
from translate.flags import ENGINE_FLAGS, FLAGS, QA_FLAGS, FlagInfo, flag_name
from translate.qa import check_pair, parse_glossary
from translate.translation import engine

# One pair per QA check that fires it: together they must reach every QA entry of the registry.
TRIGGERS = [
    ("أصيب ٤٣٠ شخصا.", "43 people were injured."),
    ("زار الوزير القاهرة.", "The minister visited القاهرة."),
    ("وقالت وزارة الصحة في بيان إن عدد الإصابات المؤكدة ارتفع إلى مستوى جديد هذا الأسبوع.", "Yes."),
    ("قال إنه سعيد.", "He said he was very very very happy."),
    ("فحص الحمض النووي", "RTC-R-N-N-N-N-N-N-N"),
    ("زار الوزير القاهرة 3 مرات.", ""),
    ("زار الوزير القاهرة 3 مرات.", "زار الوزير القاهرة 3 مرات."),
    ("زار الأمين العام للأمم المتحدة القاهرة.", "The secretary-general visited Cairo."),
]


def test_every_qa_flag_emitted_is_registered_and_every_qa_entry_is_reachable() -> None:
    glossary = parse_glossary("الأمم المتحدة\tUnited Nations\n", "terms.tsv")
    emitted = {flag_name(f) for source, target in TRIGGERS for f in check_pair(source, target, glossary)}
    assert emitted <= FLAGS.keys()
    assert emitted == {info.name for info in QA_FLAGS}


def test_engine_flags_are_the_registry_entries() -> None:
    constants = {value for name, value in vars(engine).items() if name.startswith("FLAG_")}
    assert constants == {info.name for info in ENGINE_FLAGS}
    assert {"split", "repetition-guard", "length-cap"} <= FLAGS.keys()


def test_registry_is_consistent() -> None:
    entries = [v for v in vars(flags).values() if isinstance(v, FlagInfo)]
    assert {e.name for e in entries} == FLAGS.keys()  # no entry defined and left out of FLAGS
    for info in FLAGS.values():
        assert FLAGS[info.name] is info and info.label and info.description
        assert "," not in info.name and ":" not in info.name
    with pytest.raises(FrozenInstanceError):
        flags.SPLIT.name = "other"  # type: ignore[misc]


def test_with_detail_round_trips_through_flag_name() -> None:
    assert flags.NUMBERS.with_detail("missing 430") == "numbers: missing 430"
    assert flags.ARABIC_SCRIPT.with_detail("") == "arabic-script"
    assert flag_name(flags.LENGTH.with_detail("too long (z=+4.0)")) == "length"
