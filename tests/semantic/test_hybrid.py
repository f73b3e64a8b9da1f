"""Hybrid ranking: full-text hits and vector hits fused by reciprocal rank."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from opis.model import Record
from opis.search import QuerySyntaxError, TantivyBackend, parse
from opis.semantic.hybrid import (
    RRF_K,
    describe,
    free_text,
    hybrid_search,
    is_english_like,
    is_restricted,
    reciprocal_rank_fusion,
)
from opis.semantic.vectors import VectorIndex, embed_records
from opis.store.base import StoredRecord
from tests.semantic.conftest import CachedEmbedder
from tests.semantic.memory_store import MemoryEmbeddingStore


def test_rank_fusion_rewards_agreement_and_breaks_ties_by_id() -> None:
    fused = reciprocal_rank_fusion([["a", "b", "c"], ["c", "d"]])
    assert [doc_id for doc_id, _ in fused] == ["c", "a", "b", "d"]
    scores = dict(fused)
    assert scores["c"] == pytest.approx(1 / (RRF_K + 3) + 1 / (RRF_K + 1))
    assert scores["b"] == scores["d"] == pytest.approx(1 / (RRF_K + 2))
    weighted = reciprocal_rank_fusion([["a"], ["b"]], weights=[1.0, 2.0])
    assert [doc_id for doc_id, _ in weighted] == ["b", "a"]
    with pytest.raises(ValueError):
        reciprocal_rank_fusion([["a"]], weights=[1.0, 1.0])


def test_free_text_and_restrictions_of_a_query() -> None:
    node = parse('"joint commission" from:Malik date:1947-09 -draft korea')
    assert free_text(node) == "joint commission korea"
    assert is_restricted(node)
    assert free_text(parse("title:(korea war) OR unification")) == "korea war unification"
    assert not is_restricted(parse("title:(korea war) OR unification"))
    assert free_text(parse("date:1947-09")) == ""
    assert is_english_like("Soviet troops") and not is_english_like("Сталин Молотов")
    assert not is_english_like("1947")


@pytest.fixture(scope="module")
def backend(
    sample: list[Record], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[TantivyBackend]:
    index = TantivyBackend(tmp_path_factory.mktemp("index"))
    index.index((record, 1) for record in sample)
    index.commit()
    yield index
    index.close()


@pytest.fixture(scope="module")
def vectors(sample: list[Record], cached: CachedEmbedder) -> VectorIndex:
    store = MemoryEmbeddingStore()
    embed_records((StoredRecord(r, 1, "") for r in sample), store, cached)
    return VectorIndex.load(store)


GROUP_PREFIX = {"korea": "frus1949v07p2", "iron ore": "dfat-v1"}


def test_both_rankings_merge(
    backend: TantivyBackend, vectors: VectorIndex, cached: CachedEmbedder, sample: list[Record]
) -> None:
    result = hybrid_search(backend, vectors, "iron ore", embedder=cached, limit=len(sample))
    assert not result.restricted and result.semantic_text == "iron ore"
    top = [hit.id for hit in result.hits[:2]]
    assert sorted(top) == ["dfat-v1-186", "dfat-v1-202"]
    assert all(h.text_rank is not None and h.vector_rank is not None for h in result.hits[:2])
    text_only = backend.search("iron ore", limit=100)
    assert result.text_total == text_only.total
    semantic_only = [h for h in result.hits if h.text_rank is None]
    assert semantic_only and all(h.vector_rank and h.hit is None for h in semantic_only)
    assert len(result.hits) == len(sample)  # every vector, each document once
    scores = [h.score for h in result.hits]
    assert scores == sorted(scores, reverse=True)


def test_meaning_finds_what_the_words_miss(
    backend: TantivyBackend, vectors: VectorIndex, cached: CachedEmbedder
) -> None:
    troops = hybrid_search(backend, vectors, "pulling out US soldiers", embedder=cached, limit=4)
    assert troops.text_total == 0  # no document has all these words
    assert sorted(h.id for h in troops.hits[:2]) == ["frus1949v07p2-d213", "frus1949v07p2-d240"]
    assert all(h.id.startswith(GROUP_PREFIX["korea"]) for h in troops.hits)
    ban = hybrid_search(backend, vectors, "ban on exporting minerals", embedder=cached, limit=2)
    assert ban.text_total == 0
    assert all(h.id.startswith(GROUP_PREFIX["iron ore"]) for h in ban.hits)


def test_fields_and_filters_keep_the_semantic_side_to_text_matches(
    backend: TantivyBackend, vectors: VectorIndex, cached: CachedEmbedder
) -> None:
    restricted = hybrid_search(backend, vectors, "korea -nsc", embedder=cached, limit=20)
    assert restricted.restricted and restricted.semantic_text == "korea"
    assert restricted.hits and all(h.text_rank is not None for h in restricted.hits)
    assert len(restricted.hits) == restricted.text_total
    filtered = hybrid_search(
        backend, vectors, "korea", embedder=cached, filters={"year": ["1949"]}, limit=20
    )
    assert filtered.restricted and all(h.id.startswith("frus1949") for h in filtered.hits)


def test_russian_words_rank_by_full_text_alone(
    backend: TantivyBackend, vectors: VectorIndex, cached: CachedEmbedder
) -> None:
    result = hybrid_search(backend, vectors, "Сталин", embedder=cached)
    assert result.semantic_text == "" and result.text_total >= 1
    assert [h.id for h in result.hits] == [h.id for h in backend.search("Сталин").hits]
    with pytest.raises(QuerySyntaxError):
        hybrid_search(backend, vectors, '"unbalanced', embedder=cached)


def test_describe_fills_in_semantic_only_hits(
    backend: TantivyBackend, vectors: VectorIndex, cached: CachedEmbedder, sample: list[Record]
) -> None:
    by_id = {r.id: r for r in sample}
    result = describe(
        hybrid_search(backend, vectors, "iron ore", embedder=cached, limit=len(sample)),
        by_id.get,
    )
    assert all(h.hit is not None and h.hit.title == by_id[h.id].title for h in result.hits)
    row = result.to_json()["hits"][-1]
    assert {"id", "title", "score", "text_rank", "vector_rank", "similarity"} <= set(row)
