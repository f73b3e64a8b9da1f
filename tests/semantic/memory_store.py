"""A dict-backed EmbeddingStore for tests (the real one is ``opis.store.links.LinkStore``)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence


class MemoryEmbeddingStore:
    def __init__(self) -> None:
        self.rows: dict[str, tuple[int, str, bytes]] = {}
        self.puts = 0
        """How many put_embeddings calls (one per batch: one transaction each)."""

    def put_embeddings(self, rows: Sequence[tuple[str, int, str, bytes]]) -> None:
        self.puts += 1
        for record_id, version, model, vector in rows:
            self.rows[record_id] = (version, model, vector)

    def embedding_versions(self, model: str) -> dict[str, int]:
        return {i: v for i, (v, m, _) in self.rows.items() if m == model}

    def iter_embeddings(self, model: str) -> Iterator[tuple[str, bytes]]:
        for record_id in sorted(self.rows):
            _, stored_model, vector = self.rows[record_id]
            if stored_model == model:
                yield record_id, vector

    def delete_embeddings(self, ids: Sequence[str]) -> None:
        for record_id in ids:
            self.rows.pop(record_id, None)
