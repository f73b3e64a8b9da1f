"""OAI-PMH 2.0 at /oai: every record as ``oai_dc`` or as its own JSON (``opis``).

The protocol's envelope, argument checks and errors are the ``oaipmh`` package's
``ServerBase``; this module answers its questions from the store and makes its
own resumption tokens.

- Datestamps are the store's ``updated_at`` (seconds granularity, UTC); a deleted
  record keeps a tombstone whose datestamp is its deletion (``deletedRecord`` is
  ``persistent``), so a harvester asking ``from`` its last run also learns what
  went away.
- Sets: ``collection:<id>`` for each collection (volume, fond) and
  ``repository:<name>`` for each archive a record's citation names (RGASPI, NARA,
  NAA...); ``collection`` and ``repository`` alone are their parents.
- Lists are served in (datestamp, id) order and a resumption token holds the last
  (datestamp, id) served: a record added, changed or deleted during a harvest gets
  a later datestamp, so it comes after everything already served and no page
  shifts. A full harvest streams a page at a time.
- The native ``opis`` format is the record JSON (``Record.to_json()``, see
  docs/record.md) in ``<opis:json>`` inside ``<opis:record>``, namespace
  ``urn:opis:record:1``, schema served at /oai/opis-record.xsd.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from lxml.etree import SubElement
from oaipmh import common, error, metadata, server  # type: ignore[import-untyped]

from opis.model import Record
from opis.store.base import StoredRecord
from opis.store.sql import Change, SqlStore
from opis.web.api import document_url, library

BATCH_SIZE = 100
"""Records per response; a resumption token carries the harvest on."""

OAI_DC = (
    "oai_dc",
    "http://www.openarchives.org/OAI/2.0/oai_dc.xsd",
    "http://www.openarchives.org/OAI/2.0/oai_dc/",
)
OPIS_PREFIX = "opis"
OPIS_NS = "urn:opis:record:1"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
OPIS_XSD = """<?xml version="1.0" encoding="UTF-8"?>
<!-- The opis OAI-PMH metadata format: one record as its JSON (docs/record.md). -->
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"
           xmlns="urn:opis:record:1" targetNamespace="urn:opis:record:1"
           elementFormDefault="qualified">
  <xs:element name="record">
    <xs:complexType>
      <xs:sequence>
        <xs:element name="json">
          <xs:annotation><xs:documentation>Record.to_json() as JSON text.</xs:documentation>
          </xs:annotation>
          <xs:complexType>
            <xs:simpleContent>
              <xs:extension base="xs:string">
                <xs:attribute name="mediaType" type="xs:string" fixed="application/json"/>
              </xs:extension>
            </xs:simpleContent>
          </xs:complexType>
        </xs:element>
      </xs:sequence>
      <xs:attribute name="id" type="xs:string" use="required"/>
      <xs:attribute name="url" type="xs:anyURI"/>
    </xs:complexType>
  </xs:element>
</xs:schema>
"""
ID_PREFIX = "oai:opis:"
FOREIGN_TOKEN = "not a resumption token of this archive"
EPOCH = datetime(1970, 1, 1)
SET_PARENTS = {"collection": "Collections (volumes, fonds)", "repository": "Repositories"}
PARENTS = list(SET_PARENTS.items())
# Characters a setSpec part may hold (OAI-PMH 2.0 section 4.6: unreserved URI characters).
_SPEC_OUTSIDE = re.compile(r"[^A-Za-z0-9\-_.!~*'()]+")
# Characters XML 1.0 cannot carry; JSON escapes keep them in the record text.
_NOT_XML = re.compile("[\ufffe\uffff]")

router = APIRouter(include_in_schema=False)


def _registry() -> Any:
    registry = metadata.MetadataRegistry()
    registry.registerWriter("oai_dc", server.oai_dc_writer)
    registry.registerWriter(OPIS_PREFIX, opis_writer)
    return registry


def opis_writer(element: Any, meta: Any) -> None:
    """``<opis:record id url><opis:json>record JSON</opis:json></opis:record>``."""
    fields = meta.getMap()
    record = SubElement(element, f"{{{OPIS_NS}}}record", nsmap={"opis": OPIS_NS, "xsi": XSI_NS})
    record.set(f"{{{XSI_NS}}}schemaLocation", f"{OPIS_NS} {fields['schema']}")
    record.set("id", fields["id"])
    if fields.get("url"):
        record.set("url", fields["url"])
    text = SubElement(record, f"{{{OPIS_NS}}}json")
    text.set("mediaType", "application/json")
    text.text = _NOT_XML.sub(lambda m: f"\\u{ord(m.group()):04x}", fields["json"])


def oai_identifier(record_id: str) -> str:
    return ID_PREFIX + record_id


def set_part(name: str) -> str:
    """A collection id or repository name as one setSpec part."""
    return _SPEC_OUTSIDE.sub("_", name.strip()) or "_"


def set_specs(collection: str | None, repository: str | None) -> list[str]:
    specs = []
    if collection:
        specs.append("collection:" + set_part(collection))
    if repository:
        specs.append("repository:" + set_part(repository))
    return specs


def stamp_datetime(stamp: str) -> datetime:
    """An ISO ``updated_at``/``deleted_at`` as the naive UTC datetime ``oaipmh`` expects."""
    when = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    return when.astimezone(UTC).replace(tzinfo=None, microsecond=0)


def datestamp(stored: StoredRecord) -> datetime:
    """The record's ``updated_at`` as the naive UTC datetime ``oaipmh`` expects."""
    return stamp_datetime(stored.updated_at)


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


_REPOSITORIES: dict[int, tuple[tuple[Any, ...], list[str]]] = {}


def repositories(store: SqlStore) -> list[str]:
    """``store.repositories()`` (a full scan), kept until the store changes."""
    mark = store.change_mark()
    cached = _REPOSITORIES.get(id(store))
    if cached is None or cached[0] != mark:
        cached = (mark, store.repositories())
        _REPOSITORIES[id(store)] = cached
    return cached[1]


def earliest_datestamp(store: SqlStore) -> datetime:
    """The oldest datestamp of any record or tombstone."""
    stamp = store.earliest_change()
    return stamp_datetime(stamp) if stamp else EPOCH


class ArchiveOAI:
    """The ``ResumptionOAIPMH`` interface of ``oaipmh`` over an opis store."""

    def __init__(
        self,
        store: SqlStore,
        base_url: str,
        page_url: Callable[[str], str],
        earliest: Callable[[], datetime] | None = None,
        *,
        batch_size: int = BATCH_SIZE,
        schema_url: str = "",
    ) -> None:
        self.store = store
        self.base_url = base_url
        self.page_url = page_url
        self.batch_size = batch_size
        self.schema_url = schema_url
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
            deletedRecord="persistent",
            granularity="YYYY-MM-DDThh:mm:ssZ",
            compression=["identity"],
        )

    def listMetadataFormats(self, identifier: str | None = None) -> list[tuple[str, str, str]]:
        if identifier is not None:
            self._change(identifier)
        return [OAI_DC, (OPIS_PREFIX, self.schema_url, OPIS_NS)]

    def listSets(self, resumptionToken: str | None = None) -> tuple[list[Any], None]:
        if resumptionToken is not None:
            raise error.BadResumptionTokenError("ListSets is answered in one response")
        titles = self._titles()
        sets: list[tuple[str, str, None]] = [
            (spec, name, None) for spec, name in SET_PARENTS.items()
        ]
        sets += [("collection:" + set_part(cid), title, None) for cid, title in titles.items()]
        sets += [("repository:" + set_part(name), name, None) for name in repositories(self.store)]
        return list(dict((spec, (spec, name, d)) for spec, name, d in sets).values()), None

    def getRecord(self, metadataPrefix: str, identifier: str) -> tuple[Any, Any, None]:
        self._check_prefix(metadataPrefix)
        return self._record(self._change(identifier), metadataPrefix)

    def listIdentifiers(self, **arguments: Any) -> tuple[list[Any], str | None]:
        changes, token, _ = self._list(arguments, with_data=False)
        return [self._header(change) for change in changes], token

    def listRecords(self, **arguments: Any) -> tuple[list[Any], str | None]:
        changes, token, prefix = self._list(arguments, with_data=True)
        return [self._record(change, prefix) for change in changes], token

    # -- answers from the store --------------------------------------------------

    def _list(
        self, arguments: dict[str, Any], *, with_data: bool
    ) -> tuple[list[Change], str | None, str]:
        token = arguments.get("resumptionToken")
        after: tuple[str, str] | None = None
        served = 0
        if token is not None:
            arguments, served = server.decodeResumptionToken(token)
            try:
                after = (arguments.pop("after_stamp"), arguments.pop("after_id"))
            except KeyError:
                raise error.BadResumptionTokenError(
                    "not a resumption token of this archive"
                ) from None
            if "metadataPrefix" not in arguments:
                raise error.BadResumptionTokenError("not a resumption token of this archive")
        prefix = str(arguments["metadataPrefix"])
        self._check_prefix(prefix)
        set_spec = arguments.get("set")
        from_, until = arguments.get("from_"), arguments.get("until")
        collection, repositories = self._set_filter(set_spec)
        changes = self.store.changes(
            after=after,
            since=from_.strftime("%Y-%m-%dT%H:%M:%S") if from_ is not None else None,
            until=(until + timedelta(seconds=1)).strftime("%Y-%m-%dT%H:%M:%S")
            if until is not None
            else None,
            collection=collection,
            repositories=repositories,
            limit=self.batch_size + 1,
            with_data=with_data,
        )
        if not changes and token is None:
            raise error.NoRecordsMatchError("no records match the request")
        next_token = None
        if len(changes) > self.batch_size:
            changes = changes[: self.batch_size]
            last = changes[-1]
            kept = {"metadataPrefix": prefix, "after_stamp": last.stamp, "after_id": last.id}
            if set_spec is not None:
                kept["set"] = set_spec
            if from_ is not None:
                kept["from_"] = from_
            if until is not None:
                kept["until"] = until
            next_token = server.encodeResumptionToken(kept, served + len(changes))
        return changes, next_token, prefix

    def _set_filter(self, spec: str | None) -> tuple[str | None, list[str] | None]:
        """(collection, repositories) for ``store.changes`` from a setSpec."""
        if spec is None:
            return None, None
        kind, _, part = spec.partition(":")
        if kind == "collection" and not part:
            return "*", None
        if kind == "repository" and not part:
            return None, repositories(self.store)
        if kind == "collection":
            for cid in self._titles():
                if set_part(cid) == part:
                    return cid, None
        if kind == "repository":
            names = [n for n in repositories(self.store) if set_part(n) == part]
            if names:
                return None, names
        raise error.NoRecordsMatchError(f"no set {spec!r}")

    def _check_prefix(self, prefix: str) -> None:
        if prefix not in (OAI_DC[0], OPIS_PREFIX):
            raise error.CannotDisseminateFormatError(f"unknown metadata format {prefix!r}")

    def _change(self, identifier: str) -> Change:
        if identifier.startswith(ID_PREFIX):
            record_id = identifier[len(ID_PREFIX) :]
            stored = self.store.get(record_id)
            if stored is not None:
                record = stored.record
                citation = record.citation
                return Change(
                    record.id,
                    stored.updated_at,
                    record.collection,
                    citation.repository if citation else None,
                    False,
                    json.dumps(record.to_json(), ensure_ascii=False),
                )
            tombstone = self.store.deleted(record_id)
            if tombstone is not None:
                return tombstone
        raise error.IdDoesNotExistError(f"no record {identifier!r}")

    def _header(self, change: Change) -> Any:
        return common.Header(
            None,
            oai_identifier(change.id),
            stamp_datetime(change.stamp),
            set_specs(change.collection, change.repository),
            change.deleted,
        )

    def _record(self, change: Change, prefix: str) -> tuple[Any, Any, None]:
        header = self._header(change)
        if change.deleted:
            return header, None, None
        url = self.page_url(change.id)
        if prefix == OPIS_PREFIX:
            fields = {"id": change.id, "url": url, "json": change.data, "schema": self.schema_url}
            return header, common.Metadata(None, fields), None
        record = Record.model_validate_json(change.data)
        title = self._titles().get(record.collection or "")
        return header, common.Metadata(None, dublin_core(record, url, title)), None

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
    oai = ArchiveOAI(
        store,
        str(request.url_for("oai")),
        lambda record_id: document_url(request, record_id),
        lambda: earliest_datestamp(store),
        batch_size=state.oai_batch,
        schema_url=str(request.url_for("opis_record_xsd")),
    )
    endpoint = server.ServerBase(oai, metadata_registry=_registry())
    xml: bytes = await run_in_threadpool(endpoint.handleRequest, arguments)
    return Response(xml, media_type="text/xml; charset=utf-8")


@router.get("/oai", name="oai")
async def oai_get(request: Request) -> Response:
    return await _handle(request)


@router.post("/oai")
async def oai_post(request: Request) -> Response:
    return await _handle(request)


@router.get("/oai/opis-record.xsd", name="opis_record_xsd")
def opis_record_xsd() -> Response:
    return Response(OPIS_XSD, media_type="application/xml")
