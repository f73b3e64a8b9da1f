"""Embeddings kept with the records, and a vector index over them.

``embed_sync`` embeds every record whose store version has no embedding yet
(or one made with another model or text recipe), in batches, each batch one
transaction, so a killed run keeps what it finished and the next run goes on.
A record with too little English text to embed (``document_text`` returns "")
is stored with an empty vector: the decision is kept per version, so the next
sync does not read it again, and the index leaves it out.

``VectorIndex`` is the vectors as one numpy matrix, searched by brute force:
unit vectors make the cosine a dot product, and one matrix-vector product over
100,000 x 384 float32 takes milliseconds (the dependency notes measured numpy
faster than sqlite-vec at 50,000 vectors), so no approximate index is needed.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from opis.semantic.embedder import DIMENSIONS, MODEL_ID, Embedder, Vectors, document_text
from opis.store.base import Store, StoredRecord

BATCH = 256
"""Records per transaction: a few seconds of embedding; a killed run loses at most that."""
NOT_EMBEDDED = b""
"""Stored vector of a record version with nothing to embed."""


class EmbeddingStore(Protocol):
    """Where vectors live: ``opis.store.links.LinkStore`` (the ``embeddings`` table)."""

    def put_embeddings(self, rows: Sequence[tuple[str, int, str, bytes]]) -> None:
        """``(record_id, version, model, float32 vector bytes)``; replaces earlier ones."""

    def embedding_versions(self, model: str) -> dict[str, int]: ...

    def iter_embeddings(self, model: str) -> Iterator[tuple[str, bytes]]: ...

    def delete_embeddings(self, ids: Sequence[str]) -> None: ...


@dataclass
class EmbedReport:
    embedded: int = 0
    skipped: int = 0
    """Record versions with too little English text (stored as not embedded)."""
    deleted: int = 0
    """Embeddings of records the store no longer has."""
    failed: list[tuple[str, str]] = field(default_factory=list)
    """``(record_id, message)``: left without an embedding, tried again next sync."""
    seconds: float = 0.0
    """Embedding and storing, without loading the model."""
    load_seconds: float = 0.0
    """Loading the model (imports included), when this run loaded it."""

    @property
    def docs_per_second(self) -> float:
        return self.embedded / self.seconds if self.seconds > 0 else 0.0


def _default_embedder() -> Embedder:
    from opis.semantic.embedder import MiniLMEmbedder

    return MiniLMEmbedder()


def embed_records(
    records: Iterable[StoredRecord],
    embeddings: EmbeddingStore,
    embedder: Embedder | None = None,
    *,
    batch: int = BATCH,
    on_batch: Callable[[int], None] | None = None,
) -> EmbedReport:
    """Embed and store ``records`` (each at its version), ``batch`` per transaction.

    ``on_batch`` gets how many records each stored batch held (for a progress bar).
    """
    embedder = embedder or _default_embedder()
    report = EmbedReport()
    started = time.perf_counter()
    pending: list[StoredRecord] = []
    loaded = False
    for stored in records:
        if not loaded:  # only when there is work: a no-op sync never loads the model
            started, loaded = _load(embedder, report), True
        pending.append(stored)
        if len(pending) >= batch:
            _embed_batch(pending, embeddings, embedder, report)
            if on_batch is not None:
                on_batch(len(pending))
            pending = []
    if pending:
        _embed_batch(pending, embeddings, embedder, report)
        if on_batch is not None:
            on_batch(len(pending))
    report.seconds = time.perf_counter() - started
    return report


def _load(embedder: Embedder, report: EmbedReport) -> float:
    """Load the model before the clock starts, so docs/s is the embedding rate."""
    started = time.perf_counter()
    load = getattr(embedder, "load", None)
    if callable(load):
        load()
    now = time.perf_counter()
    report.load_seconds = now - started
    return now


def _embed_batch(
    batch: Sequence[StoredRecord],
    embeddings: EmbeddingStore,
    embedder: Embedder,
    report: EmbedReport,
) -> None:
    texts = [document_text(stored.record) for stored in batch]
    wanted = [i for i, text in enumerate(texts) if text]
    vectors = _embed_or_each(embedder, [texts[i] for i in wanted], [batch[i] for i in wanted])
    rows: list[tuple[str, int, str, bytes]] = []
    for i, stored in enumerate(batch):
        if not texts[i]:
            rows.append((stored.record.id, stored.version, embedder.model_id, NOT_EMBEDDED))
            report.skipped += 1
    for stored, vector in zip((batch[i] for i in wanted), vectors, strict=True):
        if isinstance(vector, str):
            report.failed.append((stored.record.id, vector))
            continue
        rows.append((stored.record.id, stored.version, embedder.model_id, vector.tobytes()))
        report.embedded += 1
    embeddings.put_embeddings(rows)


def _embed_or_each(
    embedder: Embedder, texts: list[str], records: list[StoredRecord]
) -> list[np.ndarray | str]:
    """Vectors for ``texts``; if the batch fails, each text alone, an error string per failure."""
    try:
        return list(_checked(embedder.embed(texts), len(texts), embedder.dimensions))
    except Exception:  # one bad text must not sink the batch
        pass
    out: list[np.ndarray | str] = []
    for text, stored in zip(texts, records, strict=True):
        try:
            out.append(_checked(embedder.embed([text]), 1, embedder.dimensions)[0])
        except Exception as exc:
            out.append(f"{stored.record.source.filename}: {stored.record.id}: {exc}")
    return out


def _checked(vectors: Vectors, rows: int, dimensions: int) -> Vectors:
    if vectors.shape != (rows, dimensions) or not np.isfinite(vectors).all():
        raise ValueError(f"embedder returned {vectors.shape}, wanted ({rows}, {dimensions})")
    return np.ascontiguousarray(vectors, dtype=np.float32)


def embed_sync(
    store: Store,
    embeddings: EmbeddingStore,
    embedder: Embedder | None = None,
    *,
    batch: int = BATCH,
    on_start: Callable[[int], None] | None = None,
    on_batch: Callable[[int], None] | None = None,
) -> EmbedReport:
    """Embed every record whose current version has no embedding; drop embeddings of gone records.

    ``on_start`` gets how many records are to be (re)considered before any work.
    """
    embedder = embedder or _default_embedder()
    current = store.versions()
    have = embeddings.embedding_versions(embedder.model_id)
    stale = sorted(i for i, v in current.items() if have.get(i) != v)
    gone = sorted(i for i in have if i not in current)
    if on_start is not None:
        on_start(len(stale))
    report = embed_records(
        _stale_records(store, stale, len(current)), embeddings, embedder,
        batch=batch, on_batch=on_batch,
    )  # fmt: skip
    embeddings.delete_embeddings(gone)
    report.deleted = len(gone)
    return report


def _stale_records(store: Store, stale: list[str], total: int) -> Iterator[StoredRecord]:
    if len(stale) * 10 < total:
        # A few changed records (after a small ingest): fetch them by id.
        for record_id in stale:
            stored = store.get(record_id)
            if stored is not None:
                yield stored
        return
    wanted = set(stale)
    for stored in store.iter_records():
        if stored.record.id in wanted:
            yield stored


class VectorIndex:
    """Unit vectors of records in one float32 matrix; cosine top-k by brute force."""

    def __init__(self, ids: Sequence[str], vectors: Vectors, *, model_id: str = MODEL_ID) -> None:
        if vectors.ndim != 2 or vectors.shape[0] != len(ids):
            raise ValueError(f"{len(ids)} ids for a matrix of shape {vectors.shape}")
        self.ids = list(ids)
        self.matrix = np.ascontiguousarray(vectors, dtype=np.float32)
        self.model_id = model_id
        self._rows = {record_id: row for row, record_id in enumerate(self.ids)}

    @classmethod
    def load(
        cls,
        embeddings: EmbeddingStore,
        *,
        model_id: str = MODEL_ID,
        dimensions: int = DIMENSIONS,
    ) -> VectorIndex:
        """Every stored vector of ``model_id`` (records with nothing embedded left out)."""
        width = dimensions * 4
        ids: list[str] = []
        buffer = bytearray()
        for record_id, blob in embeddings.iter_embeddings(model_id):
            if len(blob) != width:  # NOT_EMBEDDED, or a row of another shape
                continue
            ids.append(record_id)
            buffer += blob
        matrix = np.frombuffer(bytes(buffer), dtype=np.float32).reshape(len(ids), dimensions)
        return cls(ids, matrix, model_id=model_id)

    def __len__(self) -> int:
        return len(self.ids)

    def __contains__(self, record_id: object) -> bool:
        return record_id in self._rows

    def vector(self, record_id: str) -> Vectors | None:
        row = self._rows.get(record_id)
        return None if row is None else self.matrix[row]

    def nearest(
        self,
        vector: Vectors,
        k: int = 10,
        *,
        exclude: Collection[str] = (),
        among: Collection[str] | None = None,
    ) -> list[tuple[str, float]]:
        """The ``k`` records most similar to ``vector``: ``(record_id, cosine)``, best first.

        ``among`` limits the search to those records (ids not in the index are ignored).
        """
        if k <= 0 or not self.ids:
            return []
        query = np.asarray(vector, dtype=np.float32).reshape(-1)
        if among is None:
            rows = None
            scores = self.matrix @ query
        else:
            rows = np.fromiter((self._rows[i] for i in among if i in self._rows), dtype=np.int64)
            scores = self.matrix[rows] @ query
        if scores.size == 0:
            return []
        wanted = min(k + len(exclude), scores.size)
        top = np.argpartition(-scores, wanted - 1)[:wanted]
        found = [
            (self.ids[int(row if rows is None else rows[row])], float(scores[row])) for row in top
        ]
        found.sort(key=lambda pair: (-pair[1], pair[0]))  # ties in id order: deterministic
        return [pair for pair in found if pair[0] not in exclude][:k]

    def similar(self, record_id: str, k: int = 10) -> list[tuple[str, float]]:
        """More like this: the ``k`` nearest other records. KeyError if not embedded."""
        vector = self.vector(record_id)
        if vector is None:
            raise KeyError(record_id)
        return self.nearest(vector, k, exclude={record_id})

    def query(
        self,
        text: str,
        k: int = 10,
        *,
        embedder: Embedder | None = None,
        among: Collection[str] | None = None,
    ) -> list[tuple[str, float]]:
        """Records nearest in meaning to free ``text`` (loads the model on first use)."""
        embedder = embedder or _default_embedder()
        return self.nearest(embedder.embed([text])[0], k, among=among)
