"""Which store version of each record an index holds, kept beside the index.

Written only *after* the index commit succeeds, so after a crash the ledger can
lag behind the index but never run ahead of it: a lagging entry just makes the
next sync index that record again (indexing is idempotent), while an entry
ahead of the index would hide a missing document for good.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable
from pathlib import Path


class VersionLedger:
    def __init__(self, path: Path) -> None:
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._lock = threading.Lock()
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS versions (id TEXT PRIMARY KEY, version INTEGER NOT NULL)"
        )

    def apply(self, versions: dict[str, int], deleted: Iterable[str]) -> None:
        """Record a committed batch in one transaction."""
        with self._lock:
            self._db.execute("BEGIN")
            try:
                self._db.executemany("DELETE FROM versions WHERE id = ?", ((i,) for i in deleted))
                self._db.executemany(
                    "INSERT INTO versions (id, version) VALUES (?, ?) "
                    "ON CONFLICT (id) DO UPDATE SET version = excluded.version",
                    versions.items(),
                )
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    def all(self) -> dict[str, int]:
        with self._lock:
            return dict(self._db.execute("SELECT id, version FROM versions"))

    def clear(self) -> None:
        with self._lock:
            self._db.execute("DELETE FROM versions")

    def close(self) -> None:
        with self._lock:
            self._db.close()
