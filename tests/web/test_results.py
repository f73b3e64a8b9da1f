"""A whole search result: streamed export (JSON Lines, CSV, citations), its timeline
and its correspondence network, as API and as pages, with their errors."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from lxml import html

from opis.archive import open_archive
from opis.export.results import CSV_COLUMNS
from opis.ingest import ingest
from opis.model import Record
from opis.web import create_app
from tests.web.conftest import DFAT, SEED_ID, Site


def search_ids(site: Site, q: str) -> list[str]:
    found = site.client.get("/api/search", params={"q": q, "limit": 100}).json()
    assert found["total"] == len(found["hits"]), "the query must fit one page"
    return [hit["id"] for hit in found["hits"]]


def stored_records(site: Site) -> list[Record]:
    archive = open_archive(site.home)
    records = [stored.record for stored in archive.store.iter_records()]
    archive.close()
    return records


def test_export_without_a_query_streams_every_record_as_json_lines(site: Site) -> None:
    with site.client.stream("GET", "/api/export", params={"format": "jsonl"}) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("application/x-ndjson")
        assert "opis-export.jsonl" in response.headers["content-disposition"]
        lines = [line for line in response.iter_lines() if line]
    records = stored_records(site)
    assert len(lines) == len(records) == 48
    assert [json.loads(line) for line in lines] == [r.to_json() for r in records]


def test_csv_export_of_a_query_has_a_row_per_hit(site: Site) -> None:
    expected = search_ids(site, "Ballard")
    assert len(expected) >= 2
    response = site.client.get("/api/export", params={"q": "Ballard", "format": "csv"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.text)))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert [row[0] for row in rows[1:]] == expected  # best first, as the search ranks them


def test_csv_row_of_the_seed_carries_the_archival_citation(site: Site) -> None:
    response = site.client.get("/api/export", params={"q": "Malik", "format": "csv"})
    rows = {row["id"]: row for row in csv.DictReader(io.StringIO(response.text))}
    seed = rows[SEED_ID]
    note = site.client.get(f"/api/documents/{SEED_ID}/citation").text
    assert seed["citation"] == note
    assert seed["repository"] == "RGASPI"
    assert seed["archival_citation"] == "RGASPI, f. 558, op. 11, d. 106, ll. 0052-0053."
    assert seed["from"] == "Malik" and seed["to"] == "Stalin"
    assert seed["translators"] == "Angela Greenfield"
    assert seed["date"] == "1947-09-12"
    assert seed["url"] == f"http://testserver/documents/{SEED_ID}"


def test_facet_filters_narrow_the_export(site: Site) -> None:
    everything = site.client.get("/api/export", params={"format": "csv"}).text
    only = site.client.get("/api/export", params={"format": "csv", "collection": "dfat-v11"})
    rows = list(csv.DictReader(io.StringIO(only.text)))
    assert sorted(row["id"] for row in rows) == ["dfat-v11-1", "dfat-v11-100"]
    assert len(list(csv.DictReader(io.StringIO(everything)))) == 48


@pytest.mark.parametrize(
    ("fmt", "count_of"),
    [
        ("bibtex", lambda text: text.count("\n@")),
        ("ris", lambda text: text.count("TY  - ")),
        ("chicago", lambda text: len(text.splitlines())),
        ("mla", lambda text: len(text.splitlines())),
        ("csl-json", lambda text: len(json.loads(text))),
    ],
)
def test_citations_of_a_whole_result(site: Site, fmt: str, count_of: object) -> None:
    ids = search_ids(site, "Ballard OR Malik")
    response = site.client.get("/api/export", params={"q": "Ballard OR Malik", "format": fmt})
    assert response.status_code == 200
    text = response.text
    assert callable(count_of)
    assert count_of("\n" + text if fmt == "bibtex" else text) == len(ids)
    one = "chicago-bibliography" if fmt == "chicago" else fmt
    seed = site.client.get(f"/api/documents/{SEED_ID}/citation", params={"format": one}).text
    if fmt == "csl-json":
        assert json.loads(seed)[0] in json.loads(text)
        assert [item["id"] for item in json.loads(text)] == ids
    else:
        assert seed.strip() in text


@pytest.mark.parametrize(
    ("url", "fragment"),
    [
        ("/api/export?format=pdf", "unknown export format 'pdf'"),
        ("/api/export?q=%22unclosed&format=csv", "unbalanced quote"),
        ("/api/export?q=date:xyz", "bad date 'xyz'"),
        ("/api/search/timeline?q=Ballard&by=week", "unknown period 'week'"),
        ("/api/search/timeline?q=%22unclosed", "unbalanced quote"),
        ("/api/search/network?q=Ballard&top=0", "top"),
        ("/api/search/network?q=Ballard&top=101", "top"),
        ("/api/search/network?q=date:xyz", "bad date 'xyz'"),
    ],
)
def test_bad_parameters_are_json_400(site: Site, url: str, fragment: str) -> None:
    response = site.client.get(url)
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/json"
    assert set(response.json()) == {"error"}
    assert fragment in response.json()["error"]


def test_timeline_counts_by_year_and_by_month(site: Site) -> None:
    years = site.client.get("/api/search/timeline").json()
    records = stored_records(site)
    assert years["total"] == len(records) and years["by"] == "year"
    counted = Counter(r.date_start[:4] for r in records if r.date_start)
    assert {b["key"]: b["count"] for b in years["bins"] if b["count"]} == dict(counted)
    keys = [int(b["key"]) for b in years["bins"]]
    assert keys == list(range(keys[0], keys[-1] + 1))  # no holes in the axis
    assert years["dated"] == sum(counted.values())

    months = site.client.get("/api/search/timeline", params={"q": "Malik", "by": "month"}).json()
    filled = {b["key"]: b["count"] for b in months["bins"] if b["count"]}
    september = search_ids(site, "Malik date:1947-09")
    assert filled["1947-09"] == len(september) >= 2  # the seed and its hostile copy
    assert months["bins"][0]["label"].endswith(months["bins"][0]["key"][:4])


def test_network_counts_who_wrote_to_whom(site: Site) -> None:
    body = site.client.get("/api/search/network", params={"top": 100}).json()
    pairs: Counter[tuple[str, str]] = Counter()
    for record in stored_records(site):
        for sender in dict.fromkeys(p.name for p in record.sender):
            for recipient in dict.fromkeys(p.name for p in record.to):
                if sender != recipient:
                    pairs[(sender, recipient)] += 1
    assert {(e["from"], e["to"]): e["count"] for e in body["edges"]} == dict(pairs)
    counts = [e["count"] for e in body["edges"]]
    assert counts == sorted(counts, reverse=True)
    people = {p["name"]: p for p in body["people"]}
    assert people["Malik"]["sent"] == sum(n for (s, _), n in pairs.items() if s == "Malik")
    top = site.client.get("/api/search/network", params={"top": 2}).json()
    assert [p["name"] for p in top["people"]] == [p["name"] for p in body["people"][:2]]
    assert all(e["from"] in people and e["to"] in people for e in top["edges"])


def test_overviews_are_in_the_openapi_document(site: Site) -> None:
    paths = site.client.get("/openapi.json").json()["paths"]
    for path in ("/api/export", "/api/search/timeline", "/api/search/network"):
        assert "400" in paths[path]["get"]["responses"], path


def test_search_page_links_to_exports_timeline_and_network(site: Site) -> None:
    page = html.fromstring(site.client.get("/search", params={"q": "Ballard"}).text)
    tools = page.cssselect("nav.result-tools")[0]
    links = {a.text_content(): a.get("href") for a in tools.cssselect("a")}
    assert {"CSV", "JSON Lines", "BibTeX", "RIS", "CSL-JSON", "Chicago"} <= set(links)
    assert links["CSV"] == "/api/export?q=Ballard&format=csv"
    for label in ("CSV", "Timeline", "Correspondence network"):
        assert site.client.get(links[label]).status_code == 200, label


def test_timeline_page_draws_bars_with_a_table(site: Site) -> None:
    response = site.client.get("/search/timeline", params={"q": "Ballard OR Malik"})
    assert response.status_code == 200
    page = html.fromstring(response.text)
    svg = page.cssselect("svg.bars")[0]
    assert svg.get("role") == "img" and svg.cssselect("title")
    timeline = site.client.get("/api/search/timeline", params={"q": "Ballard OR Malik"}).json()
    filled = [b for b in timeline["bins"] if b["count"]]
    assert len(svg.cssselect("rect")) == len(filled)
    cells = [row.cssselect("td") for row in page.cssselect(".chart-table tbody tr")]
    assert [(c[0].text_content(), int(c[1].text_content())) for c in cells] == [
        (b["label"], b["count"]) for b in filled
    ]
    first = cells[0][0].cssselect("a")[0].get("href")
    assert site.client.get(first).status_code == 200


def test_network_page_draws_the_graph_and_its_table(site: Site) -> None:
    response = site.client.get("/search/network")
    assert response.status_code == 200
    page = html.fromstring(response.text)
    body = site.client.get("/api/search/network").json()
    assert len(page.cssselect("svg.graph circle")) == len(body["people"])
    assert len(page.cssselect("svg.graph line.letters")) == len(body["edges"])
    rows = page.cssselect(".tables table")[0].cssselect("tbody tr")
    assert len(rows) == len(body["edges"])


def test_overview_pages_escape_the_query_and_explain_errors(site: Site) -> None:
    hostile = '"<script>alert(1)</script>'
    for path in ("/search/timeline", "/search/network"):
        response = site.client.get(path, params={"q": hostile})
        assert response.status_code == 400
        assert "<script>alert(1)" not in response.text
        assert "&lt;script&gt;" in response.text
        assert html.fromstring(response.text).cssselect("p.error")
    bad = site.client.get("/search/timeline", params={"q": "Ballard", "by": "week"})
    assert bad.status_code == 400 and "unknown period" in bad.text


def test_cached_answers_follow_the_index_when_a_record_is_deleted(
    corpus: Path, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    archive = open_archive(home)
    assert not ingest(archive.store, [corpus / p for p in DFAT]).failed
    archive.search_index().close()  # as `opis ingest` leaves it
    archive.close()
    with TestClient(create_app(home)) as client:
        before = client.get("/search", params={"q": "Ballard"})
        assert "dfat-v11-100" in before.text
        assert client.get("/search", params={"q": "Ballard"}).text == before.text  # cached
        counted = client.get("/api/search/timeline", params={"q": "Ballard"}).json()["total"]
        archive = open_archive(home)
        assert archive.store.delete("dfat-v11-100")
        archive.search_index().close()  # what `opis delete` does after the store
        archive.close()
        after = client.get("/search", params={"q": "Ballard"})
        assert "dfat-v11-100" not in after.text and "/documents/dfat-v11-1?q=Ballard" in after.text
        timeline = client.get("/api/search/timeline", params={"q": "Ballard"}).json()
        assert timeline["total"] == counted - 1
        exported = client.get("/api/export", params={"q": "Ballard", "format": "jsonl"})
        assert [json.loads(line)["id"] for line in exported.text.splitlines()] == ["dfat-v11-1"]


def test_graph_and_chart_layouts_are_deterministic_and_inside_the_picture(site: Site) -> None:
    from opis.web import view

    body = site.client.get("/api/search/network", params={"top": 100}).json()
    people = [(p["name"], p["sent"] + p["received"]) for p in body["people"]]
    edges = [(e["from"], e["to"], e["count"]) for e in body["edges"]]
    graph = view.circle_graph(people, edges)
    assert graph == view.circle_graph(people, edges)
    assert [n.name for n in graph.nodes] == [name for name, _ in people]
    for node in graph.nodes:
        assert node.r <= node.x <= graph.size - node.r and node.r <= node.y <= graph.size - node.r
    assert len(graph.lines) == len(edges)
    timeline = site.client.get("/api/search/timeline").json()
    chart = view.bar_chart([(b["key"], b["label"], b["count"]) for b in timeline["bins"]])
    tallest = max(chart.bars, key=lambda bar: bar.height)
    assert tallest.count == chart.peak and tallest.y >= 0
    assert all(bar.x >= 0 and bar.x + bar.width <= chart.width for bar in chart.bars)
    assert all(bar.y + bar.height == pytest.approx(chart.baseline) for bar in chart.bars)
