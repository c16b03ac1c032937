"""The one way an exception becomes the one line a user reads."""

from __future__ import annotations

from translate.errors import first_line


def test_first_line_of_a_long_message_or_the_type_of_an_empty_one() -> None:
    assert first_line(OSError("  no such file\nTraceback (most recent call last):\n  ...")) == "no such file"
    assert first_line(ValueError("")) == "ValueError"
    assert first_line(RuntimeError("\n\n")) == "RuntimeError"
