"""Where tarjama keeps what it can rebuild: converted models, sentence vectors and the translation memory.

``TARJAMA_CACHE_DIR`` overrides the location (the test suite points it at a
temporary folder so that it never writes into a user's cache); otherwise the
XDG cache directory is used, ``~/.cache/tarjama`` by default.
"""

from __future__ import annotations

import os
from pathlib import Path

ENV_VAR = "TARJAMA_CACHE_DIR"


def cache_dir() -> Path:
    """The user's tarjama cache directory (not created here)."""
    override = os.environ.get(ENV_VAR)
    if override:
        return Path(override).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".cache"
    return base / "tarjama"


def default_tm_path() -> Path:
    return cache_dir() / "tm.sqlite"


def converted_models_dir() -> Path:
    return cache_dir() / "ct2"


def embedding_cache_path() -> Path:
    """The aligner's sentence-vector cache (:class:`translate.alignment.embeddings.EmbeddingCache`)."""
    return cache_dir() / "embeddings.sqlite3"
