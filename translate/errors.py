"""The one exception type the CLI turns into a one-line error and exit status 2."""


class TarjamaError(Exception):
    """A problem the user can fix: bad input, a missing model, a bad option.

    The message is shown to the user as it is, on one line, so it should say
    what is wrong and, where possible, what to do about it.
    """
