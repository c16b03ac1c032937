"""The one exception type the CLI turns into a one-line error and exit status 2."""


class TarjamaError(Exception):
    """A problem the user can fix: bad input, a missing model, a bad option.

    The message is shown to the user as it is, on one line, so it should say
    what is wrong and, where possible, what to do about it.
    """


class EmptyInput(TarjamaError):
    """An input with no text at all: an error when the user named the file, a warning when a folder held it."""


def first_line(exc: BaseException | str) -> str:
    """The first line of an exception's message, or its type's name when it has none.

    A library's exception (a loader, a converter) can run to pages; the user
    is told its first line, and ``TARJAMA_DEBUG=1`` shows the whole of it.
    """
    text = str(exc).strip()
    if not text:
        return type(exc).__name__ if isinstance(exc, BaseException) else ""
    return text.splitlines()[0].strip()
