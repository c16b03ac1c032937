from translate.wording import counted


def test_one_is_singular_and_every_other_count_plural():
    assert [counted(n, "segment") for n in (0, 1, 2)] == ["0 segments", "1 segment", "2 segments"]
    assert counted(1, "human translation") == "1 human translation"
    assert counted(3, "match", "matches") == "3 matches"
