import pytest

from translate.errors import TarjamaError
from translate.qa import check_pair
from translate.qa.glossary import parse_glossary

GLOSSARY = parse_glossary(
    "# team terminology\n"
    "الأمم المتحدة\tUnited Nations\n"
    "منظمة الصحة العالمية\tWorld Health Organization\n"
    "أرامكو\tAramco\tdnt\n"
    "لقاح\tvaccine\n",
    "team.tsv",
)


@pytest.mark.parametrize(
    "source",
    [
        "قالت الأمم المتحدة إن الوضع خطير.",
        "وقالت الامم المتحدة إن الوضع خطير.",  # no hamza
        "ودعا الأمينُ العام للأمم المتحدة إلى الهدوء.",  # ل + ال
        "وبالأمم المتحدة اجتماع.",  # و + ب + ال
        "قالت الأُمَم المُتَّحِدَة ذلك.",  # diacritics
        "قالت الأمم المتـــحدة ذلك.",  # tatweel
    ],
)
def test_terms_are_found_with_clitics_and_variants(source):
    assert [t.english for t in GLOSSARY.terms_in(source)] == ["United Nations"]


def test_a_different_word_with_the_same_letters_inside_is_not_a_match():
    assert GLOSSARY.terms_in("قال المتحدث باسم الحكومة") == []


def test_missing_required_english_is_a_glossary_flag():
    source = "قالت الأمم المتحدة إن لقاحات جديدة ستصل."
    assert [f.name for f in check_pair(source, "The UN said new vaccines will arrive.", GLOSSARY)] == ["glossary"]
    assert check_pair(source, "The United Nations said new vaccines will arrive.", GLOSSARY) == ()
    assert str(check_pair(source, "The UN said …", GLOSSARY)[0]) == "glossary: الأمم المتحدة → United Nations"


def test_do_not_translate_terms_must_appear_exactly():
    source = "أعلنت أرامكو أرباحها."
    assert check_pair(source, "Aramco announced its profits.", GLOSSARY) == ()
    assert [f.name for f in check_pair(source, "ARAMCO announced its profits.", GLOSSARY)] == ["glossary"]


@pytest.mark.parametrize(
    ("text", "message"),
    [("الأمم المتحدة\n", "g.tsv:1: expected"), ("لقاح\tvaccine\tmaybe\n", "unknown third column"), ("# only a comment\n", "no terms")],
)
def test_bad_glossary_lines_are_named(text, message):
    with pytest.raises(TarjamaError, match=message):
        parse_glossary(text, "g.tsv")
