"""Authorities from FRUS persons lists: roles from descriptions, entries no hsg record lists."""

from __future__ import annotations

from opis.authorities.frus import (
    edtf_date,
    organisation_name,
    parse_roles,
    persons_entries,
    terms_entries,
)
from opis.model import Authority, Collection


def _entry(volumes: list[Collection], volume: str, key: str) -> tuple[str, str]:
    entry = next(e for e in persons_entries(volumes) if e.volume == volume and e.key == key)
    return entry.name, entry.description


def test_roles_from_a_real_description(volumes: list[Collection]) -> None:
    name, description = _entry(volumes, "frus1955-57v24", "p_AGV1")
    assert name == "Allen, George V."
    roles = parse_roles(description, "frus:frus1955-57v24")
    assert [(r.title, r.start, r.end) for r in roles] == [
        (
            "Assistant Secretary of State for Near Eastern, South Asian, and African Affairs",
            None,
            "1956-07",
        ),
        ("Ambassador to Greece", "1956-10", "1957-11"),
        ("Director, U.S. Information Agency", "1957-11", None),
    ]
    assert edtf_date("January 19, 1949") == "1949-01-19"


def test_hsg_record_absorbs_its_persons_list_entry(by_id: dict[str, Authority]) -> None:
    allen = next(a for a in by_id.values() if a.identifiers.get("frus:frus1955-57v24") == "p_AGV1")
    assert allen.id == "person/allen-george-venable"
    assert allen.identifiers["pocom"] == "allen-george-venable"
    assert "Allen, George V." in {n.name for n in allen.names}
    greece = [r for r in allen.roles if r.title == "Ambassador to Greece"]
    assert ("1956-10", "1957-11", "frus:frus1955-57v24") in {
        (r.start, r.end, r.source) for r in greece
    }


def test_entry_without_hsg_record_is_its_own_authority(
    volumes: list[Collection], by_id: dict[str, Authority]
) -> None:
    # The Guatemala volume lists E. Howard Hunt twice; hsg-people cites only p_HEH1.
    name, _ = _entry(volumes, "frus1952-54Guat", "p_HEHWCT1")
    assert name == "Hunt, E. Howard (Walter C. Twicker)"
    listed = by_id["person/hunt-e-howard"]
    assert listed.identifiers["frus:frus1952-54Guat"] == "p_HEH1"
    assert listed.identifiers["hsg-people"] == "106287"
    # Same name, no identifier linking them: a record of its own, never a silent merge.
    alone = by_id["person/hunt-e-howard--frus1952-54guat"]
    assert alone.name == name
    assert alone.identifiers == {"frus:frus1952-54Guat": "p_HEHWCT1"}
    assert alone.sources == ["frus:frus1952-54Guat"]
    assert (
        alone.roles[0].title
        == "case officer and Chief, Propaganda Branch, Central Intelligence Agency"
    )


def test_pseudonym_table_merges_by_hsg_id(by_id: dict[str, Authority]) -> None:
    molotov = by_id["person/molotov-vyacheslav-mikhailovich"]
    assert molotov.identifiers["hsg-people"] == "109285"
    assert {"Молотов, Вячеслав Михайлович", "V.M. Molotov"} <= {n.name for n in molotov.names}
    stalin = by_id["person/stalin-iosif-vissarionovich"]
    assert {"Filippov", "Филиппов"} <= {n.name for n in stalin.names if n.kind == "pseudonym"}
    moscow = by_id["place/moscow"]
    assert "Москва" in {n.name for n in moscow.names}
    korea = by_id["place/korea"]
    assert korea.identifiers["pocom"] == "korea"


def _term(volumes: list[Collection], volume: str, key: str) -> str:
    return next(e for e in terms_entries(volumes) if e.volume == volume and e.key == key).expansion


def test_organisations_from_terms_lists(volumes: list[Collection]) -> None:
    v24, guat = "frus1955-57v24", "frus1952-54Guat"
    assert organisation_name(_term(volumes, v24, "t_AFofL1")) == "American Federation of Labor"
    for volume, key in [
        (guat, "t_AA1"),  # "American Airlines; anti-aircraft": two meanings
        (guat, "t_ACWH1"),  # "Acting Chief, Western Hemisphere Division, ...": a post
        (v24, "t_Deptel1"),  # "Department of State telegram": a message
        (v24, "t_Embtel1"),
    ]:
        assert organisation_name(_term(volumes, volume, key)) is None, key


def test_terms_become_organisations_with_their_abbreviations(
    by_id: dict[str, Authority],
) -> None:
    afl = by_id["org/american-federation-of-labor"]
    assert {"AF of L"} <= {n.name for n in afl.names if n.kind == "abbreviation"}
    assert afl.identifiers["frus:frus1955-57v24"] == "t_AFofL1"
    # A term naming a known organisation in full adds to that record.
    cia = by_id["org/cia"]
    assert "frus:frus1955-57v24" in cia.identifiers
    assert not any(a.id.startswith("org/central-intelligence-agency") for a in by_id.values())
