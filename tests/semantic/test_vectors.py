"""embed_sync re-embeds only changed versions; the vector index ranks by cosine."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import pytest

from opis.model import Record
from opis.semantic.embedder import DIMENSIONS, MODEL_ID, Vectors, document_text
from opis.semantic.vectors import NOT_EMBEDDED, VectorIndex, embed_records, embed_sync
from opis.store.base import StoredRecord
from opis.store.links import LinkStore
from opis.store.sql import SqlStore, open_sqlite
from tests.semantic.conftest import WILSON_TRANSCRIPT, CountingEmbedder, read_records
from tests.semantic.memory_store import MemoryEmbeddingStore


@pytest.fixture
def store(tmp_path: Path, sample: list[Record], corpus: Path) -> Iterator[SqlStore]:
    opened = open_sqlite(tmp_path / "opis.db")
    transcript = read_records(corpus / WILSON_TRANSCRIPT)  # Russian: nothing to embed
    opened.write([*sample, *transcript])
    yield opened
    opened.close()


def test_sync_embeds_only_changed_versions(
    store: SqlStore, counting: CountingEmbedder, sample: list[Record]
) -> None:
    vectors = MemoryEmbeddingStore()
    first = embed_sync(store, vectors, counting, batch=5)
    assert (first.embedded, first.skipped, first.deleted, first.failed) == (len(sample), 1, 0, [])
    assert vectors.puts == 3  # 13 records, 5 per transaction
    assert sorted(counting.texts) == sorted(document_text(r) for r in sample)
    assert vectors.rows["wilson-transcript-33548"][2] == NOT_EMBEDDED

    counting.texts.clear()
    again = embed_sync(store, vectors, counting)
    assert (again.embedded, again.skipped, counting.texts) == (0, 0, [])

    changed = sample[0].model_copy(update={"summary": "Withdrawal of US forces from Korea."})
    store.write([changed])
    store.delete(sample[1].id)
    third = embed_sync(store, vectors, counting)
    assert (third.embedded, third.deleted) == (1, 1)
    assert counting.texts == [document_text(changed)]
    assert vectors.rows[changed.id][0] == 2 and sample[1].id not in vectors.rows


def test_vectors_of_another_model_are_embedded_again(
    store: SqlStore, counting: CountingEmbedder, sample: list[Record]
) -> None:
    vectors = MemoryEmbeddingStore()
    old = np.zeros(DIMENSIONS, dtype=np.float32).tobytes()
    vectors.put_embeddings([(sample[0].id, 1, "all-MiniLM-L6-v2/text-v0", old)])
    report = embed_sync(store, vectors, counting)
    assert report.embedded == len(sample)
    assert vectors.rows[sample[0].id][1] == MODEL_ID


class FailingOn:
    """The real model, except that it fails on one text (a fault to recover from)."""

    model_id = MODEL_ID
    dimensions = DIMENSIONS

    def __init__(self, inner: CountingEmbedder, bad: str) -> None:
        self.inner, self.bad = inner, bad

    def embed(self, texts: Sequence[str]) -> Vectors:
        if self.bad in texts:
            raise RuntimeError("cannot embed this text")
        return self.inner.embed(texts)


def test_one_failing_text_does_not_sink_its_batch(
    store: SqlStore, counting: CountingEmbedder, sample: list[Record]
) -> None:
    vectors = MemoryEmbeddingStore()
    bad = sample[2]
    report = embed_sync(store, vectors, FailingOn(counting, document_text(bad)))
    assert report.embedded == len(sample) - 1
    assert [record_id for record_id, _ in report.failed] == [bad.id]
    assert "cannot embed this text" in report.failed[0][1]
    assert bad.id not in vectors.rows  # tried again by the next sync
    assert embed_sync(store, vectors, counting).embedded == 1


@pytest.fixture
def index(store: SqlStore, counting: CountingEmbedder) -> VectorIndex:
    links = LinkStore(store.engine)  # the real embeddings table
    report = embed_records(store.iter_records(), links, counting)
    assert report.embedded + report.skipped == store.count()
    return VectorIndex.load(links)


def test_index_holds_embedded_records_only(index: VectorIndex, sample: list[Record]) -> None:
    assert len(index) == len(sample) and "wilson-transcript-33548" not in index
    assert index.matrix.shape == (len(sample), DIMENSIONS) and index.matrix.dtype == np.float32
    assert index.vector("no-such-record") is None
    with pytest.raises(KeyError):
        index.similar("wilson-transcript-33548")


def test_similar_excludes_itself_and_ranks_by_cosine(index: VectorIndex) -> None:
    found = index.similar("frus1949v07p2-d240", k=3)
    assert found[0][0] == "frus1949v07p2-d213"
    assert "frus1949v07p2-d240" not in [doc_id for doc_id, _ in found]
    scores = [score for _, score in found]
    assert scores == sorted(scores, reverse=True) and len(found) == 3
    target = index.vector("frus1949v07p2-d240")
    assert target is not None
    best = index.vector("frus1949v07p2-d213")
    assert best is not None and abs(scores[0] - float(best @ target)) < 1e-6
    assert len(index.similar("frus1949v07p2-d240", k=100)) == len(index) - 1


def test_nearest_among_a_subset_and_by_text(index: VectorIndex, counting: CountingEmbedder) -> None:
    subset = ["dfat-v1-186", "frus1961-63v06-d1", "not-in-the-index"]
    vector = index.vector("dfat-v1-202")
    assert vector is not None
    assert [doc_id for doc_id, _ in index.nearest(vector, 5, among=subset)] == [
        "dfat-v1-186",
        "frus1961-63v06-d1",
    ]
    assert index.nearest(vector, 5, among=[]) == []
    by_text = index.query("export of iron ore from Australia", k=2, embedder=counting)
    assert {doc_id for doc_id, _ in by_text} == {"dfat-v1-186", "dfat-v1-202"}


def test_load_skips_rows_of_another_width(sample: list[Record]) -> None:
    vectors = MemoryEmbeddingStore()
    unit = np.eye(1, DIMENSIONS, dtype=np.float32)[0]
    vectors.put_embeddings(
        [
            (sample[0].id, 1, MODEL_ID, unit.tobytes()),
            (sample[1].id, 1, MODEL_ID, NOT_EMBEDDED),
            (sample[2].id, 1, MODEL_ID, unit[:10].tobytes()),
        ]
    )
    index = VectorIndex.load(vectors)
    assert index.ids == [sample[0].id]
    assert index.nearest(unit, 3) == [(sample[0].id, 1.0)]


def test_embed_records_reports_progress_per_batch(
    store: SqlStore, counting: CountingEmbedder
) -> None:
    seen: list[int] = []
    stored: list[StoredRecord] = list(store.iter_records())
    report = embed_records(stored, MemoryEmbeddingStore(), counting, batch=4, on_batch=seen.append)
    assert seen == [4, 4, 4, 1] and report.seconds > 0 and report.docs_per_second > 0
