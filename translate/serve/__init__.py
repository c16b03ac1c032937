"""``tarjama serve``: the LibreTranslate HTTP API and a page for translators, in front of tarjama's engine.

Importing this package is cheap and needs no web framework: the CLI builds a
:class:`ServeConfig` and calls :func:`run`, which says in one line how to
install the ``serve`` extra when Starlette or uvicorn is missing.
"""

from __future__ import annotations

from translate.serve.config import DEFAULT_HOST, DEFAULT_PORT, Limits, ServeConfig

__all__ = ["DEFAULT_HOST", "DEFAULT_PORT", "Limits", "ServeConfig", "read_api_keys", "run"]

INSTALL_HINT = "pip install 'tarjama[serve]'"
EXTRA = (("starlette", "starlette"), ("uvicorn", "uvicorn"), ("python_multipart", "python-multipart"))
"""The serve extra as (module, package to install).  python-multipart's module is ``python_multipart`` (Starlette
imports that name first); its old name ``multipart`` is also the module of an unrelated package, so finding it proves nothing."""


def _check_extra() -> None:
    from importlib.util import find_spec

    from translate.errors import TarjamaError

    missing = [package for module, package in EXTRA if find_spec(module) is None]
    if missing:
        raise TarjamaError(f"tarjama serve needs {', '.join(missing)}: {INSTALL_HINT}")


def read_api_keys(path: str) -> frozenset[str]:
    """One key per line; blank lines and ``#`` comments are skipped.  An empty file is an error, not an open server."""
    from translate.errors import TarjamaError
    from translate.textio import read_text

    keys = frozenset(line.strip() for line in read_text(path).splitlines() if line.strip() and not line.lstrip().startswith("#"))
    if not keys:
        raise TarjamaError(f"{path}: no API key in this file (one key per line)")
    return keys


def run(config: ServeConfig) -> int:
    """Load the model, bind, serve until interrupted; returns the exit status."""
    _check_extra()
    from translate.serve.app import serve

    return serve(config)
