"""OAI-PMH 2.0 at /oai: every record as ``oai_dc``, collections as sets.

The protocol (verbs, arguments, errors, resumption tokens) is the ``oaipmh``
package's ``BatchingServer``; this module only answers its questions from the
store. Datestamps are the store's ``updated_at`` (seconds granularity, UTC), so
a harvester asking ``from`` its last run gets every record created or changed
since. Records are never deleted (``deletedRecord`` is ``no``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from oaipmh import common, error, metadata, server  # type: ignore[import-untyped]

from opis.model import Record
from opis.store.base import StoredRecord
from opis.store.sql import SqlStore
from opis.web.api import document_url, library

BATCH_SIZE = 100
"""Records per response; a resumption token carries the harvest on."""

OAI_DC = (
    "oai_dc",
    "http://www.openarchives.org/OAI/2.0/oai_dc.xsd",
    "http://www.openarchives.org/OAI/2.0/oai_dc/",
)
ID_PREFIX = "oai:opis:"
EPOCH = datetime(1970, 1, 1)

router = APIRouter(include_in_schema=False)


def _registry() -> Any:
    registry = metadata.MetadataRegistry()
    registry.registerWriter("oai_dc", server.oai_dc_writer)
    return registry


def oai_identifier(record_id: str) -> str:
    return ID_PREFIX + record_id


def datestamp(stored: StoredRecord) -> datetime:
    """The record's ``updated_at`` as the naive UTC datetime ``oaipmh`` expects."""
    when = datetime.fromisoformat(stored.updated_at.replace("Z", "+00:00"))
    return when.astimezone(UTC).replace(tzinfo=None, microsecond=0)


def dublin_core(
    record: Record, page_url: str, collection_title: str | None
) -> dict[str, list[str]]:
    """Simple Dublin Core for a record: only what the record states."""
    dc: dict[str, list[str]] = {
        "title": [record.title],
        "creator": [p.name for p in record.sender],
        "contributor": [f"{c.name} ({c.role})" for c in record.contributors]
        + [f"{p.name} (recipient)" for p in record.to],
        "date": [record.date] if record.date else [],
        "type": ["Text"] + ([record.type] if record.type else []),
        "format": [record.source.media_type] if record.source.media_type else [],
        "identifier": [page_url, record.id],
        "source": [c.text for c in [record.citation, *record.other_citations] if c is not None],
        "language": list(record.languages),
        "relation": [collection_title] if collection_title else [],
        "coverage": sorted({p.name for p in record.places}),
        "rights": [text for text in (record.rights, record.attribution) if text],
        "description": [record.summary] if record.summary else [],
    }
    return {key: values for key, values in dc.items() if values}


def earliest_datestamp(store: SqlStore) -> datetime:
    """The oldest ``updated_at``: a lower bound of every datestamp (reads every record)."""
    return min((datestamp(stored) for stored in store.iter_records()), default=EPOCH)


class ArchiveOAI:
    """The ``IBatchingOAI`` interface of ``oaipmh`` over an opis store."""

    def __init__(
        self,
        store: SqlStore,
        base_url: str,
        page_url: Callable[[str], str],
        earliest: Callable[[], datetime] | None = None,
    ) -> None:
        self.store = store
        self.base_url = base_url
        self.page_url = page_url
        self._earliest_datestamp = earliest or (lambda: earliest_datestamp(store))
        self._collection_titles: dict[str, str] | None = None

    # -- protocol questions ----------------------------------------------------

    def identify(self) -> Any:
        return common.Identify(
            repositoryName="opis",
            baseURL=self.base_url,
            protocolVersion="2.0",
            adminEmails=["nobody@localhost"],
            earliestDatestamp=self._earliest_datestamp(),
            deletedRecord="no",
            granularity="YYYY-MM-DDThh:mm:ssZ",
            compression=["identity"],
        )

    def listMetadataFormats(self, identifier: str | None = None) -> list[tuple[str, str, str]]:
        if identifier is not None:
            self._stored(identifier)
        return [OAI_DC]

    def listSets(self, cursor: int = 0, batch_size: int = 10) -> list[tuple[str, str, None]]:
        sets = [(c.id, c.title, None) for c in self.store.iter_collections()]
        return sets[cursor : cursor + batch_size]

    def getRecord(self, metadataPrefix: str, identifier: str) -> tuple[Any, Any, None]:
        self._check_prefix(metadataPrefix)
        stored = self._stored(identifier)
        return self._record(stored)

    def listIdentifiers(
        self,
        metadataPrefix: str,
        set: str | None = None,
        from_: datetime | None = None,
        until: datetime | None = None,
        cursor: int = 0,
        batch_size: int = 10,
    ) -> list[Any]:
        self._check_prefix(metadataPrefix)
        return [
            self._header(stored)
            for stored in self._page(set, from_, until, int(cursor), int(batch_size))
        ]

    def listRecords(
        self,
        metadataPrefix: str,
        set: str | None = None,
        from_: datetime | None = None,
        until: datetime | None = None,
        cursor: int = 0,
        batch_size: int = 10,
    ) -> list[tuple[Any, Any, None]]:
        self._check_prefix(metadataPrefix)
        return [
            self._record(stored)
            for stored in self._page(set, from_, until, int(cursor), int(batch_size))
        ]

    # -- answers from the store --------------------------------------------------

    def _check_prefix(self, prefix: str) -> None:
        if prefix != OAI_DC[0]:
            raise error.CannotDisseminateFormatError(f"unknown metadata format {prefix!r}")

    def _stored(self, identifier: str) -> StoredRecord:
        stored = None
        if identifier.startswith(ID_PREFIX):
            stored = self.store.get(identifier[len(ID_PREFIX) :])
        if stored is None:
            raise error.IdDoesNotExistError(f"no record {identifier!r}")
        return stored

    def _matching(
        self, set_spec: str | None, from_: datetime | None, until: datetime | None
    ) -> Iterator[StoredRecord]:
        since = from_.strftime("%Y-%m-%dT%H:%M:%S") if from_ is not None else None
        for stored in self.store.iter_records(since=since):
            if set_spec is not None and stored.record.collection != set_spec:
                continue
            stamp = datestamp(stored)
            if from_ is not None and stamp < from_:
                continue
            if until is not None and stamp > until:
                continue
            yield stored

    def _page(
        self,
        set_spec: str | None,
        from_: datetime | None,
        until: datetime | None,
        cursor: int,
        size: int,
    ) -> list[StoredRecord]:
        if set_spec is not None and self.store.get_collection(set_spec) is None:
            raise error.NoRecordsMatchError(f"no set {set_spec!r}")
        page: list[StoredRecord] = []
        if from_ is None and until is None:
            # The common full harvest: page through the id-ordered summary rows
            # (no JSON parsing) and read only this page's records.
            rows = self.store.list_records(limit=size, offset=cursor, collection=set_spec)
            found = (self.store.get(str(row["id"])) for row in rows)
            page = [stored for stored in found if stored is not None]
        else:
            for index, stored in enumerate(self._matching(set_spec, from_, until)):
                if index < cursor:
                    continue
                page.append(stored)
                if len(page) >= size:
                    break
        if not page and cursor == 0:
            raise error.NoRecordsMatchError("no records match the request")
        return page

    def _header(self, stored: StoredRecord) -> Any:
        record = stored.record
        sets = [record.collection] if record.collection else []
        return common.Header(None, oai_identifier(record.id), datestamp(stored), sets, False)

    def _record(self, stored: StoredRecord) -> tuple[Any, Any, None]:
        record = stored.record
        title = self._titles().get(record.collection or "")
        fields = dublin_core(record, self.page_url(record.id), title)
        return self._header(stored), common.Metadata(None, fields), None

    def _titles(self) -> dict[str, str]:
        if self._collection_titles is None:
            self._collection_titles = {c.id: c.title for c in self.store.iter_collections()}
        return self._collection_titles


async def _handle(request: Request) -> Response:
    arguments: dict[str, str] = dict(request.query_params.items())
    if request.method == "POST":
        form = await request.form()
        arguments.update({key: str(value) for key, value in form.items()})
    state = request.app.state
    store = library(request).store

    def earliest() -> datetime:
        # Cached: a record changing later only moves the true minimum forward,
        # so the first answer stays a valid lower bound.
        if getattr(state, "oai_earliest", None) is None:
            state.oai_earliest = earliest_datestamp(store)
        found: datetime = state.oai_earliest
        return found

    oai = ArchiveOAI(
        store,
        str(request.url_for("oai")),
        lambda record_id: document_url(request, record_id),
        earliest,
    )
    endpoint = server.BatchingServer(
        oai, metadata_registry=_registry(), resumption_batch_size=state.oai_batch
    )
    xml: bytes = await run_in_threadpool(endpoint.handleRequest, arguments)
    return Response(xml, media_type="text/xml; charset=utf-8")


@router.get("/oai", name="oai")
async def oai_get(request: Request) -> Response:
    return await _handle(request)


@router.post("/oai")
async def oai_post(request: Request) -> Response:
    return await _handle(request)
