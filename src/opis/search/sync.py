"""Keep an index in step with the store: the one path for reindex, ingest and repair.

The index ledger says which version of each record the index holds; anything
the store has in another version is indexed again, anything the store no
longer has is deleted. After a crash between a store write and the index
update, the next ``sync`` finds the difference and closes it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from opis.model import Record
from opis.search.base import SearchBackend
from opis.store.base import Store, StoredRecord

BATCH = 2_000

Decorate = Callable[[Record], Record]
"""Adds what the index should know beyond the record (linked authorities' names)."""


@dataclass(frozen=True)
class SyncReport:
    indexed: int
    deleted: int


def sync(
    store: Store, backend: SearchBackend, *, batch: int = BATCH, decorate: Decorate | None = None
) -> SyncReport:
    """Index every record whose store version the index does not hold; drop the rest."""
    indexed_versions = backend.indexed_versions()
    current = store.versions()
    stale = {i for i, v in current.items() if indexed_versions.get(i) != v}
    gone = [i for i in indexed_versions if i not in current]
    if len(stale) * 10 < len(current):
        # Few changes (the usual start-up check): load just those records by id.
        return _apply(store, backend, sorted(stale), gone, batch, decorate)
    changed = (s for s in store.iter_records() if s.record.id in stale)
    return _write(backend, changed, list(gone), batch, decorate)


def _apply(
    store: Store,
    backend: SearchBackend,
    ids: Iterable[str],
    gone: Iterable[str],
    batch: int,
    decorate: Decorate | None,
) -> SyncReport:
    deleted = list(gone)

    def found() -> Iterator[StoredRecord]:
        for record_id in ids:
            stored = store.get(record_id)
            if stored is None:
                deleted.append(record_id)
            else:
                yield stored

    return _write(backend, found(), deleted, batch, decorate)


def _write(
    backend: SearchBackend,
    records: Iterator[StoredRecord],
    deleted: list[str],
    batch: int,
    decorate: Decorate | None,
) -> SyncReport:
    """Index ``records`` in batches, then delete ``deleted`` (filled as records are read)."""
    indexed = 0
    pending: list[tuple[Record, int]] = []
    for stored in records:
        record = decorate(stored.record) if decorate else stored.record
        pending.append((record, stored.version))
        if len(pending) >= batch:
            indexed += backend.index(pending)
            pending = []
    indexed += backend.index(pending)
    backend.delete(deleted)
    backend.commit()
    return SyncReport(indexed=indexed, deleted=len(deleted))


def reindex(store: Store, backend: SearchBackend, decorate: Decorate | None = None) -> SyncReport:
    """Rebuild from scratch (``opis reindex``)."""
    backend.clear()
    return sync(store, backend, decorate=decorate)


def update(
    store: Store, backend: SearchBackend, ids: Iterable[str], decorate: Decorate | None = None
) -> SyncReport:
    """Index the given records again (after an ingest, or when their links changed)."""
    return _apply(store, backend, ids, (), BATCH, decorate)
