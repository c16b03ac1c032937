"""What tuning learns from: human units only, deduplicated, a stable validation split, a minimum."""

from __future__ import annotations

import pytest

from translate.errors import TarjamaError
from translate.translation.memory import ModelKey, TranslationMemory
from translate.tuning.data import MIN_UNITS, collect


def _memory(path, pairs, mt=()):
    with TranslationMemory(path) as tm:
        tm.store_human(pairs, origin="tmx:test.tmx")
        tm.store_mt(ModelKey("m", "r", "d"), [(s, t, (), None) for s, t in mt])
    return path


def test_human_units_only_never_machine_translations(tmp_path, pairs):
    human = pairs(150)
    machine = [("جملة آلية رقم %d" % i, "machine sentence %d" % i) for i in range(50)]
    data = collect(_memory(tmp_path / "tm.sqlite", human, machine))
    learned = {*data.train, *data.validation}
    assert learned == set(human)
    assert not any(t.startswith("machine sentence") for _, t in learned)
    assert data.summary()["sources"] == {"memory:tm.sqlite": 150}
    assert len(data.validation) == 20 and len(data.train) == 130  # 10 %, at least 20


def test_files_dedupe_and_later_translation_wins(tmp_path, pairs):
    memory = _memory(tmp_path / "tm.sqlite", pairs(120))
    tsv = tmp_path / "more.tsv"
    extra = pairs(130)[100:]  # 20 repeats of the memory, 10 new
    tsv.write_text("".join(f"{s}\t{t}\n" for s, t in extra) + f"{pairs(1)[0][0]}\tA better translation.\nbroken line\n", encoding="utf-8")
    data = collect(memory, [tsv])
    learned = dict((*data.train, *data.validation))
    assert len(learned) == 130
    assert learned[pairs(1)[0][0]] == "A better translation."
    assert data.duplicates == 21
    assert data.summary()["skipped"] == {"more.tsv: line without two columns": 1}


def test_validation_split_does_not_depend_on_the_order(tmp_path, pairs):
    tsv = tmp_path / "reversed.tsv"
    tsv.write_text("".join(f"{s}\t{t}\n" for s, t in reversed(pairs(200))), encoding="utf-8")
    first = collect(_memory(tmp_path / "a.sqlite", pairs(200)))
    again = collect(None, [tsv])
    assert first.validation == again.validation and first.digest == again.digest
    assert not set(first.validation) & set(first.train)


def test_generic_sample_goes_to_training_only(tmp_path, pairs):
    memory = _memory(tmp_path / "tm.sqlite", pairs(200))
    generic = tmp_path / "generic.tsv"
    generic.write_text("".join(f"جملة عامة {i}\tgeneral sentence {i}\n" for i in range(500)), encoding="utf-8")
    data = collect(memory, generic=[generic], generic_share=0.5)
    assert len(data.generic) == len(data.train) // 2
    assert all(t.startswith("general sentence") for _, t in data.generic)
    assert not any(t.startswith("general") for _, t in data.validation)


def test_too_little_data_is_one_line(tmp_path, pairs):
    memory = _memory(tmp_path / "tm.sqlite", pairs(MIN_UNITS - 1))
    with pytest.raises(TarjamaError, match=rf"only {MIN_UNITS - 1} distinct human translations .* at least {MIN_UNITS}"):
        collect(memory)
    with pytest.raises(TarjamaError, match="does not exist"):
        collect(tmp_path / "missing.sqlite")
