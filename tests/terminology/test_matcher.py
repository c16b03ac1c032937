"""Arabic terms found with their clitics and spelling variants; the longest match wins; no overlaps."""

import pytest

from translate.terminology import parse_glossary

GLOSSARY = parse_glossary(
    "الأمم المتحدة\tUnited Nations\n"
    "الأمم\tnations\n"
    "منظمة الصحة العالمية\tWorld Health Organization\n"
    "الصحة\thealth\n"
    "لقاح\tvaccine\n",
    "t.tsv",
)


@pytest.mark.parametrize(
    "text",
    [
        "قالت الأمم المتحدة",
        "وقالت الامم المتحدة",  # no hamza
        "دعا للأمم المتحدة",  # ل + ال written لل
        "وللأمم المتحدة",  # و + ل + ال
        "فبالأمم المتحدة",  # ف + ب + ال
        "كالأُمَم المُتَّحِدَة",  # diacritics
        "الأمم المتـــحدة",  # tatweel
    ],
)
def test_clitics_article_and_spelling_variants(text):
    assert [(o.term.english, o.first, o.last) for o in GLOSSARY.matcher.find(text)][-1][0] == "United Nations"


def test_the_longest_match_wins_and_matches_do_not_overlap():
    found = GLOSSARY.matcher.find("مدير منظمة الصحة العالمية والأمم المتحدة والأمم وبلقاح")
    assert [(o.term.english, o.first, o.last) for o in found] == [
        ("World Health Organization", 1, 3),  # not "health" inside it
        ("United Nations", 4, 5),  # not "nations"
        ("nations", 6, 6),
        ("vaccine", 7, 7),
    ]
    assert [round(o.position, 2) for o in found] == [0.12, 0.5, 0.75, 0.88]


def test_a_word_that_only_contains_the_letters_is_not_a_term():
    assert GLOSSARY.matcher.find("قال المتحدث باسم الحكومة") == []
    assert GLOSSARY.matcher.find("لقاحات") == []  # a suffix is another word: no guessing at inflection


def test_each_occurrence_is_found():
    assert [o.term.english for o in GLOSSARY.matcher.find("لقاح ثم لقاح")] == ["vaccine", "vaccine"]
