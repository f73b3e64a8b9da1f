"""Hybrid search: full-text and semantic rankings fused by reciprocal rank.

Reciprocal rank fusion (Cormack et al. 2009) scores each document by
``sum(weight / (RRF_K + rank))`` over the rankings it appears in. It needs no
calibration between BM25 scores, which grow with the query's length, and
cosines, which sit between 0.1 and 0.7 for this model; a document high in
both lists wins, one high in either still shows.

Which documents the semantic side may add depends on the query:

- Free words and phrases only (``korean unification``): the query's words
  are embedded and ranked against every vector, so documents about the
  subject that never use the words can come in.
- With fields, dates, negations or facet filters (``korea date:1950``,
  ``from:Malik``): only the full-text matches can satisfy those, so the
  semantic side re-ranks the first ``depth`` of them and adds nothing new.
- Nothing free to embed (``date:1947-09``), or words not in English (the
  model is English-only; ``Сталин``): the full-text ranking alone.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from opis.model import Record
from opis.search.base import Hit, SearchBackend
from opis.search.query import And, DateRange, Node, Not, Or, Phrase, Term, parse
from opis.semantic.embedder import Embedder
from opis.semantic.vectors import VectorIndex

RRF_K = 60
"""The constant of the original paper; it damps the weight of the very first ranks."""
DEPTH = 100
"""How far down each ranking fusion looks."""
SNIPPET_CHARS = 240
_LATIN = re.compile(r"[A-Za-z]")
_LETTER = re.compile(r"[^\W\d_]")


@dataclass(frozen=True)
class FusedHit:
    id: str
    score: float
    """Reciprocal-rank-fusion score."""
    text_rank: int | None
    """1-based rank in the full-text ranking; None if not in its first ``depth``."""
    vector_rank: int | None
    similarity: float | None
    """Cosine between the query's free words and the document."""
    hit: Hit | None
    """Title, date, type and snippet; None for a document only the semantic side found
    (``describe`` fills those in)."""

    def to_json(self) -> dict[str, Any]:
        hit = self.hit.to_json() if self.hit is not None else {"id": self.id}
        return {
            **hit,
            "score": self.score,
            "text_rank": self.text_rank,
            "vector_rank": self.vector_rank,
            "similarity": self.similarity,
        }


@dataclass(frozen=True)
class HybridResult:
    hits: list[FusedHit]
    text_total: int
    """How many documents the full-text query matched."""
    semantic_text: str
    """The query's free words as embedded; "" when the semantic side took no part."""
    restricted: bool
    """True when the semantic side could only re-rank full-text matches."""

    def to_json(self) -> dict[str, Any]:
        return {
            "text_total": self.text_total,
            "semantic_text": self.semantic_text,
            "restricted": self.restricted,
            "hits": [hit.to_json() for hit in self.hits],
        }


def reciprocal_rank_fusion(
    rankings: Sequence[Sequence[str]],
    *,
    k: int = RRF_K,
    weights: Sequence[float] | None = None,
) -> list[tuple[str, float]]:
    """``(id, score)`` best first; ties broken by id so the order is reproducible."""
    weights = weights if weights is not None else [1.0] * len(rankings)
    if len(weights) != len(rankings):
        raise ValueError("one weight per ranking")
    scores: dict[str, float] = {}
    for ranking, weight in zip(rankings, weights, strict=True):
        for rank, doc_id in enumerate(ranking, start=1):
            scores[doc_id] = scores.get(doc_id, 0.0) + weight / (k + rank)
    return sorted(scores.items(), key=lambda pair: (-pair[1], pair[0]))


def free_text(node: Node) -> str:
    """The words a reader would read as the subject: unfielded (or title:) terms and
    phrases outside negations, in query order."""
    if isinstance(node, Term | Phrase):
        return node.text if node.field in (None, "title") else ""
    if isinstance(node, And | Or):
        return " ".join(part for part in map(free_text, node.children) if part)
    return ""  # Not, DateRange


def is_restricted(node: Node) -> bool:
    """Whether the query says more than its subject: fields, dates, negations."""
    if isinstance(node, Term | Phrase):
        return node.field not in (None, "title")
    if isinstance(node, And | Or):
        return any(is_restricted(child) for child in node.children)
    return isinstance(node, Not | DateRange)


def is_english_like(text: str) -> bool:
    """Mostly Latin letters: something the English-only model can place."""
    letters = _LETTER.findall(text)
    return bool(letters) and len(_LATIN.findall(text)) * 2 >= len(letters)


def hybrid_search(
    backend: SearchBackend,
    index: VectorIndex,
    query: str,
    *,
    embedder: Embedder | None = None,
    filters: Mapping[str, Sequence[str]] | None = None,
    limit: int = 10,
    depth: int = DEPTH,
    semantic_weight: float = 1.0,
) -> HybridResult:
    """Full-text and semantic rankings of ``query`` fused (see the module docstring).

    Raises QuerySyntaxError for a bad query and SearchError for bad filters, as search does.
    """
    node = parse(query)
    depth = max(depth, limit)
    text = backend.search(query, filters=filters or {}, limit=depth)
    text_ids = [hit.id for hit in text.hits]
    restricted = is_restricted(node) or any(filters.values() if filters else ())
    subject = free_text(node)
    vector: list[tuple[str, float]] = []
    if subject and is_english_like(subject) and len(index):
        if embedder is None:
            from opis.semantic.embedder import MiniLMEmbedder

            embedder = MiniLMEmbedder()
        among = text_ids if restricted else None
        vector = index.nearest(embedder.embed([subject])[0], depth, among=among)
    else:
        subject = ""
    fused = reciprocal_rank_fusion(
        [text_ids, [doc_id for doc_id, _ in vector]], weights=[1.0, semantic_weight]
    )
    text_rank = {doc_id: rank for rank, doc_id in enumerate(text_ids, start=1)}
    vector_rank = {doc_id: rank for rank, (doc_id, _) in enumerate(vector, start=1)}
    similarity = dict(vector)
    hits_by_id = {hit.id: hit for hit in text.hits}
    return HybridResult(
        hits=[
            FusedHit(
                id=doc_id,
                score=score,
                text_rank=text_rank.get(doc_id),
                vector_rank=vector_rank.get(doc_id),
                similarity=similarity.get(doc_id),
                hit=hits_by_id.get(doc_id),
            )
            for doc_id, score in fused[:limit]
        ],
        text_total=text.total,
        semantic_text=subject,
        restricted=restricted,
    )


def hit_from_record(record: Record) -> Hit:
    """A result line for a record only the semantic side found (snippet: the opening)."""
    lead = " ".join((record.summary or record.body)[: SNIPPET_CHARS + 40].split())
    return Hit(
        id=record.id,
        title=record.title,
        date=record.date,
        type=record.type,
        score=None,
        snippet=html.escape(lead[:SNIPPET_CHARS], quote=False),
    )


def describe(result: HybridResult, lookup: Callable[[str], Record | None]) -> HybridResult:
    """Fill in title, date and snippet of semantic-only hits from ``lookup`` (the store)."""
    hits = []
    for fused in result.hits:
        if fused.hit is None:
            record = lookup(fused.id)
            if record is not None:
                fused = FusedHit(
                    fused.id, fused.score, fused.text_rank, fused.vector_rank,
                    fused.similarity, hit_from_record(record),
                )  # fmt: skip
        hits.append(fused)
    return HybridResult(hits, result.text_total, result.semantic_text, result.restricted)
