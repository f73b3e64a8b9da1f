"""Result-set export and overviews as a library: real records, no web layer."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from opis import cli_reading
from opis.archive import Archive, open_archive
from opis.export import overview, results
from opis.export.citations import cite
from opis.ingest import ingest
from opis.search import QuerySyntaxError
from opis.search.base import SearchBackend
from tests.export.conftest import DFAT, FRUS, SEED, SEED_ID


@pytest.fixture(scope="module")
def indexed(archive: Archive) -> Iterator[SearchBackend]:
    backend = archive.search_index()
    yield backend
    backend.close()


def test_csv_cells_that_a_spreadsheet_would_run_are_quoted(archive: Archive) -> None:
    stored = archive.store.get(SEED_ID)
    assert stored is not None
    hostile = stored.record.model_copy(update={"title": '=HYPERLINK("http://x","click")'})
    text = "".join(results.iter_csv([type(stored)(hostile, 1, stored.updated_at)]))
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows[0]["title"] == "'" + hostile.title
    assert rows[0]["id"] == SEED_ID  # ordinary cells stay as they are


def test_result_ids_page_through_one_snapshot(indexed: SearchBackend) -> None:
    everything = list(results.result_ids(indexed, "", page=7))
    assert len(everything) == len(set(everything)) == 46
    ranked = [hit.id for hit in indexed.search("propaganda", limit=100).hits]
    assert list(results.result_ids(indexed, "propaganda", page=3)) == ranked


def test_write_export_counts_and_refuses_bad_input_before_writing(
    archive: Archive, indexed: SearchBackend
) -> None:
    out = io.StringIO()
    count = results.write_export(archive.store, indexed, out, query="Ballard", fmt="ris")
    assert count == indexed.search("Ballard").total >= 1
    assert out.getvalue().count("TY  - ") == count
    for fmt, query, error in (
        ("docx", "", results.ExportError),
        ("csv", '"unclosed', QuerySyntaxError),
    ):
        out = io.StringIO()
        with pytest.raises(error):
            results.write_export(archive.store, indexed, out, query=query, fmt=fmt)
        assert out.getvalue() == ""


def test_citations_of_records_match_one_by_one(archive: Archive) -> None:
    records = list(archive.store.iter_records())
    collections = results.CollectionCache(archive.store)
    text = "".join(results.iter_citations(records, "chicago", collection_of=collections))
    expected = [
        cite(s.record, "chicago-bibliography", collections(s.record)).strip() for s in records
    ]
    assert text.splitlines() == expected
    items = json.loads("".join(results.iter_citations(records, "csl-json")))
    assert [item["id"] for item in items] == [s.record.id for s in records]


def test_build_timeline_fills_the_gaps() -> None:
    timeline = overview.build_timeline({"1946-11": 2, "1947-02": 1}, "month", total=4)
    assert [(b.key, b.label, b.count) for b in timeline.bins] == [
        ("1946-11", "Nov 1946", 2),
        ("1946-12", "Dec 1946", 0),
        ("1947-01", "Jan 1947", 0),
        ("1947-02", "Feb 1947", 1),
    ]
    assert timeline.dated == 3 and timeline.total == 4
    assert overview.build_timeline({}, "year", total=2).bins == []
    with pytest.raises(overview.OverviewError):
        overview.build_timeline({}, "decade", total=0)


def test_build_network_keeps_the_top_people_deterministically() -> None:
    pairs = {("A", "B"): 3, ("B", "A"): 1, ("C", "A"): 1, ("D", "E"): 1, ("A", "A"): 9}
    network = overview.build_network(pairs, 3, total=6)
    assert [(p.name, p.sent, p.received) for p in network.people] == [
        ("A", 3, 2),
        ("B", 1, 3),
        ("C", 1, 0),
    ]
    assert [(e.sender, e.recipient, e.count) for e in network.edges] == [
        ("A", "B", 3),
        ("B", "A", 1),
        ("C", "A", 1),
    ]
    with pytest.raises(overview.OverviewError):
        overview.build_network(pairs, 0, total=6)


def test_overviews_from_the_index_agree_with_the_records(
    archive: Archive, indexed: SearchBackend
) -> None:
    records = [s.record for s in archive.store.iter_records()]
    timeline = overview.result_timeline(indexed, "")
    assert timeline.total == len(records)
    assert timeline.dated == sum(1 for r in records if r.date_start)
    dfat = overview.result_network(indexed, "", {"collection": ["dfat-v11"]})
    assert [(e.sender, e.recipient, e.count) for e in dfat.edges] == [("Ballard", "Evatt", 1)]
    assert dfat.total == 1


@pytest.fixture()
def small_home(corpus: Path, tmp_path: Path) -> Path:
    home = tmp_path / "home"
    archive = open_archive(home)
    assert not ingest(archive.store, [corpus / SEED], fmt="webpage-text").failed
    assert not ingest(archive.store, [corpus / DFAT, corpus / FRUS]).failed
    archive.search_index().close()
    archive.close()
    return home


def test_cli_delete_leaves_a_tombstone_and_updates_the_index(small_home: Path) -> None:
    app = typer.Typer()
    cli_reading.register(app)

    @app.command("noop")
    def noop() -> None:  # a second command keeps Typer from flattening the app
        pass

    runner = CliRunner()
    done = runner.invoke(app, ["delete", SEED_ID, "--home", str(small_home)])
    assert done.exit_code == 0, done.output
    assert f"deleted {SEED_ID}" in done.output
    again = runner.invoke(app, ["delete", SEED_ID, "--home", str(small_home)])
    assert again.exit_code == 1
    archive = open_archive(small_home)
    try:
        assert archive.store.get(SEED_ID) is None
        tombstone = archive.store.deleted(SEED_ID)
        assert tombstone is not None and tombstone.repository == "RGASPI"
        backend = archive.open_index()
        assert SEED_ID not in [h.id for h in backend.search("Malik").hits]
        exported = [s.record.id for s in results.result_records(archive.store, backend, "")]
        assert SEED_ID not in exported and len(exported) == 45
        backend.close()
    finally:
        archive.close()
