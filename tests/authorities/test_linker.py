"""Linking mentions to authorities: the seed cable, Cyrillic forms, candidates, FRUS accuracy."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from opis.authorities.linker import Linker
from opis.authorities.names import keys_of
from opis.model import Authority, Collection, Mention, Person, Record
from opis.readers.base import make_source
from opis.readers.registry import by_format

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from linking import evaluate

SEED = "wilson/000_d6b8fba0548ddb4f.txt"


@pytest.fixture(scope="module")
def seed(corpus: Path) -> Record:
    raw = (corpus / SEED).read_bytes()
    items = list(by_format("webpage-text").read(raw, make_source(raw, "seed.txt", "webpage-text")))
    record = items[0]
    assert isinstance(record, Record)
    return record


def _with_mentions(linker: Linker, record: Record) -> Record:
    """The seed's mentions: gazetteer names in the body plus the cipher clerk of the header."""
    mentions = linker.find_mentions(record.body)
    agents = dict.fromkeys(e.agent for e in record.transmission if e.agent)
    mentions += [Mention(text=a, type="person", origin="header") for a in agents]
    return record.model_copy(update={"mentions": mentions})


def test_seed_links_its_people(linker: Linker, seed: Record) -> None:
    record = _with_mentions(linker, seed)
    result = linker.link(record)
    linked = {link.text: link.authority_id for link in result.links if link.type == "person"}
    by_name = {
        name: next(aid for text, aid in linked.items() if name in text)
        for name in ("Stalin", "Malik", "Molotov", "Shtykov", "Nezlobin")
    }
    assert by_name["Stalin"] == "person/stalin-iosif-vissarionovich"
    assert by_name["Molotov"] == "person/molotov-vyacheslav-mikhailovich"
    assert by_name["Malik"] == "person/malik-yakov-aleksandrovich"
    assert by_name["Shtykov"] == "person/shtykov-terentii-fomich"
    assert by_name["Nezlobin"] == "person/candidate/nezlobin"
    assert [c.status for c in result.candidates] == ["candidate"]
    # "V.M. Molotov" and "Cde Molotov" in the body are the same person.
    molotovs = {lk.authority_id for lk in result.links if "Molotov" in lk.text}
    assert molotovs == {"person/molotov-vyacheslav-mikhailovich"}
    # from/to fields link too, with their own field names.
    fields = {(lk.field, lk.text): lk.authority_id for lk in result.links if lk.field != "mentions"}
    assert fields[("from", "Malik")] == "person/malik-yakov-aleksandrovich"
    assert fields[("to", "Stalin")] == "person/stalin-iosif-vissarionovich"
    places = {lk.text: lk.authority_id for lk in result.links if lk.type == "place"}
    assert places["North Korea"] == "place/north-korea"
    orgs = {lk.text: lk.authority_id for lk in result.links if lk.type == "org"}
    assert orgs["Joint Commission"] == "org/us-soviet-joint-commission"


def test_stalin_and_cyrillic_stalin_are_one_record(linker: Linker, seed: Record) -> None:
    cyrillic = seed.model_copy(
        update={
            "id": "test-cyrillic",
            "body": "Товарищу СТАЛИНУ. Тов. Молотов согласен. Филиппов.",
            "sender": [Person(name="Малик")],
            "to": [Person(name="Сталин")],
        }
    )
    record = _with_mentions(linker, cyrillic)
    result = linker.link(record)
    ids = {lk.text: lk.authority_id for lk in result.links}
    assert ids["Сталин"] == "person/stalin-iosif-vissarionovich"
    assert ids["СТАЛИНУ"] == "person/stalin-iosif-vissarionovich"
    # Filippov: Stalin's cover name, from the pseudonym table.
    assert ids["Филиппов"] == "person/stalin-iosif-vissarionovich"
    assert ids["Малик"] == "person/malik-yakov-aleksandrovich"
    assert ids["Молотов"] == "person/molotov-vyacheslav-mikhailovich"


def test_candidates_keep_every_written_part(linker: Linker, seed: Record) -> None:
    result = linker.link(
        seed.model_copy(
            update={"sender": [Person(name="Ivan Nezlobin")], "to": [Person(name="Nezlobin")]}
        )
    )
    ids = {lk.text: lk.authority_id for lk in result.links}
    assert ids == {
        "Ivan Nezlobin": "person/candidate/nezlobin-ivan",
        "Nezlobin": "person/candidate/nezlobin",
    }
    assert {c.id for c in result.candidates} == set(ids.values())


def test_stored_candidates_are_reused_below_authorities(
    authorities: list[Authority], seed: Record
) -> None:
    stored = Authority(
        id="person/candidate/nezlobin", kind="person", name="Nezlobin", status="candidate"
    )
    linker = Linker([*authorities, stored])
    result = linker.link(seed.model_copy(update={"sender": [Person(name="Cde Nezlobin")]}))
    link = next(lk for lk in result.links if lk.field == "from")
    assert (link.authority_id, link.method) == ("person/candidate/nezlobin", "candidate")
    # A candidate that shares a surname with a reviewed authority does not win.
    shadow = Authority(
        id="person/candidate/molotov", kind="person", name="Molotov", status="candidate"
    )
    linker = Linker([*authorities, shadow])
    result = linker.link(seed.model_copy(update={"sender": [Person(name="Molotov")]}))
    link = next(lk for lk in result.links if lk.field == "from")
    assert link.authority_id == "person/molotov-vyacheslav-mikhailovich"


def test_candidates_are_reused_never_merged(linker: Linker, seed: Record) -> None:
    first = linker.link(seed.model_copy(update={"sender": [Person(name="Nezlobin")]}))
    second = linker.link(
        seed.model_copy(update={"id": "other", "to": [Person(name="Cde. Nezlobin")]})
    )
    first_id = next(lk.authority_id for lk in first.links if lk.text == "Nezlobin")
    second_id = next(lk.authority_id for lk in second.links if lk.text == "Cde. Nezlobin")
    assert first_id == second_id == "person/candidate/nezlobin"
    assert linker.authority(first_id) is not None
    assert next(lk for lk in first.links if lk.text == "Nezlobin").method == "candidate"


def test_frus_key_links_directly(
    linker: Linker, frus_items: dict[str, list[Collection | Record]]
) -> None:
    record = next(
        r for r in frus_items["frus1955-57v24"] if isinstance(r, Record) and r.id.endswith("-d2")
    )
    result = linker.link(record)
    keyed = [lk for lk in result.links if lk.method == "key"]
    assert keyed and all(lk.confidence == 1.0 for lk in keyed)
    dulles = next(
        lk
        for lk, m in (
            (lk, record.mentions[lk.mention]) for lk in result.links if lk.field == "mentions"
        )
        if m.key == "p_DJF1"
    )
    assert dulles.authority_id == "person/dulles-john-foster"


def test_titles_choose_between_namesakes(linker: Linker, seed: Record) -> None:
    body = "Secretary Dulles spoke; Allen Dulles answered."
    record = seed.model_copy(
        update={
            "id": "namesakes",
            "date": "1955-02-08",
            "date_start": "1955-02-08",
            "body": body,
            "collection": "frus1955-57v24",
            "sender": [],
            "to": [],
            "transmission": [],
            "mentions": [
                Mention(text="Dulles", type="person", position=body.index("Dulles")),
                Mention(text="Allen Dulles", type="person", position=body.index("Allen")),
            ],
        }
    )
    links = linker.link(record).links
    assert [lk.authority_id for lk in links] == [
        "person/dulles-john-foster",
        "person/dulles-allen-w",
    ]


def test_variants_feed_search(linker: Linker) -> None:
    pairs = set(linker.variants())
    assert ("Filippov", "Stalin") in pairs
    assert ("Филиппов", "Stalin") in pairs
    # Spellings of a surname the sources print (frus1955-57v24 and hsg-people).
    assert ("Caramanlis", "Karamanlis") in pairs
    for variant, canonical in pairs:
        assert keys_of(variant) != keys_of(canonical)
        # never another person's surname, never part of the canonical name
        assert not set(keys_of(variant)) & set(keys_of(canonical))


def test_frus_linking_accuracy_floor(
    linker: Linker, frus_items: dict[str, list[Collection | Record]]
) -> None:
    for volume, items in frus_items.items():
        records = [i for i in items if isinstance(i, Record)]
        collection = next(i for i in items if isinstance(i, Collection))
        listed = {volume: {p["key"] for p in collection.metadata["persons"]}}
        scores, _, linked = evaluate(linker, records, listed)
        assert linked > 100
        assert scores[volume].total > 1000
        assert scores[volume].accuracy >= 0.9, (volume, scores[volume])


def test_authority_ids_are_unique(authorities: list[Authority]) -> None:
    ids = [a.id for a in authorities]
    assert len(ids) == len(set(ids))
    assert {"person/eden-anthony", "place/moscow", "org/united-nations"} <= set(ids)


def test_a_frus_gloss_of_an_organisation_links_by_its_key(
    linker: Linker, frus_items: dict[str, list[Collection | Record]]
) -> None:
    record = next(
        r
        for r in frus_items["frus1955-57v24"]
        if isinstance(r, Record) and any(m.key == "t_CIA1" for m in r.mentions)
    )
    result = linker.link(record)
    by_key = {record.mentions[lk.mention].key: lk for lk in result.links if lk.field == "mentions"}
    assert (by_key["t_CIA1"].authority_id, by_key["t_CIA1"].method) == ("org/cia", "key")
    assert "t_Deptel1" not in by_key  # a kind of message, not an entity
