"""OAI-PMH: a harvest with the ``oaipmh`` client over HTTP on loopback, through
resumption tokens, and the protocol's errors."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode
from urllib.request import urlopen

import pytest
import uvicorn
from lxml import etree
from oaipmh import error, metadata  # type: ignore[import-untyped]
from oaipmh.client import Client  # type: ignore[import-untyped]

from opis.archive import open_archive
from opis.web import create_app
from tests.web.conftest import SEED_ID, Site

OAI = {"oai": "http://www.openarchives.org/OAI/2.0/"}


@pytest.fixture(scope="module")
def base_url(site: Site) -> Iterator[str]:
    app = create_app(site.home, search=False, oai_batch=10)
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}/oai"
    server.should_exit = True
    thread.join(timeout=20)


def client(base_url: str, *, get: bool = False) -> Client:
    registry = metadata.MetadataRegistry()
    registry.registerReader("oai_dc", metadata.oai_dc_reader)
    return Client(base_url, registry, force_http_get=get)


def raw(base_url: str, **arguments: str) -> etree._Element:
    with urlopen(f"{base_url}?{urlencode(arguments)}", timeout=20) as response:
        assert response.headers["content-type"].startswith("text/xml")
        return etree.fromstring(response.read())


def store_ids(site: Site) -> list[str]:
    archive = open_archive(site.home)
    ids = archive.store.ids()
    archive.close()
    return ids


def test_identify(base_url: str) -> None:
    identify = client(base_url).identify()
    assert identify.repositoryName() == "opis"
    assert identify.baseURL() == base_url
    assert identify.protocolVersion() == "2.0"
    assert identify.granularity() == "YYYY-MM-DDThh:mm:ssZ"
    assert identify.earliestDatestamp() <= datetime.now(UTC).replace(tzinfo=None)


def test_harvest_every_record_through_resumption_tokens(site: Site, base_url: str) -> None:
    first = raw(base_url, verb="ListRecords", metadataPrefix="oai_dc")
    assert len(first.xpath("//oai:record", namespaces=OAI)) == 10
    token = first.xpath("string(//oai:resumptionToken)", namespaces=OAI)
    assert token
    records = list(client(base_url).listRecords(metadataPrefix="oai_dc"))
    ids = [header.identifier() for header, _, _ in records]
    assert ids == ["oai:opis:" + record_id for record_id in store_ids(site)]
    assert len(ids) == 48  # five pages of ten
    by_id = {header.identifier(): meta for header, meta, _ in records}
    seed = by_id["oai:opis:" + SEED_ID]
    assert seed.getField("title") == ["Incoming Cable No. 16, Malik to Cde. Stalin"]
    assert seed.getField("creator") == ["Malik"]
    assert seed.getField("date") == ["1947-09-12"]
    assert seed.getField("source") == ["RGASPI, f. 558, op. 11, d. 106, ll. 0052-0053."]
    assert "Angela Greenfield (translator)" in seed.getField("contributor")
    dfat = by_id["oai:opis:dfat-v11-1"]
    assert any("CC BY" in text for text in dfat.getField("rights"))


def test_identifiers_by_set_with_get_requests(base_url: str) -> None:
    headers = list(
        client(base_url, get=True).listIdentifiers(metadataPrefix="oai_dc", set="dfat-v11")
    )
    assert [h.identifier() for h in headers] == ["oai:opis:dfat-v11-1", "oai:opis:dfat-v11-100"]
    assert all(h.setSpec() == ["dfat-v11"] for h in headers)
    sets = {spec: name for spec, name, _ in client(base_url).listSets()}
    assert sets["frus1917-72PubDip"].startswith("Foreign Relations of the United States")


def test_get_record_and_date_ranges(base_url: str) -> None:
    oai = client(base_url)
    header, meta, _ = oai.getRecord(metadataPrefix="oai_dc", identifier="oai:opis:" + SEED_ID)
    assert header.identifier() == "oai:opis:" + SEED_ID
    assert meta.getField("identifier")[0].endswith("/documents/" + SEED_ID)
    stamp = header.datestamp()
    window = list(oai.listIdentifiers(metadataPrefix="oai_dc", from_=stamp - timedelta(days=1)))
    assert len(window) == 48
    with pytest.raises(error.NoRecordsMatchError):
        list(oai.listIdentifiers(metadataPrefix="oai_dc", from_=stamp + timedelta(days=1)))
    with pytest.raises(error.NoRecordsMatchError):
        list(oai.listIdentifiers(metadataPrefix="oai_dc", until=stamp - timedelta(days=1)))


def test_protocol_errors(base_url: str) -> None:
    oai = client(base_url)
    with pytest.raises(error.IdDoesNotExistError):
        oai.getRecord(metadataPrefix="oai_dc", identifier="oai:opis:nothing")
    with pytest.raises(error.CannotDisseminateFormatError):
        oai.getRecord(metadataPrefix="marc21", identifier="oai:opis:" + SEED_ID)
    with pytest.raises(error.NoRecordsMatchError):
        list(oai.listRecords(metadataPrefix="oai_dc", set="no-such-set"))
    bad = raw(base_url, verb="Harvest")
    assert bad.xpath("string(//oai:error/@code)", namespaces=OAI) == "badVerb"
    token = raw(base_url, verb="ListRecords", resumptionToken="garbage")
    assert token.xpath("string(//oai:error/@code)", namespaces=OAI) in (
        "badResumptionToken",
        "badArgument",
    )
