"""The store interface every backend implements (SQLite now, PostgreSQL later).

Backends share one conformance suite in ``tests/store/test_conformance.py``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum
from typing import Protocol

from opis.model import Collection, Record


class PutOutcome(str, Enum):
    CREATED = "created"
    UPDATED = "updated"
    """A new version; the previous one is kept in the record's history."""
    UNCHANGED = "unchanged"
    COVERED = "covered"
    """A catalogue-only record whose document the store already holds in full."""


@dataclass(frozen=True)
class StoredRecord:
    record: Record
    version: int
    updated_at: str
    """ISO 8601 UTC time of the last change (also the OAI datestamp later)."""


@dataclass(frozen=True)
class RecordVersion:
    version: int
    record: Record
    stored_at: str


@dataclass(frozen=True)
class Stats:
    records: int
    versions: int
    collections: int
    sources: int
    source_bytes: int
    by_format: dict[str, int]
    by_type: dict[str, int]
    by_collection: dict[str, int]


class Store(Protocol):
    def put_source(self, sha256: str, raw: bytes, filename: str, fmt: str) -> None:
        """Keep raw bytes (idempotent by hash). Part of the caller's batch."""

    def put_records(self, items: list[Record | Collection]) -> list[PutOutcome | None]:
        """Write records and collections in ONE transaction (all or nothing).

        Returns an outcome per item (None for collections).
        """

    def get(self, record_id: str) -> StoredRecord | None: ...

    def history(self, record_id: str) -> list[RecordVersion]:
        """All versions, oldest first, the current one last."""

    def get_source(self, sha256: str) -> bytes | None: ...

    def get_collection(self, collection_id: str) -> Collection | None: ...

    def iter_records(self, *, since: str | None = None, batch: int = 500) -> Iterator[StoredRecord]:
        """Every current record in id order, streamed; ``since`` filters by updated_at."""

    def ids(self) -> list[str]: ...

    def count(self) -> int: ...

    def stats(self) -> Stats: ...

    def close(self) -> None: ...
