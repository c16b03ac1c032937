"""The flag registry covers every flag any code emits, and every writer shows a flag as the registry's name and its detail.

(tests/export/test_html.py checks the legend is written from the registry.)"""

from __future__ import annotations

from dataclasses import FrozenInstanceError

import pytest

from translate import flags
from translate.export import get_exporter
from translate.flags import ENGINE_FLAGS, FLAGS, QA_FLAGS, Flag, FlagInfo, flag_list
from translate.model import Alignment, Bead, Origin, ParagraphKind, Provenance, assemble_document
from translate.qa import check_pair, checks, parse_glossary
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
    emitted = {f.name for source, target in TRIGGERS for f in check_pair(source, target, glossary)}
    # The confidence check looks at the model's confidence, not at the text pair (check_alignment runs it).
    emitted |= {f.name for f in checks.low_confidence(0.2, 0.5)}
    assert emitted <= FLAGS.keys()
    assert emitted == {info.name for info in QA_FLAGS}


def test_engine_flags_are_the_registry_entries() -> None:
    constants = [value for name, value in vars(engine).items() if name.startswith("FLAG_")]
    assert all(isinstance(flag, Flag) and flag.info in ENGINE_FLAGS and not flag.detail for flag in constants)
    assert {flag.name for flag in constants} == {info.name for info in ENGINE_FLAGS}
    assert {"split", "repetition-guard", "length-cap"} <= FLAGS.keys()


def test_registry_is_consistent() -> None:
    entries = [v for v in vars(flags).values() if isinstance(v, FlagInfo)]
    assert {e.name for e in entries} == FLAGS.keys()  # no entry defined and left out of FLAGS
    for info in FLAGS.values():
        assert FLAGS[info.name] is info and info.label and info.description
        assert "," not in info.name and ":" not in info.name
    with pytest.raises(FrozenInstanceError):
        flags.SPLIT.name = "other"  # type: ignore[misc]


def test_a_flag_is_a_registered_name_and_a_detail_written_name_colon_detail() -> None:
    assert flags.NUMBERS.flag("missing 430") == Flag("numbers", "missing 430")
    assert str(Flag("numbers", "missing 430")) == "numbers: missing 430"
    assert str(flags.ARABIC_SCRIPT.flag()) == "arabic-script"
    assert Flag("length", "too long (z=+4.0)").info is flags.LENGTH
    assert flag_list((Flag("split"), Flag("numbers", "extra 5")), ",") == "split,numbers: extra 5"
    with pytest.raises(FrozenInstanceError):
        Flag("split").detail = "x"  # type: ignore[misc]


def test_an_unregistered_flag_cannot_be_made() -> None:
    with pytest.raises(ValueError, match="registry"):
        Flag("low-score")
    with pytest.raises(ValueError, match="registry"):
        Flag.parse("merge: 2-1")


def test_every_registered_flag_parses_back_from_its_text() -> None:
    for info in FLAGS.values():
        for flag in (info.flag(), info.flag("missing 430; extra 43")):
            assert Flag.parse(str(flag)) == flag


def test_every_writer_shows_every_registered_flag_as_its_text() -> None:
    """Walk the registry through TMX x-flags, XLIFF 1.2 and 2.0 notes, the TSV column and the review page."""
    every = tuple(info.flag(f"detail of {info.name}") if i % 2 else info.flag() for i, info in enumerate(FLAGS.values()))
    src = assemble_document("ar", [(ParagraphKind.BODY, ["قال الوزير."])])
    tgt = assemble_document("en", [(ParagraphKind.BODY, ["The minister said."])])
    provenance = Provenance("0.1.0", "s", "a", decoding="beam=4", qa="tarjama-qa/1")  # a translation: low-confidence can occur
    alignment = Alignment(src, tgt, (Bead((0,), (0,), 0.9, Origin.MT, every),), provenance)
    texts = [str(flag) for flag in every]
    assert all(t.startswith(info.name) for t, info in zip(texts, FLAGS.values()))
    written = {name: get_exporter(name).render(alignment) for name in ("tmx", "xliff", "xliff2", "tsv", "html")}
    assert f'<prop type="x-flags">{",".join(texts)}</prop>' in written["tmx"]
    assert f"flags: {', '.join(texts)}" in written["xliff"] and f"flags: {', '.join(texts)}" in written["xliff2"]
    assert written["tsv"].rstrip("\n").split("\t")[2] == "; ".join(texts)
    assert f'<span class="flags">{", ".join(texts)}</span>' in written["html"]
    for info in FLAGS.values():
        assert f'<dt id="flag-{info.name}">{info.name}</dt>' in written["html"]
