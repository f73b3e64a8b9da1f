"""FRUS TEI readers against the real corpus: volumes, fragment, frus-history, bibliography."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from opis.model import Collection, Record
from opis.readers.base import Item, NotADocument, ReadError, make_source
from opis.readers.frus_tei import (
    READERS,
    detect_frus_bibliography,
    detect_frus_tei,
    read_frus_bibliography,
    read_frus_tei,
)

VOLUME_COUNTS = {
    "frus1917-72PubDip": 44,
    "frus1948v01p1": 271,
    "frus1949v07p2": 386,
    "frus1951v07p2": 333,
    "frus1952-54Guat": 287,
    "frus1955-57v24": 374,
    "frus1961-63v06": 120,
    "frus1961-63v07-09mSupp": 483,
    "frus1964-68v22": 325,
    "frus1969-76v01": 123,
    "frus1969-76ve09p1": 128,
}
POSITION = re.compile(r"^line \d+, column \d+$")


def read_tei(path: Path) -> list[Item]:
    raw = path.read_bytes()
    return list(read_frus_tei(raw, make_source(raw, path.name, "frus-tei")))


def records(items: list[Item]) -> list[Record]:
    return [item for item in items if isinstance(item, Record)]


def collections(items: list[Item]) -> list[Collection]:
    return [item for item in items if isinstance(item, Collection)]


@pytest.fixture(scope="module")
def volumes(corpus: Path) -> dict[str, list[Item]]:
    started = time.perf_counter()
    read = {path.stem: read_tei(path) for path in sorted((corpus / "frus/volumes").glob("*.xml"))}
    read["_seconds"] = [time.perf_counter() - started]  # type: ignore[list-item]
    return read


@pytest.fixture(scope="module")
def by_id(volumes: dict[str, list[Item]]) -> dict[str, Record]:
    return {
        record.id: record
        for stem, items in volumes.items()
        if stem != "_seconds"
        for record in records(items)
    }


@pytest.fixture(scope="module")
def kennan(corpus: Path) -> Record:
    (record,) = records(read_tei(corpus / "frus/fragments/kennan.xml"))
    return record


def test_reader_formats() -> None:
    assert [reader.format for reader in READERS] == ["frus-tei", "frus-bibliography"]


# --- volumes


@pytest.mark.parametrize(("stem", "expected"), sorted(VOLUME_COUNTS.items()))
def test_volume_document_counts(volumes: dict[str, list[Item]], stem: str, expected: int) -> None:
    volume_records = records(volumes[stem])
    assert len(volume_records) == expected
    assert all(record.id.startswith(f"{stem}-d") for record in volume_records)
    assert all(record.collection == stem for record in volume_records)


def test_all_volumes_total_and_unique_ids(by_id: dict[str, Record]) -> None:
    assert len(by_id) == 2874  # a duplicate id would have collapsed in the dict
    assert sum(VOLUME_COUNTS.values()) == 2874


def test_volumes_read_fast(volumes: dict[str, list[Item]]) -> None:
    seconds = volumes["_seconds"][0]
    assert isinstance(seconds, float)
    assert seconds < 20, f"11 volumes took {seconds:.1f} s"


def test_metadata_only_supplement(volumes: dict[str, list[Item]]) -> None:
    entries = records(volumes["frus1961-63v07-09mSupp"])
    assert sum(record.metadata_only for record in entries) == 483
    first = entries[0]
    assert first.id == "frus1961-63v07-09mSupp-d1"
    assert first.body == ""
    assert first.title.startswith("1. Record of Actions, 474th NSC Meeting, January 12.")
    assert first.extra["page_count_according_to_citation"] == "2"
    assert first.extra["files"] == [
        {"id": "0145", "path": "0003/0001.TIF"},
        {"id": "0146", "path": "0003/0002.TIF"},
    ]
    assert first.extra["pdf"] == {"bytes": "179379", "readable": "175 KB"}
    assert first.classification == "top secret"
    assert first.date is None  # the entry gives no year: nothing is guessed
    second = entries[1]
    assert second.citation is not None
    assert second.citation.text == "Department of State, Central Files, 711.5611/2–2161."
    assert second.type == "memorandum of conversation"
    # No other volume has metadata-only entries.
    others = [
        record
        for stem, items in volumes.items()
        if stem not in ("_seconds", "frus1961-63v07-09mSupp")
        for record in records(items)
    ]
    assert not any(record.metadata_only for record in others)


def test_volume_collection_lists(volumes: dict[str, list[Item]]) -> None:
    (iran,) = collections(volumes["frus1964-68v22"])
    assert iran.id == "frus1964-68v22"
    assert iran.kind == "frus-volume"
    assert iran.title == "Foreign Relations of the United States, 1964–1968, Volume XXII, Iran"
    persons, terms = iran.metadata["persons"], iran.metadata["terms"]
    assert len(persons) == 84
    assert len(terms) == 150
    assert persons[0] == {
        "key": "p_AGPD1",
        "name": "Adams, General Paul D.",
        "description": persons[0]["description"],
    }
    assert persons[0]["description"].startswith("USA, Commander in Chief, Strike Command")
    assert {"key": "t_AFP1", "name": "AFP", "description": "Agence France Presse"} in terms
    assert iran.metadata["idno"]["isbn-13"] == "9780160500855"
    assert {"name": "Nina D. Howland", "role": "primary"} in iran.metadata["editors"]
    assert iran.metadata["document_count"] == 325
    assert "bibliography" not in iran.metadata  # that reader's fields live there

    (korea,) = collections(volumes["frus1951v07p2"])
    # Same id and title as the bibliography's collection for this volume.
    assert korea.id == "frus1951v07p2"
    assert korea.title == (
        "Foreign Relations of the United States, 1951, Korea and China, Volume VII, Part 2"
    )
    assert korea.metadata["persons"] == []  # 1948-1951 volumes have no persons list
    assert len(korea.metadata["terms"]) == 220


def test_fully_headed_telegram(by_id: dict[str, Record]) -> None:
    record = by_id["frus1951v07p2-d4"]
    assert record.title == "The Ambassador in India (Henderson) to the Secretary of State"
    assert record.number == "4"
    assert [person.name for person in record.sender] == ["Henderson"]
    assert [person.name for person in record.to] == ["Secretary of State"]
    assert record.date == "1951-01-12T21:00:00"
    assert record.date_precision == "minute"
    assert record.date_start == "1951-01-12T21:00"
    assert [(place.name, place.role) for place in record.places] == [("New Delhi", "dateline")]
    assert record.classification == "top secret"
    assert record.type == "telegram"
    assert record.citation is not None
    assert record.citation.text == "793B.00/1–1251: Telegram"
    assert record.rights == "Public domain (U.S. Government work)"
    assert record.languages == ["en"]
    assert record.source.part == "d4"
    assert record.source.format == "frus-tei"
    assert record.body.startswith("1691. Deptel 1047, January 6.")
    assert "New Delhi, January 12" not in record.body  # the dateline is not running text
    assert record.title not in record.body
    assert [footnote.key for footnote in record.footnotes] == [f"d4fn{n}" for n in range(1, 6)]
    first = record.footnotes[0]
    assert first.text.startswith("For the text of telegram 1047, see Foreign Relations, 1950")
    assert first.text not in record.body
    assert first.position is not None
    assert record.body[: first.position] == "1691. Deptel 1047, January 6."
    assert [page.label for page in record.pages] == ["1506", "1507", "1508"]
    assert [page.number for page in record.pages] == [1, 2, 3]


def test_citation_parts_of_central_file(by_id: dict[str, Record]) -> None:
    citation = by_id["frus1951v07p2-d4"].citation
    assert citation is not None
    assert citation.file == "793B.00/1-1251"
    assert citation.medium is not None and citation.medium.lower() == "telegram"


def test_newer_volume_source_note_and_persons(by_id: dict[str, Record]) -> None:
    record = by_id["frus1964-68v22-d12"]
    assert record.title == ("12. Telegram From the Embassy in Iran to the Department of State")
    assert record.citation is not None
    assert record.citation.text.startswith("Department of State, Central Files, POL 23–9 IRAN.")
    assert record.classification == "confidential"  # stated only in the source note
    assert record.type == "telegram"
    assert record.date == "1964-04-06T16:15:00"
    assert [person.name for person in record.sender] == ["Embassy in Iran"]
    assert [(s.name, s.key) for s in record.signers] == [("Holmes", "p_HJC2")]
    assert all(footnote.key != "d12fn1" for footnote in record.footnotes)  # source note
    khomeini = [m for m in record.mentions if m.key == "p_KAR1"]
    assert len(khomeini) >= 3
    for mention in khomeini:
        assert mention.type == "person"
        assert mention.position is not None
        assert record.body[mention.position :].startswith(mention.text)


def test_same_volume_references_resolve(by_id: dict[str, Record]) -> None:
    record = by_id["frus1964-68v22-d13"]
    (reference,) = [ref for ref in record.references if ref.target == "#d12"]
    assert reference.kind == "frus-ref"
    assert reference.text == "Document 12"
    assert reference.record_id == "frus1964-68v22-d12"
    assert reference.record_id in by_id
    other_volume = [
        ref
        for rec in by_id.values()
        for ref in rec.references
        if ref.target and not ref.target.startswith("#") and "#d" in ref.target
    ]
    assert other_volume and all(ref.record_id is None for ref in other_volume)


def test_summary_interval_date_and_minutes(by_id: dict[str, Record]) -> None:
    record = by_id["frus1969-76ve09p1-d13"]
    assert record.date == "1973-04-16T10:03:00/1973-04-16T11:45:00"
    assert record.date_start == "1973-04-16T10:03"
    assert record.date_end == "1973-04-16T11:45"
    assert record.summary is not None
    assert record.summary.startswith("The Washington Special Actions Group met")
    assert record.classification == "top secret"
    assert record.type == "minutes"
    assert record.body.startswith("SUBJECT\nLibya and Indochina")


def test_tables_and_lists_are_readable(by_id: dict[str, Record]) -> None:
    body = by_id["frus1948v01p1-d7"].body
    assert "The Secretary of State\tChairman of the Delegation\n" in body
    items = by_id["frus1951v07p2-d123"].body
    assert "\nA. Utmost economic development Formosan capacity" in items


def test_footnote_positions_are_inside_bodies(by_id: dict[str, Record]) -> None:
    footnotes = 0
    for record in by_id.values():
        for footnote in record.footnotes:
            footnotes += 1
            assert footnote.text
            if footnote.position is not None:
                assert 0 <= footnote.position <= len(record.body)
        for page in record.pages:
            assert 0 <= page.offset <= len(record.body)
    assert footnotes > 4000


# --- the Kennan fragment (undeclared frus: prefix)


def test_kennan_long_telegram(kennan: Record) -> None:
    assert kennan.id == "frus1946v06-d475"
    assert kennan.collection == "frus1946v06"
    assert kennan.number == "475"
    assert kennan.date == "1946-02-22T21:00:00+03:00"
    assert kennan.date_precision == "minute"
    assert [(p.name, p.role) for p in kennan.sender] == [("Kennan", "Chargé in the Soviet Union")]
    assert [person.name for person in kennan.to] == ["Secretary of State"]
    assert kennan.source_url == "https://history.state.gov/historicaldocuments/frus1946v06/d475"
    assert kennan.source.part == "d475"
    assert [person.name for person in kennan.signers] == ["Kennan"]
    assert kennan.classification == "secret"
    assert kennan.type == "telegram"
    assert [(place.name, place.role) for place in kennan.places] == [("Moscow", "dateline")]
    assert kennan.title == "The Chargé in the Soviet Union (Kennan) to the Secretary of State"
    footnote = next(f for f in kennan.footnotes if f.key == "d475fn44")
    assert footnote.text.startswith("Not printed; in this telegram the Department informed")
    assert "interpretive analysis" not in kennan.body
    assert footnote.position is not None
    assert kennan.body[: footnote.position].endswith("Feb 3 [13]")
    page = next(p for p in kennan.pages if p.label == "697")
    assert page.facs == "0711"
    assert kennan.body[page.offset :].startswith("(3) Its projection in practical policy")
    # Nothing dropped: the last words of the telegram are in the body.
    assert kennan.body.endswith("like those with whom we are coping.\n\nKennan")
    assert "\n(1) Basic features of post-war Soviet outlook." in kennan.body


def test_kennan_transmission(kennan: Record) -> None:
    (received,) = kennan.transmission
    assert received.event == "received"
    assert received.date == "1946-02-22T15:52"
    assert received.text == "Received February 22—3:52 p.m."


def test_kennan_citation_file(kennan: Record) -> None:
    assert kennan.citation is not None
    assert kennan.citation.text == "861.00/2–2246: Telegram"
    assert kennan.citation.file == "861.00/2-2246"


# --- frus-history


def test_frus_history_documents(corpus: Path) -> None:
    files = sorted((corpus / "frus-history/documents").glob("*.xml"))
    assert len(files) == 63
    by_file = {path.stem: records(read_tei(path)) for path in files}
    assert sum(len(found) for found in by_file.values()) == 73
    single = by_file["1990-06-23-webster-to-boren"]
    assert [record.id for record in single] == ["frus-history-1990-06-23-webster-to-boren"]
    assert single[0].date == "1990-06-23"
    assert single[0].type == "letter"
    pair = by_file["1957-03-21-kennan-to-leopold"]
    assert len(pair) == 4
    assert [record.id for record in pair[:2]] == [
        "frus-history-1957-03-21-kennan-to-leopold-leopold-to-kennan",
        "frus-history-1957-03-21-kennan-to-leopold-woodward-to-kennan",
    ]
    leopold = pair[0]
    assert leopold.title == "Richard W. Leopold to George F. Kennan"
    assert leopold.date == "1957-02-03"  # from the dateline "3 February 1957"
    assert leopold.collection == "frus-history"
    assert leopold.citation is not None
    assert leopold.citation.text.startswith("Department of State, Bureau of Public Affairs")
    assert leopold.extra["scan_url"].endswith("1957-03-21-kennan-to-leopold.pdf")
    assert leopold.body.startswith("I would be grateful if you could steal some time")
    annex = by_file["1975-11-14-hac-meeting-minutes-annex"][0]
    assert annex.classification == "confidential"


def test_frus_history_monograph(corpus: Path) -> None:
    items = read_tei(corpus / "frus-history/monograph/frus-history.xml")
    (monograph,) = records(items)
    assert monograph.id == "frus-history-monograph"
    assert monograph.type == "monograph"
    assert monograph.title.startswith("Toward “Thorough, Accurate, and Reliable”")
    assert monograph.date == "2015"
    assert len(monograph.footnotes) > 1000
    first = monograph.footnotes[0]
    assert first.key == "introductionfn1"
    assert first.text not in monograph.body
    sections = {section["id"]: section for section in monograph.extra["sections"]}
    assert "introduction" in sections and "conclusion" in sections
    intro = sections["introduction"]
    assert monograph.body[intro["offset"] :].lstrip().startswith("Introduction")
    assert "Index" in monograph.extra["back_sections"]


# --- bibliography and code tables


def test_bibliography_collections(corpus: Path) -> None:
    paths = sorted((corpus / "frus/bibliography").glob("*.xml"))
    found: list[Collection] = []
    for path in paths:
        raw = path.read_bytes()
        assert detect_frus_bibliography(path.name, raw[:4096])
        assert not detect_frus_tei(path.name, raw[:4096])
        items = list(read_frus_bibliography(raw, make_source(raw, path.name, "frus-bibliography")))
        found.extend(collections(items))
        assert len(items) == 1
    assert len(found) == 601
    assert {collection.id for collection in found} == {path.stem for path in paths}
    korea = next(c for c in found if c.id == "frus1951v07p2")
    assert korea.kind == "frus-volume"
    assert korea.title == (
        "Foreign Relations of the United States, 1951, Korea and China, Volume VII, Part 2"
    )
    bibliography = korea.metadata["bibliography"]
    assert bibliography["published-year"] == "1983"
    assert bibliography["coverage"] == "1951"
    assert bibliography["publication-status"] == "published"
    assert {"name": "John P. Glennon", "role": "primary"} in bibliography["editors"]
    assert set(korea.metadata) == {"bibliography"}  # volume metadata keys stay the volume's


def test_code_tables_are_not_documents(corpus: Path) -> None:
    tables = sorted((corpus / "frus/code-tables").glob("*.xml"))
    assert len(tables) == 7
    for path in tables:
        raw = path.read_bytes()
        assert detect_frus_bibliography(path.name, raw[:4096])
        with pytest.raises(NotADocument, match="FRUS code table"):
            list(read_frus_bibliography(raw, make_source(raw, path.name, "frus-bibliography")))


def test_detection_is_specific(corpus: Path) -> None:
    claimed_by_tei = [
        *sorted((corpus / "frus/volumes").glob("*.xml")),
        corpus / "frus/fragments/kennan.xml",
        *sorted((corpus / "frus-history").rglob("*.xml")),
    ]
    for path in claimed_by_tei:
        head = path.read_bytes()[:4096]
        assert detect_frus_tei(path.name, head), path
        assert not detect_frus_bibliography(path.name, head), path
    others = [
        *sorted((corpus / "hsg-milestones").rglob("*.xml")),
        *sorted((corpus / "hsg-administrative-timeline").rglob("*.xml")),
        *sorted((corpus / "hsg-pocom/code-tables").glob("*.xml")),
        *sorted((corpus / "hsg-travels/code-tables").glob("*.xml")),
        *sorted((corpus / "hsg-tags").rglob("*.xml")),
        *sorted((corpus / "frus/guidelines").glob("*")),
        *sorted((corpus / "hsg-people").rglob("*.xml"))[:20],
    ]
    assert len(others) > 40
    for path in others:
        head = path.read_bytes()[:4096]
        assert not detect_frus_tei(path.name, head), path
        assert not detect_frus_bibliography(path.name, head), path


# --- bad input


def test_truncated_volume_is_a_read_error(corpus: Path) -> None:
    raw = (corpus / "frus/volumes/frus1951v07p2.xml").read_bytes()[:50000]
    with pytest.raises(ReadError) as caught:
        list(read_frus_tei(raw, make_source(raw, "frus1951v07p2.xml", "frus-tei")))
    assert caught.value.message.startswith("malformed XML: ")
    assert caught.value.position is not None
    assert POSITION.match(caught.value.position)


def test_truncated_fragment_is_a_read_error(corpus: Path) -> None:
    raw = (corpus / "frus/fragments/kennan.xml").read_bytes()[:5000]
    with pytest.raises(ReadError) as caught:
        list(read_frus_tei(raw, make_source(raw, "kennan.xml", "frus-tei")))
    assert caught.value.message.startswith("malformed XML: ")
    assert caught.value.position is not None and POSITION.match(caught.value.position)


@pytest.mark.parametrize(
    "raw",
    [b"\x00\x01\x02 junk \xff\xfe<<<", b"", b"<TEI><teiHeader></TEI>", b"not xml at all"],
)
def test_junk_bytes_are_read_errors(raw: bytes) -> None:
    for read in (read_frus_tei, read_frus_bibliography):
        with pytest.raises(ReadError) as caught:
            list(read(raw, make_source(raw, "junk.xml", "frus-tei")))
        assert caught.value.position is not None
        assert POSITION.match(caught.value.position)


def test_tei_without_documents_is_a_read_error() -> None:
    raw = b'<TEI xmlns="http://www.tei-c.org/ns/1.0"><text><body><p>x</p></body></text></TEI>'
    with pytest.raises(ReadError, match="without FRUS documents"):
        list(read_frus_tei(raw, make_source(raw, "x.xml", "frus-tei")))
