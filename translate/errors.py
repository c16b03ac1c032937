"""The one exception type the CLI turns into a one-line error and exit status 2."""

from __future__ import annotations

import re


class TarjamaError(Exception):
    """A problem the user can fix: bad input, a missing model, a bad option.

    The message is shown to the user as it is, on one line, so it should say
    what is wrong and, where possible, what to do about it.
    """


def first_line(exc: BaseException | str) -> str:
    """The first line of an exception's message, or its type's name when it has none.

    A library's exception (a loader, a converter) can run to pages; the user
    is told its first line, and ``TARJAMA_DEBUG=1`` shows the whole of it.
    """
    text = str(exc).strip()
    if not text:
        return type(exc).__name__ if isinstance(exc, BaseException) else ""
    return text.splitlines()[0].strip()


class EmptyInput(TarjamaError):
    """An input with no text at all.

    Its own type because a batch (a folder to translate, a corpus to align)
    skips such a file with a warning and goes on, where any other bad input
    stops the run before it starts.
    """


_UNSHOWABLE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029\ud800-\udfff]")
"""Controls (a newline forges a second line, an escape sequence drives the terminal), the bidi controls
(an override reorders the line on screen), line and paragraph separators, and lone surrogates (the
undecodable bytes of a file name, which a terminal's encoder refuses)."""


def shown(name: object) -> str:
    """A file name (or any text from outside) as a message prints it: those characters escaped as ``\\n``, ``\\u202e``.

    A name is data from the file system, not ours: printed raw, a newline in
    it writes a line of its own (a forged ``tarjama: error:``), a bidi override
    makes ``gpj.exe`` read ``exe.jpg``.  Arabic letters and spaces stay as they are.
    """
    return _UNSHOWABLE.sub(_escape, str(name))


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return {9: "\\t", 10: "\\n", 13: "\\r"}.get(code) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
