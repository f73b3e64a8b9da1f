"""Finding references to other documents, on the seed cable and real FRUS and DFAT documents."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from opis.analysis.references import find_references, frus_volume_id
from opis.model import Record, Reference
from opis.readers.base import make_source
from opis.readers.registry import by_format

SEED = "wilson/000_d6b8fba0548ddb4f.txt"


def read_records(path: Path, fmt: str) -> list[Record]:
    raw = path.read_bytes()
    items = by_format(fmt).read(raw, make_source(raw, path.name, fmt))
    return [item for item in items if isinstance(item, Record)]


@cache
def _frus_volume(path: str) -> dict[str, Record]:
    return {record.id: record for record in read_records(Path(path), "frus-tei")}


def frus(corpus: Path, volume: str, document: str) -> Record:
    return _frus_volume(str(corpus / "frus" / "volumes" / f"{volume}.xml"))[f"{volume}-{document}"]


def dfat(corpus: Path, volume_folder: str, number: int) -> Record:
    folder = corpus / "dfat" / "volumes" / volume_folder
    (path,) = folder.glob(f"{number}-*.md")
    (record,) = read_records(path, "dfat-markdown")
    return record


def found(record: Record) -> list[Reference]:
    """What detection adds to the reader's references."""
    return find_references(record)[len(record.references) :]


def by_text(references: list[Reference], text: str) -> Reference:
    matches = [reference for reference in references if reference.text == text]
    assert len(matches) == 1, [reference.text for reference in references]
    return matches[0]


@pytest.fixture(scope="module")
def seed(corpus: Path) -> Record:
    (record,) = read_records(corpus / SEED, "webpage-text")
    return record


def test_seed_has_exactly_its_four_references(seed: Record) -> None:
    references = find_references(seed)
    assert len(references) == 4

    telegrams, letter, soviet, american = references
    assert telegrams.kind == "telegram"
    assert telegrams.numbers == ["663", "669"]
    assert telegrams.sender == "Shtykov"
    assert telegrams.text == "Shtykov’s telegrams Nos. 663 and 669"
    assert telegrams.position == seed.body.index("Shtykov’s telegrams")
    assert telegrams.date is None

    assert letter.kind == "letter"
    assert letter.sender == "V.M. Molotov"
    assert letter.numbers == []
    assert (letter.date, letter.date_start, letter.date_end) == ("1947-09-04",) * 3
    assert letter.text == "V.M. Molotov’s letter of 4 September"
    assert seed.body[letter.position or 0 :].startswith(letter.text)

    # Named three times ("the proposal of the Soviet delegation", "its proposals",
    # "the Soviet proposals"), one reference.
    assert soviet.kind == "proposals"
    assert soviet.sender == "Soviet"
    assert soviet.date == "1947-08-26"
    assert seed.body[soviet.position or 0 :].startswith(soviet.text)

    assert american.kind == "proposals"
    assert american.sender == "American"
    assert american.date == "1947-08-12"
    assert american.text == "American proposals of 12 August"


def test_deptel_is_the_departments_cable_to_the_citing_post(corpus: Path) -> None:
    # "Reference successor Trygve Lie ... (Deptel 379, August 4)": Bay in Oslo, 1948.
    record = frus(corpus, "frus1948v01p1", "d49")
    reference = by_text(found(record), "Deptel 379, August 4")
    assert reference.kind == "telegram"
    assert reference.numbers == ["379"]
    assert reference.sender == "Department of State"
    assert reference.recipient == "Bay (Ambassador in Norway)"
    assert reference.date == "1948-08-04"
    assert record.body[reference.position or 0 :].startswith("Deptel 379")


def test_embtel_is_the_embassys_own_cable(corpus: Path) -> None:
    # "Subsequent to Embtel 526, August 6, Counselor discussed matter ...": Bay again.
    record = frus(corpus, "frus1948v01p1", "d76")
    reference = by_text(found(record), "Embtel 526, August 6")
    assert reference.numbers == ["526"]
    assert reference.sender == "Bay (Ambassador in Norway)"
    assert reference.date == "1948-08-06"


def test_urtel_and_deptel_in_reference_lines(corpus: Path) -> None:
    # "466. Urtel 827, June 28." from the Secretary to Jessup at the UN.
    urtel = by_text(found(frus(corpus, "frus1948v01p1", "d47")), "Urtel 827, June 28")
    assert urtel.sender == "Jessup (Acting United States Representative at the United Nations)"
    assert urtel.recipient == "Secretary of State"
    # "1793. ... Reference: Deptel 1762, Embtel 1781." from the Embassy in Turkey; the
    # editor's note "Telegram 1762, April 20" dates the same cable: one reference.
    references = found(frus(corpus, "frus1955-57v24", "d340"))
    deptel = by_text(references, "Deptel 1762")
    assert (deptel.sender, deptel.recipient) == ("Department of State", "Embassy in Turkey")
    assert deptel.date == "1956-04-20"
    embtel = by_text(references, "Embtel 1781")
    assert embtel.sender == "Embassy in Turkey"
    assert [r.numbers for r in references].count(["1762"]) == 1


def test_your_number_was_sent_by_the_citing_documents_recipient(corpus: Path) -> None:
    # DFAT 1939: "Reference your 69. [1] Opinions of Ambassador ..." from External Affairs
    # to Stirling in London.
    record = dfat(corpus, "volume-2-1939", 59)
    reference = by_text(found(record), "your 69")
    assert reference.kind == "telegram"
    assert reference.numbers == ["69"]
    assert reference.sender == "A.T. Stirling (External Affairs Officer in London)"
    assert reference.recipient == "Department of External Affairs"
    assert record.body[reference.position or 0 :].startswith("your 69")


def test_day_and_month_after_the_citing_date_are_last_year(corpus: Path) -> None:
    # A cable of 8 January 1940: "Your telegram 20th December." is December 1939.
    record = dfat(corpus, "volume-3-1940-january-june", 6)
    assert record.date_start == "1940-01-08"
    reference = by_text(found(record), "Your telegram 20th December.")
    assert reference.date == "1939-12-20"
    # and 4 September in the seed of 12 September 1947 stays in 1947 (see above)


def test_edition_references_name_the_volume(corpus: Path) -> None:
    # Footnotes: "Printed as Document 125" style within the volume, and another volume
    # by its citation.
    record = frus(corpus, "frus1952-54Guat", "d6")
    reader_refs = {r.target for r in record.references}
    assert "frus1952-54v04#d3" in reader_refs
    # The reader's linked ref is kept and not found a second time.
    references = find_references(record)
    assert references[: len(record.references)] == record.references
    assert not [r for r in found(record) if r.target == "frus1952-54v04#d3"]
    # With the markup hidden, the citation alone gives the same target.
    hidden = record.model_copy(update={"references": []})
    targets = [r.target for r in find_references(hidden) if r.kind == "document"]
    assert "frus1952-54v04#d3" in targets


def test_frus_volume_ids() -> None:
    assert frus_volume_id("1952-1954", "IV", None, None) == "frus1952-54v04"
    assert frus_volume_id("1969–1976", "E–5", "2", None) == "frus1969-76ve05p2"
    assert frus_volume_id(None, "xi", None, "frus1961-63v06") == "frus1961-63v11"
    assert frus_volume_id(None, "vi", None, "wilson") is None


def test_numbered_footnote_cross_references_are_not_papers(corpus: Path) -> None:
    # DFAT notes say "see note 1"; that is no document.
    for record in (dfat(corpus, "volume-2-1939", 59), frus(corpus, "frus1955-57v24", "d340")):
        assert not [r for r in found(record) if r.kind == "note" and r.numbers]


def test_time_of_day_after_a_date_is_not_a_second_cable(corpus: Path) -> None:
    # "Deptel 881, March 12, 6 p.m." (frus1948v01p1-d111)
    references = found(frus(corpus, "frus1948v01p1", "d111"))
    deptels = [r for r in references if r.text.startswith("Deptel 881")]
    assert [r.numbers for r in deptels] == [["881"]]
    assert deptels[0].date == "1948-03-12"
