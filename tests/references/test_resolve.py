"""Resolving references to held records or placeholders, on real FRUS, DFAT and Wilson records."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from opis.analysis.references import find_references
from opis.model import Record
from opis.readers.base import make_source
from opis.readers.registry import by_format
from opis.references import RecordKey, ReferenceResolver, Resolution

SEED = "wilson/000_d6b8fba0548ddb4f.txt"
DFAT_1939 = "dfat/volumes/volume-2-1939"


def read_records(path: Path, fmt: str) -> list[Record]:
    raw = path.read_bytes()
    items = by_format(fmt).read(raw, make_source(raw, path.name, fmt))
    return [item for item in items if isinstance(item, Record)]


@cache
def _dfat_folder(folder: str) -> tuple[Record, ...]:
    records: list[Record] = []
    for path in sorted(Path(folder).glob("*.md")):
        records.extend(read_records(path, "dfat-markdown"))
    return tuple(records)


@pytest.fixture(scope="module")
def dfat_1939(corpus: Path) -> dict[str, Record]:
    return {record.id: record for record in _dfat_folder(str(corpus / DFAT_1939))}


@pytest.fixture(scope="module")
def frus_records(corpus: Path) -> dict[str, Record]:
    records: dict[str, Record] = {}
    for name in ("frus1948v01p1", "frus1952-54Guat", "frus1964-68v22"):
        for record in read_records(corpus / "frus" / "volumes" / f"{name}.xml", "frus-tei"):
            records[record.id] = record
    return records


@pytest.fixture(scope="module")
def seed(corpus: Path) -> Record:
    (record,) = read_records(corpus / SEED, "webpage-text")
    return record.model_copy(update={"references": find_references(record)})


def resolutions(resolver: ReferenceResolver, record: Record, text: str) -> list[Resolution]:
    references = find_references(record)
    (reference,) = [r for r in references if r.text == text]
    return resolver.resolve_all(record, reference)


def test_seed_references_are_placeholders_until_held(corpus: Path, seed: Record) -> None:
    wilson = read_records(corpus / "wilson" / "transcript.json", "wilson-json")
    resolver = ReferenceResolver.from_records([seed, *wilson])
    results = [resolver.resolve_all(seed, reference) for reference in seed.references]
    assert [len(r) for r in results] == [2, 1, 1, 1]  # one per telegram number
    flat = [resolution for group in results for resolution in group]
    assert all(r.target_id is None and r.placeholder is not None for r in flat)
    placeholders = [r.placeholder for r in flat if r.placeholder]
    assert [p.id for p in placeholders] == [
        "ref/telegram/shtykov/663",
        "ref/telegram/shtykov/669",
        "ref/letter/molotov/1947-09-04",
        "ref/proposals/soviet/1947-08-26",
        "ref/proposals/american/1947-08-12",
    ]
    assert [p.label for p in placeholders] == [
        "Shtykov's telegram No. 663 (1947)",
        "Shtykov's telegram No. 669 (1947)",
        "V.M. Molotov's letter of 4 September 1947",
        "Soviet proposals of 26 August 1947",
        "American proposals of 12 August 1947",
    ]
    assert [(r.ordinal, r.number) for r in results[0]] == [(0, "663"), (1, "669")]
    link = results[0][1].link(seed.id, 0)
    assert (link.placeholder_id, link.ordinal, link.target_id) == (
        "ref/telegram/shtykov/669",
        1,
        None,
    )


def test_your_number_resolves_once_the_cable_is_held(dfat_1939: dict[str, Record]) -> None:
    # dfat-v2-59, External Affairs to Stirling, 29 March 1939: "Reference your 69."
    # DFAT's note says it is document 55, Stirling's cablegram 69 of 24 March.
    citing = dfat_1939["dfat-v2-59"]
    target = dfat_1939["dfat-v2-55"]
    without = ReferenceResolver.from_records(r for r in dfat_1939.values() if r.id != target.id)
    (before,) = resolutions(without, citing, "your 69")
    assert before.target_id is None
    assert before.placeholder is not None
    assert before.placeholder.id == "ref/telegram/stirling/69"
    assert before.placeholder.sender == "A.T. Stirling (External Affairs Officer in London)"

    without.add(RecordKey.from_record(target))  # the later ingest
    (after,) = resolutions(without, citing, "your 69")
    assert after.target_id == "dfat-v2-55"
    assert after.method == "cable-number"
    assert after.confidence >= 0.9


def test_record_key_of_a_frus_telegram(frus_records: dict[str, Record]) -> None:
    key = RecordKey.from_record(frus_records["frus1948v01p1-d49"])
    assert key.document_number == "49"
    assert "49" not in key.cable_numbers  # the FRUS number is the volume's, not the cable's
    assert key.cable_numbers == ("526",)  # "526. Reference successor ..."
    assert key.senders == ("Bay (Ambassador in Norway)",)
    assert key.places == ("Oslo",)


def test_embtel_resolves_to_the_embassys_cable(frus_records: dict[str, Record]) -> None:
    # frus1948v01p1-d76, Bay in Oslo, 8 September 1948: "Subsequent to Embtel 526,
    # August 6" is Bay's own telegram 526 of 6 August, printed as document 49.
    resolver = ReferenceResolver.from_records(frus_records.values())
    citing = frus_records["frus1948v01p1-d76"]
    (embtel,) = resolutions(resolver, citing, "Embtel 526, August 6")
    assert embtel.target_id == "frus1948v01p1-d49"
    (deptel,) = resolutions(resolver, citing, "Deptel 425, September 3")
    assert deptel.target_id == "frus1948v01p1-d68"
    # Sent from Washington on 2 September at 5 p.m., dated 3 September in Oslo.
    printed = frus_records["frus1948v01p1-d68"]
    assert printed.body.startswith("425.")
    assert printed.title == "The Secretary of State to the Embassy in Norway"


def test_deptel_not_printed_stays_a_placeholder(frus_records: dict[str, Record]) -> None:
    resolver = ReferenceResolver.from_records(frus_records.values())
    (result,) = resolutions(resolver, frus_records["frus1948v01p1-d49"], "Deptel 379, August 4")
    assert result.target_id is None
    assert result.placeholder is not None
    assert result.placeholder.id == "ref/telegram/department-of-state/379"
    assert result.placeholder.label == "Department of State's telegram No. 379 (1948)"


def test_frus_markup_and_other_volumes(frus_records: dict[str, Record]) -> None:
    resolver = ReferenceResolver.from_records(frus_records.values())
    citing = frus_records["frus1952-54Guat-d6"]
    by_target = {r.target: r for r in citing.references}
    (other_volume,) = resolver.resolve_all(citing, by_target["frus1952-54v04#d3"])
    assert other_volume.target_id is None
    assert other_volume.placeholder is not None
    assert other_volume.placeholder.id == "ref/document/frus1952-54v04/3"
    # A note pointing at the citing document's own footnote links nothing.
    (own_note,) = resolver.resolve_all(citing, by_target["#d6fn4"])
    assert own_note.method == "unresolved"
    # Same-volume "Document N": the reader's markup and the hidden-markup text agree.
    citing = frus_records["frus1964-68v22-d137"]
    (markup,) = [r for r in citing.references if r.target == "#d125"]
    assert resolver.resolve(citing, markup).target_id == "frus1964-68v22-d125"
    hidden = citing.model_copy(update={"references": []})
    texts = {
        resolution.target_id
        for reference in find_references(hidden)
        if reference.kind == "document"
        for resolution in resolver.resolve_all(hidden, reference)
    }
    assert "frus1964-68v22-d125" in texts


def test_add_replaces_an_earlier_version(dfat_1939: dict[str, Record]) -> None:
    target = dfat_1939["dfat-v2-55"]
    resolver = ReferenceResolver.from_records([target])
    moved = target.model_copy(update={"number": "70"})
    resolver.add(RecordKey.from_record(moved))
    assert len(resolver.keys) == 1
    citing = dfat_1939["dfat-v2-59"]
    (result,) = resolutions(resolver, citing, "your 69")
    assert result.target_id is None
