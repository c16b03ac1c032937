"""The one way an exception becomes the one line a user reads."""

from __future__ import annotations

from translate.errors import first_line


def test_first_line_of_a_long_message_or_the_type_of_an_empty_one() -> None:
    assert first_line(OSError("  no such file\nTraceback (most recent call last):\n  ...")) == "no such file"
    assert first_line(ValueError("")) == "ValueError"
    assert first_line(RuntimeError("\n\n")) == "RuntimeError"


def test_a_name_is_shown_with_its_control_and_bidi_characters_escaped():
    from translate.errors import shown

    assert shown("أخبار/مقال 1.txt") == "أخبار/مقال 1.txt"  # Arabic and spaces as they are
    assert shown("a\nb\tc\x1b[31m.txt") == "a\\nb\\tc\\x1b[31m.txt"
    assert shown("x\u202etxt.exe\u2066\u200f\u061c") == "x\\u202etxt.exe\\u2066\\u200f\\u061c"
    assert shown("bad\udcffbyte") == "bad\\udcffbyte"  # an undecodable byte of a file name (surrogateescape)
    assert shown(shown("a\nb")) == "a\\nb"  # nothing left to escape the second time
