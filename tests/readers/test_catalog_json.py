"""JSON catalogue records against the real files: State FOIA results, Bush Library memcons."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from opis.model import Record
from opis.readers.base import ReadError, make_source
from opis.readers.catalog_json import READERS, detect, read_catalog

FOIA_RECORDS = 97
MEMCON_RECORDS = 66


def read(raw: bytes, name: str) -> list[Record]:
    items = list(read_catalog(raw, make_source(raw, name, "catalog-json")))
    assert all(isinstance(i, Record) for i in items)
    return [i for i in items if isinstance(i, Record)]


@pytest.fixture(scope="module")
def foia(corpus: Path) -> list[Record]:
    return read((corpus / "state-foia" / "foia_raw.json").read_bytes(), "foia_raw.json")


@pytest.fixture(scope="module")
def memcons(corpus: Path) -> list[Record]:
    return read((corpus / "bush41-memcons" / "memcons.json").read_bytes(), "memcons.json")


def test_reader_format() -> None:
    assert [r.format for r in READERS] == ["catalog-json"]


def test_foia_counts(foia: list[Record]) -> None:
    assert len(foia) == FOIA_RECORDS
    assert len({r.id for r in foia}) == FOIA_RECORDS
    assert all(
        r.metadata_only and re.fullmatch(r"foia-(c\d{8}|[a-z0-9]+-[0-9a-f]{4,8})", r.id)
        for r in foia
    )
    assert "foia-wallenberg-1f83" in {r.id for r in foia}
    assert all(r.date for r in foia)
    assert [r.source.part for r in foia[:2]] == ["element 1", "element 2"]


def test_foia_fields(foia: list[Record]) -> None:
    record = foia[0]
    assert record.id == "foia-c05426367"
    assert record.title == "YOUR MEETING WITH UK PRIME MINISTER THATCHER NOVEMBER 14 AT 5:30 P.M."
    assert (record.date, record.date_precision) == ("1986-11-13", "day")
    assert record.type == "memorandum"
    assert record.classification == "secret"
    assert [(p.name, p.role) for p in record.sender] == [("Thomas, Charles H", "EUR")]
    assert [p.name for p in record.to] == ["Secretary"]
    assert record.extra["casenumber"] == "F-2006-01579"
    assert record.extra["releasedecision"] == "RIFPUB"
    assert record.extra["casesubject"].startswith("MEETINGS BETWEEN SECRETARY OF STATE")
    assert record.source_url == (
        "https://foia.state.gov/searchapp/DOCUMENTS/6-FY2014/F-2006-01579/DOC_0C05426367/C05426367.pdf"
    )


def test_foia_codes(foia: list[Record]) -> None:
    types = {r.type for r in foia}
    assert {"telegram", "memorandum"} <= types
    assert sum(1 for r in foia if r.classification == "unclassified") == 88
    assert all(r.to == [] for r in foia if r.extra.get("to") == "n/a")


def test_memcon_counts(memcons: list[Record]) -> None:
    assert len(memcons) == MEMCON_RECORDS
    assert len({r.id for r in memcons}) == MEMCON_RECORDS
    assert all(r.metadata_only and r.id.startswith("bush41-") for r in memcons)
    assert all(r.date and r.citation and r.source_url for r in memcons)


def test_memcon_fields(memcons: list[Record]) -> None:
    record = memcons[0]
    assert record.id == "bush41-nsc-source-446394923"
    assert record.title == "NSR-1 - February 07, 1989 - Afghanistan"
    assert record.date == "1989-02-07"
    assert [(p.name, p.role) for p in record.places] == [
        ("United States", "subject"),
        ("Afghanistan", "subject"),
    ]
    assert record.extra["participants"] == ["National Security Council"]
    assert [(m.text, m.type) for m in record.mentions] == [("National Security Council", "person")]
    assert record.extra["page_count"] == 30
    assert record.source_url == "https://catalog.archives.gov/id/446394923"
    citation = record.citation
    assert citation is not None
    assert citation.family == "us-presidential-library"
    assert citation.repository == "George Bush Presidential Library"
    assert citation.series == "H-Files - National Security Review (NSR) Files"
    assert citation.file == "90006-001"
    assert citation.text.startswith("Source: George H.W. Bush Library")


def test_memcon_types(memcons: list[Record]) -> None:
    types = {r.type for r in memcons}
    assert {"memorandum of conversation", "telephone conversation", "minutes"} <= types
    telcons = [
        r for r in memcons if r.extra.get("documentTitle") and r.type == "telephone conversation"
    ]
    assert len(telcons) == 16


def test_detect(corpus: Path) -> None:
    foia_head = (corpus / "state-foia" / "foia_raw.json").read_bytes()[:4096]
    memcon_head = (corpus / "bush41-memcons" / "memcons.json").read_bytes()[:4096]
    assert detect("foia_raw.json", foia_head)
    assert detect("memcons.json", memcon_head)
    for name in ("collection.json", "transcript.json"):
        assert not detect(name, (corpus / "wilson" / name).read_bytes()[:4096])
    assert not detect("foia_raw.jsonl", foia_head)
    assert not detect("list.json", b'[{"id": 1, "name": "x"}]')


def test_invalid_json_is_an_error() -> None:
    with pytest.raises(ReadError) as error:
        read(b'[{"casenumber": "F-1", "pdfLink": ', "foia_raw.json")
    assert error.value.position is not None and error.value.position.startswith("line 1, column")


def test_unknown_element_is_an_error() -> None:
    raw = json.dumps([{"casenumber": "F-1", "pdfLink": "a/C1.pdf", "subject": "X"}, {"x": 1}])
    with pytest.raises(ReadError) as error:
        read(raw.encode(), "foia_raw.json")
    assert error.value.position == "element 2"


def test_top_level_object_is_an_error() -> None:
    with pytest.raises(ReadError, match="list"):
        read(b'{"id": 1}', "foia_raw.json")
