"""hsg-people and POCOM parsing on the real files, and merging through their identifiers."""

from __future__ import annotations

from pathlib import Path

from opis.authorities.hsg import ReadErrors, read_hsg_person, read_pocom, territory_name
from opis.model import Authority

EDEN = "hsg-people/data/100000/1/0/3/8/103830.xml"


def test_hsg_person_eden(corpus: Path) -> None:
    eden = read_hsg_person(corpus / EDEN)
    assert eden.id == "person/eden-anthony"
    assert eden.name == "Eden, Anthony"
    assert eden.identifiers["hsg-people"] == "103830"
    # originals -> FRUS persons-list keys, one per volume
    assert eden.identifiers["frus:frus1955-57v24"] == "p_ESA1"
    assert eden.identifiers["frus:frus1943CairoTehran"] == "p_EA1"
    assert eden.identifiers["frus:frus1955-57v13"] == "p_ERHSA1"
    assert {"Eden, Sir Anthony", "Eden, Rt. Hon. Sir Anthony"} <= {n.name for n in eden.names}
    office = [r for r in eden.roles if r.source == "frus:frus1952-54v05p1"]
    assert office[0].title == "British Secretary of State for Foreign Affairs"
    assert (office[0].start, office[0].end) == ("1951-10-27", "1955-04-05")


def test_bad_file_is_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "broken.xml"
    bad.write_bytes(b"<person><id>1</id><names>")
    errors = ReadErrors()
    from opis.authorities.hsg import read_hsg_people

    assert list(read_hsg_people(tmp_path, errors)) == []
    assert len(errors.lines) == 1
    assert errors.lines[0].startswith(f"{bad}: line 1, column")


def test_pocom_people_roles_places(corpus: Path) -> None:
    errors = ReadErrors()
    pocom = read_pocom(corpus / "hsg-pocom", errors)
    assert errors.lines == []
    aaron = pocom.people["aaron-david-laurence"]
    assert (aaron.name, aaron.birth, aaron.death) == ("Aaron, David Laurence", "1938", None)
    adams = pocom.people["adams-john-quincy"]
    assert adams.birth == "1767" and adams.death == "1848"
    assert "John Q. Adams" in {n.name for n in adams.names}
    russia = next(r for r in adams.roles if r.place == "Russia")
    assert russia.title == "Minister Plenipotentiary, Russia"
    assert (russia.start, russia.end) == ("1809-11-05", "1814-04-28")
    dulles = pocom.people["dulles-john-foster"]
    secretary = next(r for r in dulles.roles if r.title == "Secretary of State")
    assert (secretary.start, secretary.end) == ("1953-01-21", "1959-04-22")
    assert pocom.places["united-kingdom"].name == "United Kingdom"
    assert pocom.orgs["representative-to-un"].name == "United Nations"
    assert territory_name("yugoslavia-1946") == "Yugoslavia"


def test_merge_only_through_identifiers(by_id: dict[str, Authority]) -> None:
    # hsg-people 103703 cites POCOM's dulles-john-foster: one record with both.
    dulles = next(a for a in by_id.values() if a.identifiers.get("hsg-people") == "103703")
    assert dulles.identifiers["pocom"] == "dulles-john-foster"
    assert any(r.title == "Secretary of State" and r.source == "pocom" for r in dulles.roles)
    # Its FRUS persons-list entry in the volume read merged in as an original name.
    assert dulles.identifiers["frus:frus1955-57v24"] == "p_DJF1"
    assert "frus:frus1955-57v24" in dulles.sources
    # Same name, no shared identifier: two records (POCOM's Frank G. Wisner, hsg's Frank Wisner).
    wisners = [a for a in by_id.values() if a.name.startswith("Wisner, Frank")]
    assert len(wisners) >= 2
    assert len({a.id for a in wisners}) == len(wisners)
