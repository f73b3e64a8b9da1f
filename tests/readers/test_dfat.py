"""DFAT readers against the real corpus: every Markdown document and the CSV index."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest

from opis.model import Collection, Record
from opis.readers.base import ReadError, make_source
from opis.readers.dfat import (
    READERS,
    detect_csv,
    detect_markdown,
    is_markings_line,
    read_csv,
    read_markdown,
)

MARKDOWN_FILES = 6547
CSV_ROWS = 10573
VOLUMES = 15


def read_md(path: Path) -> tuple[Record, Collection]:
    raw = path.read_bytes()
    items = list(read_markdown(raw, make_source(raw, path.name, "dfat-markdown")))
    records = [i for i in items if isinstance(i, Record)]
    collections = [i for i in items if isinstance(i, Collection)]
    assert len(records) == 1 and len(collections) == 1
    return records[0], collections[0]


def md_bytes(text: str) -> bytes:
    return text.encode("utf-8")


def read_md_bytes(raw: bytes, name: str = "x.md") -> list[object]:
    return list(read_markdown(raw, make_source(raw, name, "dfat-markdown")))


@pytest.fixture(scope="session")
def dfat_dir(corpus: Path) -> Path:
    return corpus / "dfat" / "volumes"


@pytest.fixture(scope="session")
def all_markdown(dfat_dir: Path) -> dict[str, Record]:
    """Every DFAT document, read once for the whole session (and timed)."""
    paths = sorted(dfat_dir.glob("*/*.md"))
    started = time.perf_counter()
    records = {str(p.relative_to(dfat_dir)): read_md(p)[0] for p in paths}
    elapsed = time.perf_counter() - started
    assert elapsed < 20, f"reading all DFAT files took {elapsed:.1f}s"
    return records


@pytest.fixture(scope="session")
def csv_records(corpus: Path) -> list[Record]:
    path = corpus / "dfat" / "documents.csv"
    raw = path.read_bytes()
    items = list(read_csv(raw, make_source(raw, "documents.csv", "dfat-csv")))
    assert all(isinstance(i, Record) for i in items)
    return [i for i in items if isinstance(i, Record)]


def test_reader_formats() -> None:
    assert [r.format for r in READERS] == ["dfat-markdown", "dfat-csv"]


def test_every_markdown_file_reads(all_markdown: dict[str, Record]) -> None:
    assert len(all_markdown) == MARKDOWN_FILES
    records = list(all_markdown.values())
    # Volume 5 has two documents numbered 8 in the source: one id clash.
    assert len({r.id for r in records}) == MARKDOWN_FILES - 1
    assert len({r.collection for r in records}) == VOLUMES
    assert all(r.id == r.id.lower() and r.id.startswith("dfat-v") for r in records)
    assert all(r.body and r.languages == ["en"] and r.attribution for r in records)


def test_markdown_coverage(all_markdown: dict[str, Record]) -> None:
    """The measured share of records with each field (see the report)."""
    records = list(all_markdown.values())

    def share(test: Callable[[Record], object]) -> float:
        return sum(1 for r in records if test(r)) / len(records)

    assert share(lambda r: r.date is not None) == 1.0
    assert share(lambda r: r.extra.get("date_source") == "header") > 0.99
    assert share(lambda r: r.type is not None) > 0.98
    assert share(lambda r: r.citation is not None) > 0.99
    assert share(lambda r: r.sender) > 0.95
    assert share(lambda r: r.places) > 0.88
    assert share(lambda r: r.classification is not None) > 0.65
    assert share(lambda r: r.footnotes) > 0.85


def test_header_and_reference_left_out_of_body(all_markdown: dict[str, Record]) -> None:
    records = list(all_markdown.values())
    glued_reference = [r.id for r in records if r.citation and r.body.endswith(r.citation.text)]
    assert len(glued_reference) < 10
    escaped = [r.id for r in records if "\\." in r.body]
    assert escaped == []


def test_volume_11_document_1(dfat_dir: Path) -> None:
    record, collection = read_md(dfat_dir / "volume-11-1947-indonesia" / "1-ballard-to-evatt.md")
    assert record.id == "dfat-v11-1"
    assert record.title == "Ballard to Evatt"
    assert (record.type, record.number) == ("dispatch", "1/1947")
    assert (record.date, record.date_precision) == ("1947-01-06", "day")
    assert record.extra["date_source"] == "header"
    assert [(p.name, p.role) for p in record.places] == [("Batavia", "dateline")]
    assert record.classification == "secret"
    assert [p.name for p in record.sender] == ["Ballard"]
    assert [p.name for p in record.to] == ["Evatt"]
    assert record.citation is not None
    assert record.citation.text == "[AA:A4231/2, 1947 BATAVIA]"
    assert (record.citation.series, record.citation.control_symbol) == ("A4231", "1947/BATAVIA")
    assert record.citation.barcode == "525084"
    # Header lines and the bracketed reference are gone; escapes undone; markers kept.
    assert record.body.startswith("I have the honour to trace")
    assert "2. The departure of the British forces" in record.body
    assert "Den Pasar Conference [1]" in record.body
    assert "[AA:A4231/2" not in record.body and "SECRET" not in record.body[:20]
    assert [f.key for f in record.footnotes] == ["1", "2", "3", "4"]
    first = record.footnotes[0]
    assert first.text.startswith("The Den Pasar Conference of 7-24 December 1946")
    assert first.position is not None and record.body[first.position :].startswith("[1]")
    assert record.collection == "dfat-v11" and record.source_record_id == "1"
    assert record.attribution == (
        "Documents on Australian Foreign Policy, Volume 11: Australia & Indonesia’s "
        "Independence, 1947, document 1. © Commonwealth of Australia (DFAT), CC BY."
    )
    assert collection.id == "dfat-v11" and collection.kind == "dfat-volume"
    assert collection.title == "Volume 11: Australia & Indonesia’s Independence, 1947"
    assert collection.rights and "CC BY" in collection.rights


def test_cablegram_with_time_and_precedence(dfat_dir: Path) -> None:
    path = (
        dfat_dir / "volume-11-1947-indonesia" / "146-ballard-to-department-of-external-affairs.md"
    )
    record, _ = read_md(path)
    assert (record.type, record.number) == ("cablegram", "246")
    assert (record.date, record.date_precision) == ("1947-07-24T16:45", "minute")
    assert record.classification == "secret"
    assert record.extra["precedence"] == "immediate"
    assert record.body.startswith("Military Situation.")


def test_received_line_becomes_transmission(dfat_dir: Path) -> None:
    path = (
        dfat_dir / "volume-11-1947-indonesia" / "134-ballard-to-department-of-external-affairs.md"
    )
    record, _ = read_md(path)
    assert record.date == "1947-07-21T18:10"
    assert [(e.event, e.date) for e in record.transmission] == [("received", "1947-07-22")]
    assert "Received" not in record.body[:40]


def test_unnumbered_cablegram_and_most_secret(dfat_dir: Path) -> None:
    path = (
        dfat_dir
        / "volume-1-1937-38"
        / ("72-mr-s-m-bruce-high-commissioner-in-london-to-mr-j-a-lyons-prime-minister.md")
    )
    record, _ = read_md(path)
    assert (record.type, record.number) == ("cablegram", None)
    assert record.date == "1937-10-03T17:31"
    assert record.classification == "most secret"
    assert [(p.name, p.role) for p in record.sender] == [
        ("S. M. Bruce", "High Commissioner in London")
    ]
    assert [p.name for p in record.places] == ["Geneva"]


def test_document_without_type_word(dfat_dir: Path) -> None:
    """A note with only "[LONDON], 26 February 1942" above the text."""
    name = (
        "377-note-by-mr-s-m-bruce-high-commissioner-in-the-united-kingdom-of-conversation-"
        "with-mr-clement-attlee-u-k-secretary-of-state-for-dominion-affairs.md"
    )
    record, _ = read_md(dfat_dir / "volume-5-1941-july-1942-june" / name)
    assert record.date == "1942-02-26"
    assert [p.name for p in record.places] == ["London"]
    assert record.type == "note"  # from the title, "Note by ..."
    assert record.body.startswith("I saw Attlee this afternoon")
    assert record.citation is not None and "M100" in record.citation.text


def test_header_date_wins_over_wrong_front_matter(all_markdown: dict[str, Record]) -> None:
    """Volume 10 document 215: the header says 1946, the front matter 1944."""
    record = next(r for r in all_markdown.values() if r.id == "dfat-v10-215")
    assert record.date == "1946-11-14"
    assert record.extra["doc_date"] == "1944-11-14"


def test_truncated_title_completed(all_markdown: dict[str, Record]) -> None:
    record = next(r for r in all_markdown.values() if r.id == "dfat-v3-374")
    assert record.title == "Legation in Washington to Department of External Affairs"
    assert record.extra["front_matter_title"] == "Legation in Washington to"
    assert [p.name for p in record.to] == ["Department of External Affairs"]


def test_markings_lines() -> None:
    assert is_markings_line("MOST IMMEDIATE FOR THE PRIME MINISTER MOST SECRET HIMSELF ALONE")
    assert is_markings_line("PERSONAL FOR BRUCE FROM EVATT")
    assert not is_markings_line("SECRET DEFENCE CO-OPERATION WITH INDIA AND PAKISTAN")
    assert not is_markings_line("Secret")


def test_markdown_detection(dfat_dir: Path, corpus: Path) -> None:
    path = dfat_dir / "volume-11-1947-indonesia" / "1-ballard-to-evatt.md"
    assert detect_markdown(path.name, path.read_bytes()[:4096])
    assert not detect_markdown("notes.md", b"# A heading\n\nSome text.\n")
    assert not detect_markdown("x.txt", path.read_bytes()[:4096])
    csv_head = (corpus / "dfat" / "documents.csv").read_bytes()[:4096]
    assert not detect_markdown("documents.csv", csv_head)


def test_truncated_front_matter_is_an_error() -> None:
    raw = md_bytes("---\ndoc_num: 1\ntitle: Ballard to Evatt\nvol_id: 11\n")
    with pytest.raises(ReadError) as error:
        read_md_bytes(raw)
    assert "not closed" in error.value.message
    assert error.value.position == "line 5"


def test_broken_yaml_is_an_error_with_line_and_column() -> None:
    raw = md_bytes("---\ndoc_num: 1\ntitle: [Ballard to Evatt\nvol_id: 11\n---\n\nText.\n")
    with pytest.raises(ReadError) as error:
        read_md_bytes(raw)
    assert "invalid YAML" in error.value.message
    assert error.value.position is not None and error.value.position.startswith("line ")
    assert ", column " in error.value.position


def test_missing_front_matter_key_is_an_error() -> None:
    raw = md_bytes("---\ntitle: Ballard to Evatt\nvol_id: 11\n---\n\nText.\n")
    with pytest.raises(ReadError, match="doc_num"):
        read_md_bytes(raw)


def test_binary_junk_named_md_is_an_error() -> None:
    raw = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4
    with pytest.raises(ReadError) as error:
        read_md_bytes(raw, "picture.md")
    assert error.value.position is not None


def test_empty_file_is_an_error() -> None:
    with pytest.raises(ReadError, match="front matter"):
        read_md_bytes(b"", "empty.md")


# --- CSV ----------------------------------------------------------------------


def test_csv_rows(csv_records: list[Record]) -> None:
    assert len(csv_records) == CSV_ROWS
    assert len({r.id for r in csv_records}) == CSV_ROWS
    assert all(
        r.metadata_only and r.source.part and r.source.part.startswith("row ") for r in csv_records
    )
    assert sum(1 for r in csv_records if r.date) > 10_300
    assert sum(1 for r in csv_records if r.citation) > 8_700


def test_csv_row_matches_markdown_id(
    csv_records: list[Record], all_markdown: dict[str, Record]
) -> None:
    by_id = {r.id: r for r in csv_records}
    row = by_id["dfat-v11-1"]
    assert row.title == "Ballard to Evatt"
    assert row.date == "1947-01-06"
    assert row.source.part == "row 4184"
    assert row.extra["dfat_document_id"] == "4185"
    assert row.citation is not None and row.citation.text == "A4231/2, 1947 BATAVIA"
    markdown_ids = {r.id for r in all_markdown.values()}
    assert len(markdown_ids & by_id.keys()) >= len(markdown_ids) - 3


def test_csv_title_number_stripped(csv_records: list[Record]) -> None:
    first = csv_records[0]
    assert first.id == "dfat-v1-1"
    assert (
        first.title
        == "Sir George Pearce, Minister for External Affairs, to Mr J. A. Lyons, Prime Minister"
    )
    assert [p.name for p in first.sender] == ["George Pearce"]


def test_csv_detection(corpus: Path) -> None:
    head = (corpus / "dfat" / "documents.csv").read_bytes()[:4096]
    assert detect_csv("documents.csv", head)
    assert not detect_csv("other.csv", b"name,value\nx,1\n")
    assert not detect_csv("documents.txt", head)


def test_csv_broken_row_is_an_error() -> None:
    raw = (
        b'1,1,"1. Pearce to Lyons",Volume 1: 1937-38,1937-01-26,"CP 290/6",,,\n'
        b"2,1,2 Lyons to Bruce,Volume 1\n"
    )
    source = make_source(raw, "documents.csv", "dfat-csv")
    with pytest.raises(ReadError) as error:
        list(read_csv(raw, source))
    assert error.value.position == "row 2"


def test_csv_bad_date_is_an_error() -> None:
    raw = b"1,1,1 Pearce to Lyons,Volume 1,1937-13-45,,,,\n"
    with pytest.raises(ReadError) as error:
        list(read_csv(raw, make_source(raw, "documents.csv", "dfat-csv")))
    assert error.value.position == "row 1"
