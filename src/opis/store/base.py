"""The store interface every backend implements (SQLite now, PostgreSQL later).

Backends share one conformance suite in ``tests/store/test_conformance.py``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from opis.model import Collection, RawSource, Record

__all__ = ["RawSource"]


class PutOutcome(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    """A new version; the previous one is kept in the record's history."""
    UNCHANGED = "unchanged"
    COMPLETED = "completed"
    """A catalogue-only record now has its full text (the catalogue entry is kept as history)."""
    COVERED = "covered"
    """A catalogue-only record whose document the store already holds in full."""


@dataclass(frozen=True)
class StoredRecord:
    record: Record
    version: int
    updated_at: str
    """ISO 8601 UTC time of the last change (also the OAI datestamp later)."""


@dataclass(frozen=True)
class SourceKey:
    format: str
    sha256: str


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


@dataclass(frozen=True)
class FileMark:
    """What the last ingest of a file path saw, so an unchanged file is not read again."""

    path: str
    sha256: str
    reader_version: str
    status: str
    """``ok``, ``failed`` or ``skipped``."""
    records: int = 0
    """How many records the file gave, so a skipped re-read can still be counted."""
    message: str | None = None


class Store(Protocol):
    def write(
        self,
        items: Sequence[Record | Collection],
        sources: Sequence[RawSource] = (),
        file_mark: FileMark | None = None,
    ) -> list[PutOutcome | None]:
        """Write sources, records, collections and the file mark in ONE transaction.

        All or nothing. Returns an outcome per item (None for collections).
        """

    def delete(self, record_id: str) -> bool:
        """Remove the current record, keeping its history and a tombstone; False if absent."""

    def file_mark(self, path: str) -> FileMark | None: ...

    def mark_file(self, mark: FileMark) -> None: ...

    def get(self, record_id: str) -> StoredRecord | None: ...

    def source_keys(self, record_ids: Sequence[str]) -> dict[str, SourceKey]:
        """The format and source digest of those of ``record_ids`` the store holds,
        without loading the records (ingest checks every record it writes)."""

    def history(self, record_id: str) -> list[RecordVersion]:
        """All versions, oldest first, the current one last."""

    def get_source(self, sha256: str) -> bytes | None: ...

    def get_collection(self, collection_id: str) -> Collection | None: ...

    def iter_records(self, *, since: str | None = None, batch: int = 500) -> Iterator[StoredRecord]:
        """Every current record in id order, streamed; ``since`` filters by updated_at."""

    def versions(self) -> dict[str, int]:
        """Current version of every record, without loading records (index sync uses it)."""

    def ids(self) -> list[str]: ...

    def count(self) -> int: ...

    def stats(self) -> Stats: ...

    def close(self) -> None: ...
