"""Semantic similarity: document embeddings, a vector index, hybrid ranking.

embed_sync(archive.store, archive.links)        # embed records whose version changed
index = VectorIndex.load(archive.links)
index.similar("frus1951v07p2-d100", k=10)       # [(record_id, cosine), ...]
index.query("Soviet proposals on Korean unification", k=10)
hybrid_search(backend, index, 'korea "joint commission"', limit=10)

The model (torch, sentence-transformers) is imported only when text is embedded.
"""

from __future__ import annotations

from opis.semantic.embedder import (
    DIMENSIONS,
    MODEL_ID,
    Embedder,
    MiniLMEmbedder,
    document_text,
    embed_texts,
)
from opis.semantic.hybrid import FusedHit, HybridResult, hybrid_search, reciprocal_rank_fusion
from opis.semantic.vectors import (
    EmbeddingStore,
    EmbedReport,
    VectorIndex,
    embed_records,
    embed_sync,
)

__all__ = [
    "DIMENSIONS",
    "MODEL_ID",
    "EmbedReport",
    "Embedder",
    "EmbeddingStore",
    "FusedHit",
    "HybridResult",
    "MiniLMEmbedder",
    "VectorIndex",
    "document_text",
    "embed_records",
    "embed_sync",
    "embed_texts",
    "hybrid_search",
    "reciprocal_rank_fusion",
]
