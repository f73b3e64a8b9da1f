"""The link store: authorities, stored links, curator decisions, placeholders, embeddings.

Authorities here are taken from a real hsg-people record (Eden) and the seed's
names; record ids are the real ids the readers give those documents.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from lxml import etree

from opis.model import Authority, AuthorityName, EntityLink, Placeholder, ReferenceLink
from opis.store import schema
from opis.store.links import CURATOR, LinkStore, RecordLinks
from opis.store.sql import SqlStore, open_sqlite

SEED_ID = "wilson-119272"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SqlStore]:
    opened = open_sqlite(tmp_path / "opis.db")
    yield opened
    opened.close()


@pytest.fixture
def links(store: SqlStore) -> LinkStore:
    return LinkStore(store.engine)


@pytest.fixture
def eden(corpus: Path) -> Authority:
    path = next(p for p in (corpus / "hsg-people").rglob("103830.xml"))
    root = etree.parse(str(path)).getroot()
    preferred = root.findtext("names/preferred/name")
    originals = [n.text for n in root.iterfind("names/originals/original/name") if n.text]
    assert preferred == "Eden, Anthony"
    return Authority(
        id="person/eden-anthony",
        kind="person",
        name=preferred,
        names=[AuthorityName(name=n, kind="original") for n in originals],
        identifiers={"hsg-people": root.findtext("id") or ""},
    )


def _link(record_id: str, mention: int, text: str, authority_id: str) -> EntityLink:
    return EntityLink(
        record_id=record_id,
        mention=mention,
        text=text,
        type="person",
        authority_id=authority_id,
        confidence=0.9,
        method="name",
    )


def test_migrations_create_exactly_the_schema(store: SqlStore) -> None:
    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), schema.metadata)
    assert diff == []


def test_authorities_are_found_by_name_key(links: LinkStore, eden: Authority) -> None:
    links.put_authorities([(eden, ["eden", "eden anthony"])])
    assert [a.id for a in links.find_authorities("eden")] == ["person/eden-anthony"]
    assert links.get_authority("person/eden-anthony") == eden
    assert links.find_authorities("stalin") == []
    assert links.authority_counts() == {"person/authority": 1}


def test_link_pass_replaces_its_links_but_keeps_a_curators(
    links: LinkStore, eden: Authority
) -> None:
    stalin = Authority(id="person/stalin", kind="person", name="Stalin, Iosif")
    links.put_authorities([(eden, ["eden"]), (stalin, ["stalin"])])
    first = RecordLinks(SEED_ID, 1, entities=[_link(SEED_ID, 0, "Stalin", "person/eden-anthony")])
    links.write_links([first])
    links.set_link(_link(SEED_ID, 0, "Stalin", "person/stalin"))
    again = RecordLinks(
        SEED_ID,
        2,
        entities=[
            _link(SEED_ID, 0, "Stalin", "person/eden-anthony"),
            _link(SEED_ID, 1, "Cde. Stalin", "person/stalin"),
        ],
    )
    links.write_links([again])
    stored = {
        (link.mention, link.authority_id, link.method) for link in links.entity_links(SEED_ID)
    }
    assert stored == {(0, "person/stalin", CURATOR), (1, "person/stalin", "name")}
    assert links.linked_versions() == {SEED_ID: 2}
    assert links.observed_names("person/stalin") == [("Cde. Stalin", 1), ("Stalin", 1)]
    assert links.authority_document_count("person/stalin") == 1


def test_merge_moves_links_and_old_id_follows(links: LinkStore, eden: Authority) -> None:
    candidate = Authority(
        id="person/candidate/eden", kind="person", name="Eden", status="candidate"
    )
    links.put_authorities([(eden, ["eden"]), (candidate, ["eden"])])
    links.write_links([RecordLinks(SEED_ID, 1, entities=[_link(SEED_ID, 0, "Eden", candidate.id)])])
    assert links.merge_authorities(candidate.id, eden.id) == 1
    assert links.get_authority(candidate.id) == eden
    assert links.get_authority(candidate.id, follow=False).merged_into == eden.id  # type: ignore[union-attr]
    assert [a.id for a in links.find_authorities("eden")] == [eden.id]
    with pytest.raises(ValueError):
        links.merge_authorities(eden.id, eden.id)


def test_placeholders_gather_citers_until_resolved(links: LinkStore) -> None:
    shtykov = Placeholder(
        id="ref/telegram/shtykov/663",
        kind="telegram",
        label="Shtykov's telegram No. 663 (1947)",
        numbers=["663"],
        sender="Shtykov",
    )
    unresolved = ReferenceLink(
        record_id=SEED_ID, reference=0, placeholder_id=shtykov.id, confidence=0.8, method="number"
    )
    links.write_links([RecordLinks(SEED_ID, 1, references=[unresolved], placeholders=[shtykov])])
    assert links.get_placeholder(shtykov.id) == shtykov
    assert [c.record_id for c in links.citing(shtykov.id)] == [SEED_ID]
    assert links.unresolved_records() == [SEED_ID]
    assert links.placeholder_count() == 1
    resolved = unresolved.model_copy(
        update={"placeholder_id": None, "target_id": "frus1948v06-d12"}
    )
    links.write_links([RecordLinks(SEED_ID, 1, references=[resolved])])
    assert links.unresolved_records() == []
    assert links.placeholder_count() == 0
    assert [c.record_id for c in links.citing("frus1948v06-d12")] == [SEED_ID]
    assert links.link_counts()["resolved_references"] == 1


def test_forget_drops_links_of_deleted_records(links: LinkStore) -> None:
    links.write_links([RecordLinks(SEED_ID, 1, entities=[_link(SEED_ID, 0, "Stalin", "x")])])
    links.forget([SEED_ID])
    assert links.entity_links(SEED_ID) == []
    assert links.linked_versions() == {}


def test_embeddings_round_trip(links: LinkStore) -> None:
    vector = np.arange(384, dtype=np.float32) / 384
    links.put_embeddings([(SEED_ID, 1, "minilm", vector.tobytes())])
    links.put_embeddings([(SEED_ID, 2, "minilm", (vector * 2).tobytes())])
    assert links.embedding_versions("minilm") == {SEED_ID: 2}
    [(record_id, blob)] = list(links.iter_embeddings("minilm"))
    assert record_id == SEED_ID
    assert np.array_equal(np.frombuffer(blob, dtype=np.float32), vector * 2)
    links.delete_embeddings([SEED_ID])
    assert links.embedding_versions("minilm") == {}


def test_state_keeps_the_last_value(links: LinkStore) -> None:
    assert links.state("authorities") is None
    links.set_state("authorities", "a1")
    links.set_state("authorities", "b2")
    assert links.state("authorities") == "b2"


def test_link_tables_are_empty_in_a_new_archive(store: SqlStore) -> None:
    with store.engine.connect() as conn:
        for name in ("authorities", "entity_links", "reference_links", "embeddings"):
            assert conn.execute(sa.text(f"select count(*) from {name}")).scalar() == 0
