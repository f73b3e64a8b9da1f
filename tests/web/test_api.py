"""The REST API on real records: JSON as Record.to_json(), conditional GET, sources,
citations, cursor pagination, and JSON errors with 4xx status codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from opis.archive import open_archive
from opis.export.citations import FORMATS, cite
from opis.ingest import ingest
from opis.web import create_app
from tests.web.conftest import DFAT, SEED, SEED_ID, Site


def test_document_is_the_record_json_with_validators(site: Site) -> None:
    response = site.client.get(f"/api/documents/{SEED_ID}")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    archive = open_archive(site.home)
    stored = archive.store.get(SEED_ID)
    archive.close()
    assert stored is not None
    assert response.json() == stored.record.to_json()
    assert response.json()["from"] == [
        {"name": "Malik", "role": None, "key": None, "authority_id": None}
    ]
    assert response.headers["etag"].startswith('"v1-')
    assert response.headers["last-modified"].endswith(" GMT")


def test_if_none_match_gives_304_and_a_stale_tag_gives_200(site: Site) -> None:
    first = site.client.get(f"/api/documents/{SEED_ID}")
    tag = first.headers["etag"]
    again = site.client.get(f"/api/documents/{SEED_ID}", headers={"If-None-Match": tag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == tag
    listed = site.client.get(
        f"/api/documents/{SEED_ID}", headers={"If-None-Match": f'"other", W/{tag}'}
    )
    assert listed.status_code == 304
    stale = site.client.get(f"/api/documents/{SEED_ID}", headers={"If-None-Match": '"v0-x"'})
    assert stale.status_code == 200
    since = site.client.get(
        f"/api/documents/{SEED_ID}", headers={"If-Modified-Since": first.headers["last-modified"]}
    )
    assert since.status_code == 304


def test_a_new_version_changes_the_etag(corpus: Path, tmp_path: Path) -> None:
    page = tmp_path / "page.txt"
    text = (corpus / SEED).read_text(encoding="utf-8")
    page.write_text(text, encoding="utf-8")
    home = tmp_path / "archive"
    archive = open_archive(home)
    ingest(archive.store, [page], fmt="webpage-text")
    with TestClient(create_app(home, search=False)) as client:
        old = client.get(f"/api/documents/{SEED_ID}").headers["etag"]
        page.write_text(
            text.replace("Awaiting your instructions.", "Awaiting your urgent instructions."),
            encoding="utf-8",
        )
        report = ingest(archive.store, [page], fmt="webpage-text")
        assert report.updated == 1
        response = client.get(f"/api/documents/{SEED_ID}", headers={"If-None-Match": old})
        assert response.status_code == 200
        assert response.headers["etag"].startswith('"v2-')
        assert "urgent instructions" in response.json()["body"]
    archive.close()


def test_source_is_the_exact_bytes_with_type_and_filename(site: Site) -> None:
    response = site.client.get(f"/api/documents/{SEED_ID}/source")
    assert response.status_code == 200
    assert response.content == (site.corpus / SEED).read_bytes()
    assert response.headers["content-type"].startswith("text/plain")
    disposition = response.headers["content-disposition"]
    assert disposition.startswith("attachment;")
    assert 'filename="000_d6b8fba0548ddb4f.txt"' in disposition


def test_a_frus_document_downloads_its_volume(site: Site) -> None:
    response = site.client.get("/api/documents/frus1917-72PubDip-d18/source")
    assert response.status_code == 200
    assert response.content == (site.corpus / "frus/volumes/frus1917-72PubDip.xml").read_bytes()
    assert "xml" in response.headers["content-type"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_citation_format(site: Site, fmt: str) -> None:
    response = site.client.get(f"/api/documents/{SEED_ID}/citation", params={"format": fmt})
    assert response.status_code == 200
    archive = open_archive(site.home)
    stored = archive.store.get(SEED_ID)
    archive.close()
    assert stored is not None
    page_url = f"http://testserver/documents/{SEED_ID}"
    assert response.text == cite(stored.record, fmt, url=page_url)
    expected_type = {
        "bibtex": "application/x-bibtex",
        "ris": "application/x-research-info-systems",
        "csl-json": "application/vnd.citationstyles.csl+json",
    }.get(fmt, "text/plain")
    assert response.headers["content-type"].split(";")[0] == expected_type


def test_citation_defaults_to_the_chicago_note(site: Site) -> None:
    response = site.client.get(f"/api/documents/{SEED_ID}/citation")
    assert response.text.startswith("Malik, “Incoming Cable No. 16, Malik to Cde. Stalin,”")
    csl = site.client.get(f"/api/documents/{SEED_ID}/citation", params={"format": "csl-json"})
    assert json.loads(csl.text)[0]["archive_location"] == "f. 558, op. 11, d. 106, ll. 52-53"


def test_listing_walks_every_document_through_cursors(site: Site) -> None:
    archive = open_archive(site.home)
    expected = archive.store.ids()
    archive.close()
    seen: list[str] = []
    url: str | None = "/api/documents?limit=7"
    pages = 0
    while url:
        response = site.client.get(url)
        assert response.status_code == 200
        body = response.json()
        assert len(body["items"]) <= 7
        seen += [item["id"] for item in body["items"]]
        url = body["next"]
        if url:
            assert response.headers["link"] == f'<{url}>; rel="next"'
            assert body["next_cursor"] in url
        pages += 1
    assert seen == expected
    assert pages == -(-len(expected) // 7)


def test_listing_by_collection(site: Site) -> None:
    body = site.client.get("/api/documents", params={"collection": "dfat-v11"}).json()
    assert [item["id"] for item in body["items"]] == ["dfat-v11-1", "dfat-v11-100"]
    assert body["next_cursor"] is None
    item = body["items"][0]
    assert item["title"] == "Ballard to Evatt"
    assert item["date_start"] == "1947-01-06"


@pytest.mark.parametrize(
    ("url", "status", "fragment"),
    [
        ("/api/documents/no-such-document", 404, "no document with id 'no-such-document'"),
        ("/api/documents/no-such-document/source", 404, "no document"),
        ("/api/documents/no-such-document/citation", 404, "no document"),
        (f"/api/documents/{SEED_ID}/citation?format=harvard", 400, "unknown citation format"),
        ("/api/documents?limit=0", 400, "limit"),
        ("/api/documents?limit=100000", 400, "limit"),
        ("/api/documents?limit=ten", 400, "limit"),
        ("/api/documents?cursor=%25%25not-base64", 400, "invalid cursor"),
        ("/api/documents?cursor=eyJ4IjoxfQ", 400, "invalid cursor"),
        ("/api/nothing-here", 404, "Not Found"),
        ("/api/search?q=", 400, "q is required"),
        ("/api/search?q=Stalin&limit=-1", 400, "limit"),
        ("/api/search?q=date:xyz", 400, "bad date 'xyz'"),
        ("/api/search?q=Stalin&sort=title", 400, "sort"),
        ("/api/search?q=Stalin&cursor=%25%25not-base64", 400, "invalid cursor"),
        ("/api/search?q=Stalin&cursor=eyJvIjoxLCJsIjoieCIsInEiOiJ5In0", 400, "another search"),
        ("/api/collections/no-such-volume", 404, "no collection with id 'no-such-volume'"),
    ],
)
def test_errors_are_json_with_4xx(site: Site, url: str, status: int, fragment: str) -> None:
    response = site.client.get(url)
    assert response.status_code == status
    assert response.headers["content-type"] == "application/json"
    assert set(response.json()) == {"error"}
    assert fragment in response.json()["error"]


def test_a_cursor_from_another_listing_is_refused(site: Site) -> None:
    first = site.client.get("/api/documents", params={"limit": 2}).json()
    response = site.client.get(
        "/api/documents", params={"cursor": first["next_cursor"], "collection": "dfat-v11"}
    )
    assert response.status_code == 400
    assert "another listing" in response.json()["error"]


def test_wrong_method_is_a_json_405(site: Site) -> None:
    response = site.client.post(f"/api/documents/{SEED_ID}")
    assert response.status_code == 405
    assert response.json() == {"error": "Method Not Allowed"}


def test_search_api_finds_the_seed(site: Site) -> None:
    response = site.client.get("/api/search", params={"q": "Shtykov", "facet": ["type"]})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"total", "hits", "facets", "next_cursor", "next"}
    assert SEED_ID in [hit["id"] for hit in body["hits"]]
    assert "<b>" in body["hits"][0]["snippet"]
    assert "type" in body["facets"]


def test_cursor_pages_stay_in_place_when_records_are_added(corpus: Path, tmp_path: Path) -> None:
    volume = corpus / "dfat" / "volumes"
    home = tmp_path / "archive"
    archive = open_archive(home)
    ingest(archive.store, [corpus / DFAT[0], corpus / DFAT[1]])
    with TestClient(create_app(home, search=False)) as client:
        first = client.get("/api/documents", params={"limit": 1}).json()
        assert [item["id"] for item in first["items"]] == ["dfat-v11-1"]
        # One record sorts before the page just read, one between it and the next.
        before = (
            volume
            / "volume-1-1937-38"
            / (
                "1-sir-george-pearce-minister-for-external-affairs-to-mr-j-a-lyons-prime-minister.md"
            )
        )
        between = (
            volume
            / "volume-11-1947-indonesia"
            / ("10-embassy-in-washington-to-department-of-external-affairs.md")
        )
        report = ingest(archive.store, [before, between])
        assert report.created == 2
        assert client.get("/api/documents").json()["items"][0]["id"] == "dfat-v1-1"
        ids = [item["id"] for item in first["items"]]
        url = first["next"]
        while url:
            page = client.get(url).json()
            ids += [item["id"] for item in page["items"]]
            url = page["next"]
    archive.close()
    assert ids == ["dfat-v11-1", "dfat-v11-10", "dfat-v11-100"]


def test_collections(site: Site) -> None:
    listed = {c["id"]: c for c in site.client.get("/api/collections").json()}
    assert listed["dfat-v11"] == {
        "id": "dfat-v11",
        "title": "Volume 11: Australia & Indonesia’s Independence, 1947",
        "kind": "dfat-volume",
        "documents": 2,
    }
    assert listed["frus1917-72PubDip"]["documents"] == 44
    volume = site.client.get("/api/collections/frus1917-72PubDip").json()
    assert volume["kind"] == "frus-volume"
    assert volume["metadata"]["editors"][0]["name"] == "Aaron W. Marrs"


def all_pages(client: TestClient, params: dict[str, str | int]) -> list[list[str]]:
    pages: list[list[str]] = []
    body = client.get("/api/search", params=params).json()
    while True:
        pages.append([hit["id"] for hit in body["hits"]])
        if body["next_cursor"] is None:
            assert body["next"] is None
            return pages
        assert f"cursor={body['next_cursor']}" in body["next"]
        body = client.get(body["next"]).json()


def test_search_pages_follow_cursors_to_the_end(site: Site) -> None:
    whole = site.client.get("/api/search", params={"q": "information", "limit": 100}).json()
    assert 20 < whole["total"] <= 100
    pages = all_pages(site.client, {"q": "information", "limit": 7})
    assert [len(p) for p in pages[:-1]] == [7] * (len(pages) - 1)
    assert [i for page in pages for i in page] == [hit["id"] for hit in whole["hits"]]
    first = site.client.get("/api/search", params={"q": "information", "limit": 7}).json()
    other = {"q": "information", "sort": "date", "cursor": first["next_cursor"]}
    refused = site.client.get("/api/search", params=other)
    assert refused.status_code == 400 and "another search" in refused.json()["error"]
    both = site.client.get(
        "/api/search", params={"q": "information", "cursor": first["next_cursor"], "offset": 7}
    )
    assert both.status_code == 400 and "not both" in both.json()["error"]


def test_a_search_cursor_stays_right_when_records_go_before_it(
    corpus: Path, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    archive = open_archive(home)
    volume = corpus / DFAT[0].parent
    paths = sorted(volume.glob("*.md"))[:40]
    assert not ingest(archive.store, paths, analyse=False).failed
    archive.search_index().close()
    archive.close()
    params: dict[str, str | int] = {"q": "Indonesia", "sort": "date", "limit": 5}
    with TestClient(create_app(home)) as client:
        before = [i for page in all_pages(client, params) for i in page]
        assert len(before) > 12
        first = client.get("/api/search", params=params).json()
        assert [hit["id"] for hit in first["hits"]] == before[:5]
        archive = open_archive(home)
        for gone in before[:2]:  # two hits of the page already served
            assert archive.store.delete(gone)
        archive.search_index().close()
        archive.close()
        second = client.get(first["next"]).json()
        # An offset would now skip two hits; the cursor goes on after the last one served.
        assert [hit["id"] for hit in second["hits"]] == before[5:10]
