"""The link pass end to end on the seed cable (issue 4's acceptance).

The seed and the Russian transcript are ingested with the real readers and
analysis, authorities are built from the real hsg-people and POCOM folders,
then the link pass ties names to authorities and references to placeholders.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from opis.archive import Archive, open_archive
from opis.connections import find_authority, record_entities, record_references
from opis.ingest import ingest
from opis.linking import link_archive, load_authorities
from opis.model import Person, Record
from opis.readers.base import make_source

SEED = "wilson-1947-09-12-incoming-cable-no-16-malik-to-cde-stalin"
TRANSCRIPT = "wilson-transcript-33548"


@pytest.fixture(scope="module")
def archive(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Archive]:
    opened = open_archive(tmp_path_factory.mktemp("linking") / "home")
    report = ingest(opened.store, [corpus / "wilson"])
    assert not report.failed
    load_authorities(
        opened.store,
        opened.links,
        hsg_people=corpus / "hsg-people",
        pocom=corpus / "hsg-pocom",
    )
    link_archive(opened.store, opened.links)
    yield opened
    opened.close()


def _seed(archive: Archive) -> Record:
    stored = archive.store.get(SEED)
    assert stored is not None
    return stored.record


def test_seed_links_its_five_people(archive: Archive) -> None:
    names = record_entities(archive.store, archive.links, _seed(archive))
    people = {n.text: n for n in names if n.type == "person" and n.authority_id}
    by_surname = {
        surname: {n.authority_id for text, n in people.items() if surname.lower() in text.lower()}
        for surname in ("Stalin", "Malik", "Molotov", "Shtykov", "Nezlobin")
    }
    assert by_surname == {
        "Stalin": {"person/stalin-iosif-vissarionovich"},
        "Malik": {"person/malik-yakov-aleksandrovich"},
        "Molotov": {"person/molotov-vyacheslav-mikhailovich"},
        "Shtykov": {"person/shtykov-terentii-fomich"},
        "Nezlobin": {"person/candidate/nezlobin"},
    }
    statuses = {n.authority_id: n.status for n in people.values()}
    assert statuses["person/stalin-iosif-vissarionovich"] == "authority"
    assert statuses["person/candidate/nezlobin"] == "candidate"


def test_seed_has_four_references_each_a_placeholder(archive: Archive) -> None:
    view = record_references(archive.store, archive.links, _seed(archive))
    detected = [r for r in view.outgoing if r.kind != "frus-ref"]
    assert [(r.kind, r.numbers, r.date) for r in detected] == [
        ("telegram", ["663", "669"], None),
        ("letter", [], "1947-09-04"),
        ("proposals", [], "1947-08-26"),
        ("proposals", [], "1947-08-12"),
    ]
    assert detected[0].sender == "Shtykov"
    assert "Molotov" in (detected[1].sender or "")
    for reference in detected:
        assert reference.targets, reference.text
        assert all("placeholder_id" in t and "record_id" not in t for t in reference.targets)
    assert len(detected[0].targets) == 2  # one placeholder per telegram number


def test_a_later_document_turns_its_placeholder_into_a_link(archive: Archive) -> None:
    # The archive holds no Shtykov telegram, so the test writes the one the seed
    # cites as the reader of a future source would give it.
    text = b"Telegram No. 663 from Shtykov, Pyongyang, 10 September 1947."
    telegram = Record(
        id="test-shtykov-telegram-663",
        title="Telegram No. 663, Shtykov to Molotov",
        type="telegram",
        number="663",
        date="1947-09-10",
        date_start="1947-09-10",
        date_end="1947-09-10",
        sender=[Person(name="Shtykov")],
        to=[Person(name="Molotov")],
        body=text.decode(),
        source=make_source(text, "shtykov-663.txt", "webpage-text"),
    )
    # A new record that answers none of the seed's references leaves it alone.
    unrelated = telegram.model_copy(
        update={"id": "test-shtykov-telegram-700", "number": "700", "title": "Telegram No. 700"}
    )
    archive.store.write([unrelated])
    assert link_archive(archive.store, archive.links).relinked == [unrelated.id]
    archive.store.write([telegram])
    report = link_archive(archive.store, archive.links)
    assert report.relinked == sorted([SEED, telegram.id])
    view = record_references(archive.store, archive.links, _seed(archive))
    telegrams = next(r for r in view.outgoing if r.kind == "telegram")
    assert telegrams.targets[0].get("record_id") == telegram.id
    assert "placeholder_id" in telegrams.targets[1]  # No. 669 is still not held
    citers = record_references(archive.store, archive.links, telegram).incoming
    assert [c.record_id for c in citers] == [SEED]


def test_stalin_and_сталин_are_one_authority_and_one_search(archive: Archive) -> None:
    latin = find_authority(archive.links, "Stalin")
    cyrillic = find_authority(archive.links, "Сталин")
    stalin = ["person/stalin-iosif-vissarionovich"]
    assert [a.id for a in latin] == [a.id for a in cyrillic] == stalin
    backend = archive.search_index()
    try:
        found = {
            query: {hit.id for hit in backend.search(query, limit=20).hits}
            for query in ("Stalin", "Сталин", "person:Stalin", "person:Сталин")
        }
    finally:
        backend.close()
    assert found["Stalin"] == found["Сталин"] == {SEED, TRANSCRIPT}
    assert found["person:Stalin"] == found["person:Сталин"]
    assert SEED in found["person:Сталин"]
