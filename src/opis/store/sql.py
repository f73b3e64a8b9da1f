"""The SQL store: SQLAlchemy Core over SQLite (sqlean) or, later, PostgreSQL.

One ``write`` call is one transaction, so a crash leaves each record either
fully old or fully new. A changed record keeps its previous version in
``record_versions``.
"""

from __future__ import annotations

import hashlib
import heapq
import itertools
import json
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from opis.model import Collection, Record
from opis.store import schema
from opis.store.base import (
    FileMark,
    PutOutcome,
    RawSource,
    RecordVersion,
    SourceKey,
    Stats,
    StoredRecord,
)

# Fault injection for the crash tests: exit hard after this many record rows
# have been written inside an uncommitted transaction.
_CRASH_ENV = "OPIS_CRASH_AFTER_RECORDS"


def utcnow() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def record_data(record: Record) -> tuple[str, str]:
    """The stored JSON text of a record and its content hash."""
    data = json.dumps(record.to_json(), ensure_ascii=False, sort_keys=True)
    return data, hashlib.sha256(data.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Change:
    """One entry of the change list OAI-PMH serves: a current record or a tombstone."""

    id: str
    stamp: str
    """``updated_at`` of a record, ``deleted_at`` of a tombstone (ISO 8601 UTC)."""
    collection: str | None
    repository: str | None
    deleted: bool
    data: str
    """The record JSON (the last version, for a tombstone); empty when not asked for."""


@dataclass
class _Current:
    version: int
    content_hash: str
    metadata_only: bool
    source_sha256: str
    data: str


class SqlStore:
    """A ``Store`` over any SQLAlchemy engine whose schema alembic manages."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._crash_after = int(os.environ.get(_CRASH_ENV, "0") or 0)
        self._rows_written = 0
        upgrade_schema(engine)

    # -- writing -----------------------------------------------------------

    def write(
        self,
        items: Sequence[Record | Collection],
        sources: Sequence[RawSource] = (),
        file_mark: FileMark | None = None,
    ) -> list[PutOutcome | None]:
        now = utcnow()
        outcomes: list[PutOutcome | None] = []
        with self.engine.begin() as conn:
            for source in sources:
                self._put_source(conn, source, now)
            current = self._current(conn, [i.id for i in items if isinstance(i, Record)])
            revived = self._tombstones(conn, [i.id for i in items if isinstance(i, Record)])
            for item in items:
                if isinstance(item, Collection):
                    self._put_collection(conn, item, now)
                    outcomes.append(None)
                else:
                    outcomes.append(self._put_record(conn, item, current, now, revived))
            if file_mark is not None:
                self._put_file_mark(conn, file_mark, now)
        return outcomes

    def _put_source(self, conn: Connection, source: RawSource, now: str) -> None:
        exists = conn.execute(
            sa.select(schema.sources.c.sha256).where(schema.sources.c.sha256 == source.sha256)
        ).first()
        if exists is None:
            conn.execute(
                schema.sources.insert().values(
                    sha256=source.sha256,
                    content=source.content,
                    size=len(source.content),
                    filename=source.filename,
                    format=source.format,
                    stored_at=now,
                )
            )

    def _current(self, conn: Connection, ids: list[str]) -> dict[str, _Current]:
        r = schema.records.c
        found: dict[str, _Current] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            rows = conn.execute(
                sa.select(
                    r.id, r.version, r.content_hash, r.metadata_only, r.source_sha256, r.data
                ).where(r.id.in_(chunk))
            )
            for row in rows:
                found[row.id] = _Current(
                    row.version, row.content_hash, row.metadata_only, row.source_sha256, row.data
                )
        return found

    def _tombstones(self, conn: Connection, ids: list[str]) -> dict[str, int]:
        """The last version of each of ``ids`` that was deleted (an ingest may bring it back)."""
        d = schema.deleted_records.c
        found: dict[str, int] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            rows = conn.execute(sa.select(d.id, d.version).where(d.id.in_(chunk)))
            found.update({row.id: row.version for row in rows})
        return found

    def _put_record(
        self,
        conn: Connection,
        record: Record,
        current: dict[str, _Current],
        now: str,
        revived: dict[str, int] | None = None,
    ) -> PutOutcome:
        data, content_hash = record_data(record)
        old = current.get(record.id)
        if old is not None and old.content_hash == content_hash:
            return PutOutcome.UNCHANGED
        if old is not None and record.metadata_only and not old.metadata_only:
            return PutOutcome.COVERED
        columns: dict[str, Any] = {
            "content_hash": content_hash,
            "source_sha256": record.source.sha256,
            "format": record.source.format,
            "collection": record.collection,
            "type": record.type,
            "title": record.title,
            "date_start": record.date_start,
            "date_end": record.date_end,
            "metadata_only": record.metadata_only,
            "data": data,
            "updated_at": now,
        }
        if old is None:
            # A deleted record coming back continues its version history.
            version = (revived or {}).pop(record.id, 0) + 1
            if version > 1:
                d = schema.deleted_records.c
                conn.execute(schema.deleted_records.delete().where(d.id == record.id))
            conn.execute(
                schema.records.insert().values(
                    id=record.id, version=version, created_at=now, **columns
                )
            )
            outcome = PutOutcome.CREATED
        else:
            conn.execute(
                schema.record_versions.insert().values(
                    record_id=record.id,
                    version=old.version,
                    content_hash=old.content_hash,
                    source_sha256=old.source_sha256,
                    data=old.data,
                    stored_at=now,
                )
            )
            version = old.version + 1
            conn.execute(
                schema.records.update()
                .where(schema.records.c.id == record.id)
                .values(version=version, **columns)
            )
            completed = old.metadata_only and not record.metadata_only
            outcome = PutOutcome.COMPLETED if completed else PutOutcome.UPDATED
        current[record.id] = _Current(
            version, content_hash, record.metadata_only, record.source.sha256, data
        )
        self._after_row()
        return outcome

    def _after_row(self) -> None:
        self._rows_written += 1
        if self._crash_after and self._rows_written >= self._crash_after:
            os._exit(70)  # simulate a kill in the middle of a transaction

    def _put_collection(self, conn: Connection, collection: Collection, now: str) -> None:
        c = schema.collections.c
        row = conn.execute(sa.select(c.data).where(c.id == collection.id)).first()
        if row is None:
            conn.execute(
                schema.collections.insert().values(
                    id=collection.id,
                    title=collection.title,
                    kind=collection.kind,
                    data=_collection_json(collection),
                    updated_at=now,
                )
            )
            return
        merged = _merge_collections(Collection.model_validate_json(row.data), collection)
        data = _collection_json(merged)
        if data != row.data:
            conn.execute(
                schema.collections.update()
                .where(c.id == collection.id)
                .values(title=merged.title, kind=merged.kind, data=data, updated_at=now)
            )

    def _put_file_mark(self, conn: Connection, mark: FileMark, now: str) -> None:
        f = schema.ingested_files.c
        conn.execute(schema.ingested_files.delete().where(f.path == mark.path))
        conn.execute(
            schema.ingested_files.insert().values(
                path=mark.path,
                sha256=mark.sha256,
                reader_version=mark.reader_version,
                status=mark.status,
                records=mark.records,
                message=mark.message,
                seen_at=now,
            )
        )

    def delete(self, record_id: str) -> bool:
        """Remove the current record, leaving a tombstone (for OAI-PMH) and its history.

        The removed version joins ``record_versions``; ``deleted_records`` keeps its
        JSON, collection and repository, so a harvester sees it as deleted within its
        sets. False when there is no such record.
        """
        r, d = schema.records.c, schema.deleted_records.c
        now = utcnow()
        with self.engine.begin() as conn:
            row = conn.execute(
                sa.select(r.data, r.version, r.collection, r.content_hash, r.source_sha256).where(
                    r.id == record_id
                )
            ).first()
            if row is None:
                return False
            citation = json.loads(row.data).get("citation") or {}
            conn.execute(
                schema.record_versions.insert().values(
                    record_id=record_id,
                    version=row.version,
                    content_hash=row.content_hash,
                    source_sha256=row.source_sha256,
                    data=row.data,
                    stored_at=now,
                )
            )
            conn.execute(schema.deleted_records.delete().where(d.id == record_id))
            conn.execute(
                schema.deleted_records.insert().values(
                    id=record_id,
                    version=row.version,
                    collection=row.collection,
                    repository=citation.get("repository"),
                    deleted_at=now,
                    data=row.data,
                )
            )
            conn.execute(schema.records.delete().where(r.id == record_id))
        return True

    def deleted(self, record_id: str) -> Change | None:
        """The tombstone of a deleted record, or None."""
        d = schema.deleted_records.c
        with self.engine.connect() as conn:
            row = conn.execute(
                sa.select(d.id, d.deleted_at, d.collection, d.repository, d.data).where(
                    d.id == record_id
                )
            ).first()
        if row is None:
            return None
        return Change(row.id, row.deleted_at, row.collection, row.repository, True, row.data)

    def changes(
        self,
        *,
        after: tuple[str, str] | None = None,
        since: str | None = None,
        until: str | None = None,
        collection: str | None = None,
        repositories: Sequence[str] | None = None,
        limit: int = 100,
        with_data: bool = True,
    ) -> list[Change]:
        """Current records and tombstones in (time of change, id) order: what OAI-PMH serves.

        ``after`` is the (stamp, id) of the last change already served, so paging
        stays in place while records are added, changed or deleted: a change made
        later sorts after everything served before it. ``since``/``until`` bound
        the stamp (ISO text, ``until`` exclusive); ``collection`` ``"*"`` means any;
        ``repositories`` keeps records whose citation names one of them.
        """
        r, d = schema.records.c, schema.deleted_records.c
        live_repository = sa.func.json_extract(r.data, "$.citation.repository")
        live = sa.select(
            r.id.label("id"),
            r.updated_at.label("stamp"),
            r.collection.label("collection"),
            live_repository.label("repository"),
            sa.literal(False).label("deleted"),
            (r.data if with_data else sa.literal("")).label("data"),
        )
        gone = sa.select(
            d.id.label("id"),
            d.deleted_at.label("stamp"),
            d.collection.label("collection"),
            d.repository.label("repository"),
            sa.literal(True).label("deleted"),
            (d.data if with_data else sa.literal("")).label("data"),
        )
        selects = []
        for query, stamp, coll, repo, id_ in (
            (live, r.updated_at, r.collection, live_repository, r.id),
            (gone, d.deleted_at, d.collection, d.repository, d.id),
        ):
            if after is not None:
                # A range on the stamp index, then the ties already served left out.
                query = query.where(
                    stamp >= after[0], sa.not_(sa.and_(stamp == after[0], id_ <= after[1]))
                )
            if since is not None:
                query = query.where(stamp >= since)
            if until is not None:
                query = query.where(stamp < until)
            if collection == "*":
                query = query.where(coll.is_not(None))
            elif collection is not None:
                query = query.where(coll == collection)
            if repositories is not None:
                query = query.where(repo.in_(list(repositories)))
            selects.append(query.order_by(stamp, id_).limit(limit))
        # Each table is read in stamp order up to ``limit`` rows; the two are merged here
        # (one ORDER BY over a UNION would sort the whole table for every page).
        with self.engine.connect() as conn:
            branches = [
                [
                    Change(r.id, r.stamp, r.collection, r.repository, bool(r.deleted), r.data)
                    for r in conn.execute(query)
                ]
                for query in selects
            ]
        merged = heapq.merge(*branches, key=lambda change: (change.stamp, change.id))
        return list(itertools.islice(merged, limit))

    def repositories(self) -> list[str]:
        """Every repository a current or deleted record's citation names."""
        r, d = schema.records.c, schema.deleted_records.c
        live = sa.select(sa.func.json_extract(r.data, "$.citation.repository").label("name"))
        gone = sa.select(d.repository.label("name"))
        union = sa.union(live, gone).subquery()
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(union.c.name).where(union.c.name.is_not(None))).all()
        return sorted(str(row.name) for row in rows)

    def change_mark(self) -> tuple[Any, ...]:
        """Changes whenever a record is written or deleted (cheap: two index reads)."""
        r, d = schema.records.c, schema.deleted_records.c
        with self.engine.connect() as conn:
            live = conn.execute(sa.select(sa.func.max(r.updated_at), sa.func.count())).one()
            gone = conn.execute(sa.select(sa.func.max(d.deleted_at), sa.func.count())).one()
        return (*live, *gone)

    def earliest_change(self) -> str | None:
        """The oldest time any current record or tombstone changed."""
        r, d = schema.records.c, schema.deleted_records.c
        with self.engine.connect() as conn:
            stamps = [
                conn.execute(sa.select(sa.func.min(r.updated_at))).scalar_one_or_none(),
                conn.execute(sa.select(sa.func.min(d.deleted_at))).scalar_one_or_none(),
            ]
        found = [str(stamp) for stamp in stamps if stamp]
        return min(found) if found else None

    def mark_file(self, mark: FileMark) -> None:
        with self.engine.begin() as conn:
            self._put_file_mark(conn, mark, utcnow())

    def file_mark(self, path: str) -> FileMark | None:
        f = schema.ingested_files.c
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(schema.ingested_files).where(f.path == path)).first()
        if row is None:
            return None
        return FileMark(
            row.path, row.sha256, row.reader_version, row.status, row.records, row.message
        )

    # -- reading -----------------------------------------------------------

    def get(self, record_id: str) -> StoredRecord | None:
        r = schema.records.c
        with self.engine.connect() as conn:
            row = conn.execute(
                sa.select(r.data, r.version, r.updated_at).where(r.id == record_id)
            ).first()
        if row is None:
            return None
        return StoredRecord(Record.model_validate_json(row.data), row.version, row.updated_at)

    def source_keys(self, record_ids: Sequence[str]) -> dict[str, SourceKey]:
        r = schema.records.c
        found: dict[str, SourceKey] = {}
        with self.engine.connect() as conn:
            for start in range(0, len(record_ids), 500):
                chunk = list(record_ids[start : start + 500])
                query = sa.select(r.id, r.format, r.source_sha256).where(r.id.in_(chunk))
                for row in conn.execute(query):
                    found[row.id] = SourceKey(row.format, row.source_sha256)
        return found

    def history(self, record_id: str) -> list[RecordVersion]:
        v = schema.record_versions.c
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(v.version, v.data, v.stored_at)
                .where(v.record_id == record_id)
                .order_by(v.version)
            ).all()
        versions = [
            RecordVersion(row.version, Record.model_validate_json(row.data), row.stored_at)
            for row in rows
        ]
        current = self.get(record_id)
        if current is not None:
            versions.append(RecordVersion(current.version, current.record, current.updated_at))
        return versions

    def get_source(self, sha256: str) -> bytes | None:
        s = schema.sources.c
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(s.content).where(s.sha256 == sha256)).first()
        return None if row is None else bytes(row.content)

    def get_collection(self, collection_id: str) -> Collection | None:
        c = schema.collections.c
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(c.data).where(c.id == collection_id)).first()
        return None if row is None else Collection.model_validate_json(row.data)

    def iter_collections(self) -> Iterator[Collection]:
        c = schema.collections.c
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(c.data).order_by(c.id)).all()
        for row in rows:
            yield Collection.model_validate_json(row.data)

    def iter_records(self, *, since: str | None = None, batch: int = 500) -> Iterator[StoredRecord]:
        r = schema.records.c
        last = ""
        while True:
            query = sa.select(r.id, r.data, r.version, r.updated_at).where(r.id > last)
            if since is not None:
                query = query.where(r.updated_at >= since)
            with self.engine.connect() as conn:
                rows = conn.execute(query.order_by(r.id).limit(batch)).all()
            if not rows:
                return
            for row in rows:
                yield StoredRecord(
                    Record.model_validate_json(row.data), row.version, row.updated_at
                )
            last = rows[-1].id

    def versions(self) -> dict[str, int]:
        """Current version of every record: what an index must hold to be in sync."""
        r = schema.records.c
        with self.engine.connect() as conn:
            return {row.id: row.version for row in conn.execute(sa.select(r.id, r.version))}

    def ids(self) -> list[str]:
        r = schema.records.c
        with self.engine.connect() as conn:
            return [row.id for row in conn.execute(sa.select(r.id).order_by(r.id))]

    def list_records(
        self, *, limit: int = 50, offset: int = 0, collection: str | None = None
    ) -> list[dict[str, Any]]:
        """Summary rows (id, title, type, date, collection) without parsing record JSON."""
        r = schema.records.c
        query = sa.select(r.id, r.title, r.type, r.date_start, r.collection, r.metadata_only)
        if collection is not None:
            query = query.where(r.collection == collection)
        with self.engine.connect() as conn:
            rows = conn.execute(query.order_by(r.id).limit(limit).offset(offset)).all()
        return [dict(row._mapping) for row in rows]

    def count(self) -> int:
        with self.engine.connect() as conn:
            return int(
                conn.execute(sa.select(sa.func.count()).select_from(schema.records)).scalar_one()
            )

    def stats(self) -> Stats:
        r = schema.records.c
        with self.engine.connect() as conn:

            def grouped(column: sa.ColumnElement[Any]) -> dict[str, int]:
                rows = conn.execute(sa.select(column, sa.func.count()).group_by(column)).all()
                return {str(key) if key is not None else "(none)": int(n) for key, n in rows}

            def scalar(query: sa.Select[Any]) -> int:
                return int(conn.execute(query).scalar_one() or 0)

            return Stats(
                records=scalar(sa.select(sa.func.count()).select_from(schema.records)),
                versions=scalar(sa.select(sa.func.count()).select_from(schema.record_versions)),
                collections=scalar(sa.select(sa.func.count()).select_from(schema.collections)),
                sources=scalar(sa.select(sa.func.count()).select_from(schema.sources)),
                source_bytes=scalar(sa.select(sa.func.sum(schema.sources.c.size))),
                by_format=grouped(r.format),
                by_type=grouped(r.type),
                by_collection=grouped(r.collection),
            )

    def close(self) -> None:
        self.engine.dispose()


def _collection_json(collection: Collection) -> str:
    return json.dumps(collection.model_dump(mode="json"), ensure_ascii=False, sort_keys=True)


def _merge_collections(old: Collection, new: Collection) -> Collection:
    """The same collection seen from two sources: fields of ``new`` win when set."""
    fields = {name: getattr(new, name) for name in Collection.model_fields}
    update = {k: v for k, v in fields.items() if v not in (None, "", {}, [])}
    update["metadata"] = {**old.metadata, **new.metadata}
    return old.model_copy(update=update)


def upgrade_schema(engine: Engine) -> None:
    """Bring the database to the newest schema with alembic (idempotent, fast when current)."""
    from alembic import command
    from alembic.config import Config
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    location = str(resources.files("opis.store") / "migrations")
    config = Config()
    config.set_main_option("script_location", location)
    head = ScriptDirectory.from_config(config).get_current_head()
    with engine.begin() as conn:
        if MigrationContext.configure(conn).get_current_revision() == head:
            return
        config.attributes["connection"] = conn
        command.upgrade(config, "head")


def sqlite_engine(path: Path) -> Engine:
    import sqlean

    path.parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(f"sqlite:///{path}", module=sqlean)

    @sa.event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        # WAL + NORMAL: a commit survives a process kill; readers never block the writer.
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.close()

    return engine


def open_sqlite(path: Path) -> SqlStore:
    return SqlStore(sqlite_engine(path))
