"""OAI-PMH: harvests with the ``oaipmh`` client over HTTP on loopback, through
resumption tokens (also while records are added and deleted), sets per
collection and repository, the native ``opis`` format, deleted records, and the
protocol's errors."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode
from urllib.request import urlopen

import pytest
import uvicorn
from lxml import etree
from oaipmh import error, metadata  # type: ignore[import-untyped]
from oaipmh.client import Client  # type: ignore[import-untyped]

from opis.archive import open_archive
from opis.ingest import ingest
from opis.web import create_app
from tests.web.conftest import DFAT, DFAT_DIR, FRUS, SEED, SEED_ID, Site

OAI = {"oai": "http://www.openarchives.org/OAI/2.0/", "opis": "urn:opis:record:1"}


def serve(home: Path, batch: int) -> Iterator[str]:
    """The app on a free loopback port, in a thread, for as long as the generator lives."""
    app = create_app(home, search=False, oai_batch=batch)
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


@pytest.fixture(scope="module")
def base_url(site: Site) -> Iterator[str]:
    yield from serve(site.home, 10)


def opis_reader(element: etree._Element) -> dict[str, object]:
    """The native format read back: the record JSON inside <opis:record>."""
    text = element.xpath("string(opis:record/opis:json)", namespaces=OAI)
    return {
        "json": json.loads(text),
        "id": element.xpath("string(opis:record/@id)", namespaces=OAI),
    }


def client(base_url: str, *, get: bool = False) -> Client:
    registry = metadata.MetadataRegistry()
    registry.registerReader("oai_dc", metadata.oai_dc_reader)
    registry.registerReader("opis", opis_reader)
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
    assert identify.deletedRecord() == "persistent"


def test_harvest_every_record_through_resumption_tokens(site: Site, base_url: str) -> None:
    first = raw(base_url, verb="ListRecords", metadataPrefix="oai_dc")
    assert len(first.xpath("//oai:record", namespaces=OAI)) == 10
    token = first.xpath("string(//oai:resumptionToken)", namespaces=OAI)
    assert token
    records = list(client(base_url).listRecords(metadataPrefix="oai_dc"))
    ids = [header.identifier() for header, _, _ in records]
    assert sorted(ids) == ["oai:opis:" + record_id for record_id in store_ids(site)]
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
    oai = client(base_url, get=True)
    headers = list(oai.listIdentifiers(metadataPrefix="oai_dc", set="collection:dfat-v11"))
    assert sorted(h.identifier() for h in headers) == [
        "oai:opis:dfat-v11-1",
        "oai:opis:dfat-v11-100",
    ]
    assert all(h.setSpec() == ["collection:dfat-v11", "repository:NAA"] for h in headers)
    sets = {spec: name for spec, name, _ in client(base_url).listSets()}
    assert sets["collection:frus1917-72PubDip"].startswith("Foreign Relations of the United States")
    assert sets["repository:RGASPI"] == "RGASPI"
    assert {"collection", "repository", "repository:NAA"} <= set(sets)


def test_sets_per_repository_and_parent_sets(site: Site, base_url: str) -> None:
    oai = client(base_url)
    rgaspi = [
        h.identifier()
        for h in oai.listIdentifiers(metadataPrefix="oai_dc", set="repository:RGASPI")
    ]
    assert sorted(rgaspi) == sorted(["oai:opis:" + SEED_ID, "oai:opis:" + site.xss_id])
    in_any_collection = list(oai.listIdentifiers(metadataPrefix="oai_dc", set="collection"))
    frus = [h for h in in_any_collection if h.identifier().startswith("oai:opis:frus")]
    assert len(frus) == 44 and len(in_any_collection) == 46  # FRUS and DFAT; Wilson has none
    with_repository = list(oai.listIdentifiers(metadataPrefix="oai_dc", set="repository"))
    assert all(any(s.startswith("repository:") for s in h.setSpec()) for h in with_repository)
    assert {h.identifier() for h in with_repository} >= set(rgaspi)


def test_native_opis_format_is_the_record_json_and_validates(site: Site, base_url: str) -> None:
    formats = {
        prefix: (schema, ns) for prefix, schema, ns in client(base_url).listMetadataFormats()
    }
    assert set(formats) == {"oai_dc", "opis"}
    schema_url, namespace = formats["opis"]
    assert namespace == "urn:opis:record:1"
    with urlopen(schema_url, timeout=20) as response:
        schema = etree.XMLSchema(etree.fromstring(response.read()))
    page = raw(base_url, verb="GetRecord", metadataPrefix="opis", identifier="oai:opis:" + SEED_ID)
    (native,) = page.xpath("//oai:metadata/opis:record", namespaces=OAI)
    schema.assertValid(native)
    archive = open_archive(site.home)
    stored = archive.store.get(SEED_ID)
    archive.close()
    assert stored is not None
    assert json.loads(native.xpath("string(opis:json)", namespaces=OAI)) == stored.record.to_json()
    harvested = list(client(base_url).listRecords(metadataPrefix="opis", set="repository:RGASPI"))
    by_id = {meta["id"]: meta["json"] for _, meta, _ in harvested}
    assert by_id[SEED_ID]["title"] == "Incoming Cable No. 16, Malik to Cde. Stalin"
    assert by_id[site.xss_id]["title"].endswith('<img src=x onerror="alert(1)">')


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
    with pytest.raises(error.NoRecordsMatchError):
        list(oai.listRecords(metadataPrefix="oai_dc", set="collection:no-such-volume"))
    bad = raw(base_url, verb="Harvest")
    assert bad.xpath("string(//oai:error/@code)", namespaces=OAI) == "badVerb"
    token = raw(base_url, verb="ListRecords", resumptionToken="garbage")
    assert token.xpath("string(//oai:error/@code)", namespaces=OAI) in (
        "badResumptionToken",
        "badArgument",
    )


# -- an archive that changes during the harvest ------------------------------------


@pytest.fixture()
def changing(corpus: Path, tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A fresh archive of the seed, two DFAT documents and the FRUS volume, served."""
    home = tmp_path / "home"
    archive = open_archive(home)
    assert not ingest(archive.store, [corpus / SEED], fmt="webpage-text").failed
    assert not ingest(archive.store, [corpus / p for p in DFAT] + [corpus / FRUS]).failed
    archive.close()
    yield from ((home, url) for url in serve(home, 7))


def other_dfat(corpus: Path, n: int) -> list[Path]:
    """``n`` DFAT documents of the same volume not in the starting archive."""
    taken = {corpus / p for p in DFAT}
    found = sorted(p for p in (corpus / DFAT_DIR).glob("*.md") if p not in taken)
    return found[:n]


def test_full_harvest_while_records_are_added_and_deleted(
    corpus: Path, changing: tuple[Path, str]
) -> None:
    home, url = changing
    before = set(store_ids_at(home))
    oai = client(url)
    harvest = oai.listIdentifiers(metadataPrefix="oai_dc")
    seen = [next(harvest) for _ in range(14)]  # two whole pages of seven; the third is unread
    served = {h.identifier()[len("oai:opis:") :] for h in seen}
    ahead = sorted(before - served)
    archive = open_archive(home)
    assert archive.store.delete(ahead[0]) and archive.store.delete(ahead[-1])
    early = sorted(served)[0]
    assert archive.store.delete(early)  # already harvested, then deleted
    report = ingest(archive.store, other_dfat(corpus, 3))
    assert not report.failed and report.created == 3, report
    after = set(archive.store.ids())
    archive.close()
    seen += list(harvest)
    live = [h.identifier()[len("oai:opis:") :] for h in seen if not h.isDeleted()]
    gone = [h.identifier()[len("oai:opis:") :] for h in seen if h.isDeleted()]
    assert len(live) == len(set(live))  # nothing served twice
    assert set(live) == after | {early}  # every record, the three new ones too
    assert sorted(gone) == sorted([ahead[0], ahead[-1], early])
    assert len(after) == len(before) - 3 + 3


def test_deleted_records_persist_and_selective_harvest_by_datestamp(
    corpus: Path, changing: tuple[Path, str]
) -> None:
    home, url = changing
    oai = client(url)
    everything = list(oai.listIdentifiers(metadataPrefix="oai_dc"))
    last_run = max(h.datestamp() for h in everything) + timedelta(seconds=1)
    time.sleep(1.2)  # datestamps have seconds granularity
    archive = open_archive(home)
    assert archive.store.delete("dfat-v11-1")
    assert not archive.store.delete("dfat-v11-1")  # already gone
    assert not archive.store.delete("no-such-record")
    assert not ingest(archive.store, other_dfat(corpus, 1)).failed
    archive.close()
    changed = list(oai.listIdentifiers(metadataPrefix="oai_dc", from_=last_run))
    assert len(changed) == 2
    deleted = [h for h in changed if h.isDeleted()]
    assert [h.identifier() for h in deleted] == ["oai:opis:dfat-v11-1"]
    assert deleted[0].setSpec() == ["collection:dfat-v11", "repository:NAA"]
    header, meta, _ = oai.getRecord(metadataPrefix="oai_dc", identifier="oai:opis:dfat-v11-1")
    assert header.isDeleted() and meta is None
    in_set = list(oai.listRecords(metadataPrefix="opis", set="collection:dfat-v11"))
    states = {h.identifier(): h.isDeleted() for h, _, _ in in_set}
    assert states["oai:opis:dfat-v11-1"] is True and states["oai:opis:dfat-v11-100"] is False
    page = raw(url, verb="ListRecords", metadataPrefix="oai_dc", set="collection:dfat-v11")
    (tomb,) = page.xpath('//oai:header[@status="deleted"]/..', namespaces=OAI)
    assert not tomb.xpath("oai:metadata", namespaces=OAI)
    assert len(list(oai.listIdentifiers(metadataPrefix="oai_dc"))) == len(everything) + 1


def test_a_deleted_record_can_come_back_with_its_history(
    corpus: Path, changing: tuple[Path, str]
) -> None:
    home, url = changing
    archive = open_archive(home)
    assert archive.store.delete("dfat-v11-100")
    assert archive.store.get("dfat-v11-100") is None
    assert not ingest(archive.store, [corpus / DFAT[1]], force=True).failed
    back = archive.store.get("dfat-v11-100")
    versions = [v.version for v in archive.store.history("dfat-v11-100")]
    archive.close()
    assert back is not None and back.version == 2
    assert versions == [1, 2]
    header, _, _ = client(url).getRecord(
        metadataPrefix="oai_dc", identifier="oai:opis:dfat-v11-100"
    )
    assert not header.isDeleted()


def store_ids_at(home: Path) -> list[str]:
    archive = open_archive(home)
    ids = archive.store.ids()
    archive.close()
    return ids
