"""The store's document-intelligence tables: authorities, links, placeholders, embeddings.

A ``LinkStore`` sits on the same engine (and database file) as the ``SqlStore``.
Links are stored decisions, not recomputed on read: the link pass writes them
per record version (the ``link_ledger`` says which version was linked), and a
curator's decisions (method ``curator``) survive every later pass.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from opis.model import Authority, EntityLink, Placeholder, ReferenceLink
from opis.store import schema
from opis.store.sql import utcnow

CURATOR = "curator"
"""Link method of a decision made by a person; the link pass never overwrites it."""


@dataclass
class RecordLinks:
    """Everything the link pass decided for one version of one record."""

    record_id: str
    version: int
    entities: list[EntityLink] = field(default_factory=list)
    references: list[ReferenceLink] = field(default_factory=list)
    placeholders: list[Placeholder] = field(default_factory=list)


@dataclass(frozen=True)
class AuthorityDocument:
    record_id: str
    mentions: int
    """How many of the record's names point at the authority."""


@dataclass(frozen=True)
class Curation:
    """A curator's decision on authorities, applied again whenever they are rebuilt."""

    id: int
    action: str
    """``merge`` ({"source", "target"}) or ``split`` ({"authority", "names", "new_id",
    "name"}): see ``opis.authorities.curation``."""
    data: dict[str, Any]
    created_at: str


def _dumps(model: Authority | Placeholder) -> str:
    return json.dumps(model.model_dump(mode="json"), ensure_ascii=False, sort_keys=True)


CHANGED_STATE = "changed"
"""link_state key: a new random value with every write (see ``LinkStore.generation``)."""


class LinkStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def generation(self) -> str:
        """Changes with every write here (links, authorities, curations, embeddings), by
        any process: a document page shows these, so its ETag carries this."""
        return self.state(CHANGED_STATE) or ""

    @contextmanager
    def _writing(self) -> Iterator[Connection]:
        with self.engine.begin() as conn:
            yield conn
            t = schema.link_state
            conn.execute(t.delete().where(t.c.key == CHANGED_STATE))
            conn.execute(t.insert().values(key=CHANGED_STATE, value=uuid.uuid4().hex))

    # -- authorities --------------------------------------------------------

    def put_authorities(self, items: Sequence[tuple[Authority, Iterable[str]]]) -> int:
        """Insert or replace authorities with their lookup name keys; one transaction."""
        now = utcnow()
        with self._writing() as conn:
            for authority, keys in items:
                self._put_authority(conn, authority, keys, now)
        return len(items)

    def _put_authority(
        self, conn: Connection, authority: Authority, keys: Iterable[str], now: str
    ) -> None:
        t, names = schema.authorities, schema.authority_names
        conn.execute(t.delete().where(t.c.id == authority.id))
        conn.execute(
            t.insert().values(
                id=authority.id,
                kind=authority.kind,
                name=authority.name,
                status=authority.status,
                merged_into=authority.merged_into,
                data=_dumps(authority),
                updated_at=now,
            )
        )
        conn.execute(names.delete().where(names.c.authority_id == authority.id))
        unique = sorted({k for k in keys if k})
        if unique:
            conn.execute(names.insert(), [{"key": k, "authority_id": authority.id} for k in unique])

    def get_authority(self, authority_id: str, *, follow: bool = True) -> Authority | None:
        """The authority; with ``follow``, the record a merged one now lives in."""
        t = schema.authorities
        seen: set[str] = set()
        with self.engine.connect() as conn:
            while authority_id not in seen:
                seen.add(authority_id)
                data = conn.execute(sa.select(t.c.data).where(t.c.id == authority_id)).scalar()
                if data is None:
                    return None
                authority = Authority.model_validate_json(data)
                if not (follow and authority.merged_into):
                    return authority
                authority_id = authority.merged_into
        return None

    def find_authorities(self, key: str) -> list[Authority]:
        """Authorities with a name whose lookup key is ``key``, best known first."""
        t, names = schema.authorities, schema.authority_names
        query = (
            sa.select(t.c.data)
            .join(names, names.c.authority_id == t.c.id)
            .where(names.c.key == key, t.c.merged_into.is_(None))
            .order_by(t.c.status, t.c.id)
        )
        with self.engine.connect() as conn:
            return [Authority.model_validate_json(d) for d in conn.execute(query).scalars()]

    def iter_authorities(self, kind: str | None = None) -> Iterator[Authority]:
        t = schema.authorities
        query = sa.select(t.c.data).order_by(t.c.id)
        if kind is not None:
            query = query.where(t.c.kind == kind)
        with self.engine.connect() as conn:
            for data in conn.execute(query).scalars():
                yield Authority.model_validate_json(data)

    def authority_counts(self) -> dict[str, int]:
        """Authorities by ``kind/status`` (``person/authority``, ``person/candidate``...)."""
        t = schema.authorities
        query = sa.select(t.c.kind, t.c.status, sa.func.count()).group_by(t.c.kind, t.c.status)
        with self.engine.connect() as conn:
            return {f"{k}/{s}": n for k, s, n in conn.execute(query)}

    def merge_authorities(self, source_id: str, target_id: str) -> int:
        """A curator's merge: ``source_id`` now lives in ``target_id``; links move.

        The source row stays (with ``merged_into``) so old ids keep resolving and
        a later split knows where it came from. Returns the links moved.
        """
        if source_id == target_id:
            raise ValueError("an authority cannot be merged into itself")
        source, target = self.get_authority(source_id), self.get_authority(target_id)
        if source is None or target is None:
            raise KeyError(source_id if source is None else target_id)
        now = utcnow()
        with self._writing() as conn:
            moved = self._repoint(conn, source.id, target.id)
            self._put_authority(conn, source.model_copy(update={"merged_into": target.id}), (), now)
            self._add_curation(conn, "merge", {"source": source.id, "target": target.id}, now)
        return moved

    # -- curations -----------------------------------------------------------

    def curations(self) -> list[Curation]:
        """Curators' merges and splits, oldest first (the order they apply in)."""
        t = schema.curations
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(t).order_by(t.c.id)).all()
        return [Curation(r.id, r.action, json.loads(r.data), r.created_at) for r in rows]

    def curate(
        self,
        action: str,
        data: dict[str, Any],
        put: Sequence[tuple[Authority, Iterable[str]]],
        *,
        repoint: dict[str, str] | None = None,
    ) -> int:
        """Record a curation and write the authorities it changed; one transaction."""
        now = utcnow()
        with self._writing() as conn:
            for authority, keys in put:
                self._put_authority(conn, authority, keys, now)
            for old, new in (repoint or {}).items():
                self._repoint(conn, old, new)
            return self._add_curation(conn, action, data, now)

    def undo_curation(
        self,
        curation_id: int,
        put: Sequence[tuple[Authority, Iterable[str]]],
        *,
        delete: Sequence[str] = (),
        repoint: dict[str, str] | None = None,
    ) -> None:
        """Forget a curation, writing the authorities as they are without it; one transaction."""
        t, names = schema.authorities, schema.authority_names
        now = utcnow()
        with self._writing() as conn:
            for old, new in (repoint or {}).items():
                self._repoint(conn, old, new)
            for authority_id in delete:
                conn.execute(names.delete().where(names.c.authority_id == authority_id))
                conn.execute(t.delete().where(t.c.id == authority_id))
            for authority, keys in put:
                self._put_authority(conn, authority, keys, now)
            conn.execute(schema.curations.delete().where(schema.curations.c.id == curation_id))

    def _add_curation(self, conn: Connection, action: str, data: dict[str, Any], now: str) -> int:
        text = json.dumps(data, ensure_ascii=False, sort_keys=True)
        result = conn.execute(
            schema.curations.insert().values(action=action, data=text, created_at=now)
        )
        return int(result.inserted_primary_key[0])  # type: ignore[index]

    def _repoint(self, conn: Connection, old: str, new: str) -> int:
        links = schema.entity_links
        result = conn.execute(
            links.update().where(links.c.authority_id == old).values(authority_id=new)
        )
        return result.rowcount or 0

    def set_link(self, link: EntityLink) -> None:
        """A curator's correction of one mention's authority (kept by later link passes)."""
        row = link.model_copy(update={"method": CURATOR, "confidence": 1.0}).model_dump()
        links = schema.entity_links
        with self._writing() as conn:
            conn.execute(
                links.delete().where(
                    links.c.record_id == link.record_id,
                    links.c.field == link.field,
                    links.c.mention == link.mention,
                )
            )
            conn.execute(links.insert().values(**row))

    # -- links ---------------------------------------------------------------

    def write_links(self, batch: Sequence[RecordLinks]) -> None:
        """Replace the link pass's decisions for each record version; one transaction.

        Curator links stay; a pass link for the same mention is dropped in their favour.
        """
        now = utcnow()
        entities, refs = schema.entity_links, schema.reference_links
        ledger = schema.link_ledger
        with self._writing() as conn:
            for item in batch:
                curated = {
                    (f, m)
                    for f, m in conn.execute(
                        sa.select(entities.c.field, entities.c.mention).where(
                            entities.c.record_id == item.record_id,
                            entities.c.method == CURATOR,
                        )
                    )
                }
                conn.execute(
                    entities.delete().where(
                        entities.c.record_id == item.record_id, entities.c.method != CURATOR
                    )
                )
                rows = [
                    link.model_dump()
                    for link in item.entities
                    if (link.field, link.mention) not in curated
                ]
                if rows:
                    conn.execute(entities.insert(), rows)
                conn.execute(refs.delete().where(refs.c.record_id == item.record_id))
                if item.references:
                    conn.execute(refs.insert(), [link.model_dump() for link in item.references])
                for placeholder in item.placeholders:
                    self._put_placeholder(conn, placeholder, now)
                conn.execute(ledger.delete().where(ledger.c.record_id == item.record_id))
                conn.execute(
                    ledger.insert().values(
                        record_id=item.record_id, version=item.version, linked_at=now
                    )
                )

    def forget(self, record_ids: Sequence[str]) -> None:
        """Drop every link from records the store no longer has (curator links too)."""
        if not record_ids:
            return
        with self._writing() as conn:
            for table in (schema.entity_links, schema.reference_links, schema.link_ledger):
                conn.execute(table.delete().where(table.c.record_id.in_(record_ids)))

    def _put_placeholder(self, conn: Connection, placeholder: Placeholder, now: str) -> None:
        t = schema.placeholders
        conn.execute(t.delete().where(t.c.id == placeholder.id))
        conn.execute(
            t.insert().values(
                id=placeholder.id,
                kind=placeholder.kind,
                label=placeholder.label,
                data=_dumps(placeholder),
                updated_at=now,
            )
        )

    def linked_versions(self) -> dict[str, int]:
        ledger = schema.link_ledger
        with self.engine.connect() as conn:
            return {k: v for k, v in conn.execute(sa.select(ledger.c.record_id, ledger.c.version))}

    def entity_links(self, record_id: str) -> list[EntityLink]:
        t = schema.entity_links
        query = sa.select(t).where(t.c.record_id == record_id).order_by(t.c.field, t.c.mention)
        with self.engine.connect() as conn:
            return [EntityLink.model_validate(dict(row)) for row in conn.execute(query).mappings()]

    def authorities_by_record(self) -> dict[str, set[str]]:
        """Every record's linked authority ids, in one pass (the index sync uses it)."""
        t = schema.entity_links
        found: dict[str, set[str]] = {}
        with self.engine.connect() as conn:
            for record_id, authority_id in conn.execute(
                sa.select(t.c.record_id, t.c.authority_id).distinct()
            ):
                found.setdefault(record_id, set()).add(authority_id)
        return found

    def authority_documents(
        self, authority_id: str, *, limit: int = 100, offset: int = 0
    ) -> list[AuthorityDocument]:
        """Records naming the authority, most mentions first."""
        t = schema.entity_links
        count = sa.func.count().label("n")
        query = (
            sa.select(t.c.record_id, count)
            .where(t.c.authority_id == authority_id)
            .group_by(t.c.record_id)
            .order_by(count.desc(), t.c.record_id)
            .limit(limit)
            .offset(offset)
        )
        with self.engine.connect() as conn:
            return [AuthorityDocument(r, n) for r, n in conn.execute(query).tuples()]

    def authority_document_count(self, authority_id: str) -> int:
        t = schema.entity_links
        query = sa.select(sa.func.count(sa.distinct(t.c.record_id))).where(
            t.c.authority_id == authority_id
        )
        with self.engine.connect() as conn:
            return int(conn.execute(query).scalar() or 0)

    def observed_names(self, authority_id: str) -> list[tuple[str, int]]:
        """How documents actually write the authority's name, most frequent first."""
        t = schema.entity_links
        count = sa.func.count().label("n")
        query = (
            sa.select(t.c.text, count)
            .where(t.c.authority_id == authority_id)
            .group_by(t.c.text)
            .order_by(count.desc(), t.c.text)
        )
        with self.engine.connect() as conn:
            return [(str(text), int(n)) for text, n in conn.execute(query)]

    def reference_links(self, record_id: str) -> list[ReferenceLink]:
        t = schema.reference_links
        query = sa.select(t).where(t.c.record_id == record_id).order_by(t.c.reference, t.c.ordinal)
        with self.engine.connect() as conn:
            return [
                ReferenceLink.model_validate(dict(row)) for row in conn.execute(query).mappings()
            ]

    def citing(self, target_id: str) -> list[ReferenceLink]:
        """Links from other records to a record or a placeholder (incoming references)."""
        t = schema.reference_links
        query = (
            sa.select(t)
            .where(sa.or_(t.c.target_id == target_id, t.c.placeholder_id == target_id))
            .order_by(t.c.record_id, t.c.reference, t.c.ordinal)
        )
        with self.engine.connect() as conn:
            return [
                ReferenceLink.model_validate(dict(row)) for row in conn.execute(query).mappings()
            ]

    def unresolved_records(self) -> list[str]:
        """Records with a reference still pointing at a placeholder."""
        t = schema.reference_links
        query = sa.select(sa.distinct(t.c.record_id)).where(t.c.placeholder_id.is_not(None))
        with self.engine.connect() as conn:
            return sorted(conn.execute(query).scalars())

    def get_placeholder(self, placeholder_id: str) -> Placeholder | None:
        t = schema.placeholders
        with self.engine.connect() as conn:
            data = conn.execute(sa.select(t.c.data).where(t.c.id == placeholder_id)).scalar()
        return None if data is None else Placeholder.model_validate_json(data)

    def placeholder_count(self, *, cited_only: bool = True) -> int:
        """Placeholders (by default only those some record still cites)."""
        p, links = schema.placeholders, schema.reference_links
        if cited_only:
            query = sa.select(sa.func.count(sa.distinct(links.c.placeholder_id))).where(
                links.c.placeholder_id.is_not(None)
            )
        else:
            query = sa.select(sa.func.count()).select_from(p)
        with self.engine.connect() as conn:
            return int(conn.execute(query).scalar() or 0)

    def link_counts(self) -> dict[str, int]:
        e, r = schema.entity_links, schema.reference_links
        with self.engine.connect() as conn:
            return {
                "entity_links": int(
                    conn.execute(sa.select(sa.func.count()).select_from(e)).scalar() or 0
                ),
                "reference_links": int(
                    conn.execute(sa.select(sa.func.count()).select_from(r)).scalar() or 0
                ),
                "resolved_references": int(
                    conn.execute(
                        sa.select(sa.func.count()).where(r.c.target_id.is_not(None))
                    ).scalar()
                    or 0
                ),
            }

    # -- state ---------------------------------------------------------------

    def state(self, key: str) -> str | None:
        """A value the link pass keeps between runs (e.g. the authority set's hash)."""
        t = schema.link_state
        with self.engine.connect() as conn:
            value = conn.execute(sa.select(t.c.value).where(t.c.key == key)).scalar()
        return None if value is None else str(value)

    def set_state(self, key: str, value: str) -> None:
        t = schema.link_state
        with self._writing() as conn:
            conn.execute(t.delete().where(t.c.key == key))
            conn.execute(t.insert().values(key=key, value=value))

    # -- embeddings ----------------------------------------------------------

    def put_embeddings(self, rows: Sequence[tuple[str, int, str, bytes]]) -> None:
        """``(record_id, version, model, float32 vector bytes)``; replaces earlier ones."""
        if not rows:
            return
        t = schema.embeddings
        with self._writing() as conn:
            conn.execute(t.delete().where(t.c.record_id.in_([r[0] for r in rows])))
            conn.execute(
                t.insert(),
                [{"record_id": i, "version": v, "model": m, "vector": b} for i, v, m, b in rows],
            )

    def embedding_versions(self, model: str) -> dict[str, int]:
        t = schema.embeddings
        query = sa.select(t.c.record_id, t.c.version).where(t.c.model == model)
        with self.engine.connect() as conn:
            return {k: v for k, v in conn.execute(query)}

    def embedding_mark(self, model: str) -> tuple[int, int]:
        """(rows, sum of versions) of ``model``: changes whenever an embedding is written."""
        t = schema.embeddings
        query = sa.select(sa.func.count(), sa.func.coalesce(sa.func.sum(t.c.version), 0)).where(
            t.c.model == model
        )
        with self.engine.connect() as conn:
            rows, versions = conn.execute(query).one()
        return int(rows), int(versions)

    def iter_embeddings(self, model: str) -> Iterator[tuple[str, bytes]]:
        t = schema.embeddings
        query = (
            sa.select(t.c.record_id, t.c.vector).where(t.c.model == model).order_by(t.c.record_id)
        )
        with self.engine.connect() as conn:
            yield from conn.execute(query).tuples()

    def delete_embeddings(self, ids: Sequence[str]) -> None:
        if not ids:
            return
        t = schema.embeddings
        with self._writing() as conn:
            conn.execute(t.delete().where(t.c.record_id.in_(list(ids))))
