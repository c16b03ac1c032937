"""Counts as the user reads them: ``1 segment``, ``2 segments``."""

from __future__ import annotations


def counted(number: int, noun: str, plural: str | None = None) -> str:
    """``number noun`` in the singular for one and the plural otherwise (``noun + s`` unless given)."""
    return f"{number} {noun if number == 1 else plural or noun + 's'}"
