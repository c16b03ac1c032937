"""Small, learnable human translations for the tuning tests: templates, so that the tiny model has something to learn."""

from __future__ import annotations

import itertools

import pytest

NAMES = [("أحمد", "Ahmed"), ("سارة", "Sara"), ("عمر", "Omar"), ("ليلى", "Layla"), ("خالد", "Khaled"), ("مريم", "Maryam"), ("يوسف", "Yousef"), ("هدى", "Huda")]
ACTIONS = [("اشترى", "bought"), ("قرأ", "read"), ("باع", "sold"), ("وجد", "found"), ("أخذ", "took")]
THINGS = [("كتابا", "a book"), ("قلما", "a pen"), ("بيتا", "a house"), ("سيارة", "a car"), ("رسالة", "a letter")]
WHEN = [("اليوم", "today"), ("أمس", "yesterday"), ("صباحا", "in the morning"), ("مساء", "in the evening"), ("في المدينة", "in the city")]


def make_pairs(count: int) -> list[tuple[str, str]]:
    combos = itertools.product(NAMES, ACTIONS, THINGS, WHEN)
    return [(f"{n[0]} {a[0]} {t[0]} {w[0]}.", f"{n[1]} {a[1]} {t[1]} {w[1]}.") for n, a, t, w in itertools.islice(combos, count)]


@pytest.fixture(scope="session")
def pairs():
    return make_pairs
