"""Curators' merges and splits survive rebuilding the authorities, and can be undone."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from opis.authorities.curation import CurationError, split_authority, undo_last_curation
from opis.authorities.names import lookup_keys
from opis.linking import load_authorities
from opis.model import Authority
from opis.store.links import LinkStore
from opis.store.sql import SqlStore, open_sqlite

STALIN = "person/stalin-iosif-vissarionovich"


@pytest.fixture
def archive(corpus: Path, tmp_path: Path) -> Iterator[tuple[SqlStore, LinkStore]]:
    store = open_sqlite(tmp_path / "opis.db")
    links = LinkStore(store.engine)
    # hsg-people alone (650 people) keeps each build to a second; Stalin's record
    # comes from opis's own table of pseudonyms.
    load_authorities(store, links, hsg_people=corpus / "hsg-people")
    yield store, links
    store.close()


def names_of(links: LinkStore, authority_id: str) -> list[str]:
    found = links.get_authority(authority_id, follow=False)
    assert found is not None
    return [n.name for n in found.names]


def found_ids(links: LinkStore, name: str, kind: str = "person") -> list[str]:
    return sorted({a.id for key in lookup_keys(name, kind) for a in links.find_authorities(key)})


def two_reference_people(links: LinkStore) -> tuple[Authority, Authority]:
    people = [a for a in links.iter_authorities("person") if "hsg-people" in a.identifiers]
    return people[0], people[1]


def test_a_split_moves_names_to_a_new_authority_and_survives_a_rebuild(
    archive: tuple[SqlStore, LinkStore], corpus: Path
) -> None:
    store, links = archive
    assert "Filippov" in names_of(links, STALIN)
    new = split_authority(links, STALIN, ["Filippov", "Филиппов"], name="Filippov")
    assert new.id == "person/curated/filippov"
    assert new.identifiers == {"split-from": STALIN}
    assert found_ids(links, "Filippov") == found_ids(links, "Филиппов") == [new.id]
    assert found_ids(links, "Сталин") == [STALIN]
    for _ in range(2):  # as built, then rebuilt from the reference sources
        assert "Filippov" not in names_of(links, STALIN)
        assert "Фын Си" in names_of(links, STALIN)
        assert {"Filippov", "Филиппов"} <= set(names_of(links, new.id))
        load_authorities(store, links)
    [curation] = links.curations()
    assert (curation.action, curation.data["new_id"]) == ("split", new.id)


def test_a_merge_of_reference_authorities_survives_a_rebuild(
    archive: tuple[SqlStore, LinkStore],
) -> None:
    store, links = archive
    source, target = two_reference_people(links)
    links.merge_authorities(source.id, target.id)
    load_authorities(store, links)
    kept = links.get_authority(source.id, follow=False)
    assert kept is not None and kept.merged_into == target.id
    assert links.get_authority(source.id) == links.get_authority(target.id)


def test_undo_takes_curations_back_newest_first(archive: tuple[SqlStore, LinkStore]) -> None:
    store, links = archive
    before = names_of(links, STALIN)
    source, target = two_reference_people(links)
    new = split_authority(links, STALIN, ["Fyn Si", "Фын Си"])
    links.merge_authorities(source.id, target.id)

    undone = undo_last_curation(links)
    assert undone.action == "merge"
    load_authorities(store, links)
    restored = links.get_authority(source.id, follow=False)
    assert restored is not None and restored.merged_into is None
    assert found_ids(links, "Fyn Si") == [new.id]

    assert undo_last_curation(links).action == "split"
    load_authorities(store, links)
    assert links.get_authority(new.id) is None
    assert sorted(names_of(links, STALIN)) == sorted(before)
    assert found_ids(links, "Fyn Si") == [STALIN]
    with pytest.raises(CurationError, match="no curation"):
        undo_last_curation(links)


def test_splits_that_cannot_be_made_say_why(archive: tuple[SqlStore, LinkStore]) -> None:
    _, links = archive
    with pytest.raises(CurationError, match="preferred name"):
        split_authority(links, STALIN, ["Stalin, Iosif Vissarionovich"])
    with pytest.raises(CurationError, match=r"no name 'beria'.*its names: Stalin"):
        split_authority(links, STALIN, ["Beria"])
    with pytest.raises(CurationError, match="no authority"):
        split_authority(links, "person/nobody", ["Beria"])
    assert links.curations() == []
