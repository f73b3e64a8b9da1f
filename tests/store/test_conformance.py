"""Behaviour every store backend must show; parametrised over backends."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from opis.model import Collection, Record
from opis.readers.base import make_source
from opis.readers.registry import detect
from opis.store.base import PutOutcome, RawSource, SourceKey
from opis.store.sql import SqlStore, open_sqlite

BACKENDS = ["sqlite"]


def read_items(path: Path, raw: bytes | None = None) -> tuple[list[Record | Collection], RawSource]:
    data = path.read_bytes() if raw is None else raw
    reader = detect(path.name, data)
    assert reader is not None, path
    source = make_source(data, path.name, reader.format)
    items = list(reader.read(data, source))
    return items, RawSource(source.sha256, data, path.name, reader.format)


def records_of(items: list[Record | Collection]) -> list[Record]:
    return [item for item in items if isinstance(item, Record)]


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SqlStore]:
    if request.param == "sqlite":
        backend = open_sqlite(tmp_path / "opis.db")
    yield backend
    backend.close()


@pytest.fixture
def dfat_file(corpus: Path) -> Path:
    return corpus / "dfat/volumes/volume-11-1947-indonesia/1-ballard-to-evatt.md"


def test_write_then_get_gives_the_same_record(store: SqlStore, dfat_file: Path) -> None:
    items, raw = read_items(dfat_file)
    outcomes = store.write(items, [raw])
    record = records_of(items)[0]
    assert PutOutcome.CREATED in outcomes
    stored = store.get(record.id)
    assert stored is not None and stored.version == 1
    assert stored.record == record
    assert store.get_source(raw.sha256) == dfat_file.read_bytes()


def test_rewriting_the_same_source_changes_nothing(store: SqlStore, dfat_file: Path) -> None:
    items, raw = read_items(dfat_file)
    store.write(items, [raw])
    again = store.write(items, [raw])
    assert [o for o in again if o is not None] == [PutOutcome.UNCHANGED]
    assert store.count() == 1 and store.stats().versions == 0


def test_source_keys_name_format_and_digest_of_held_records(
    store: SqlStore, dfat_file: Path
) -> None:
    items, raw = read_items(dfat_file)
    store.write(items, [raw])
    record = records_of(items)[0]
    keys = store.source_keys([record.id, "dfat-v11-999", record.id + "-2"])
    assert list(keys) == [record.id]
    assert keys[record.id] == SourceKey(record.source.format, raw.sha256)
    assert store.source_keys([]) == {}


def test_a_changed_source_makes_a_new_version_and_keeps_the_old(
    store: SqlStore, dfat_file: Path
) -> None:
    items, raw = read_items(dfat_file)
    store.write(items, [raw])
    edited = dfat_file.read_bytes().replace(b"roughly chronological", b"strictly chronological")
    new_items, new_raw = read_items(dfat_file, edited)
    assert store.write(new_items, [new_raw])[-1] == PutOutcome.UPDATED
    record_id = records_of(items)[0].id
    history = store.history(record_id)
    assert [v.version for v in history] == [1, 2]
    assert "roughly chronological" in history[0].record.body
    assert "strictly chronological" in history[1].record.body
    assert store.get_source(raw.sha256) == dfat_file.read_bytes()
    assert store.get_source(new_raw.sha256) == edited


def test_catalogue_entry_does_not_replace_full_text(store: SqlStore, dfat_file: Path) -> None:
    items, raw = read_items(dfat_file)
    full = records_of(items)[0]
    catalogue = full.model_copy(update={"metadata_only": True, "body": ""})
    store.write(items, [raw])
    assert store.write([catalogue]) == [PutOutcome.COVERED]
    current = store.get(full.id)
    assert current is not None and current.record == full


def test_full_text_replaces_catalogue_entry(store: SqlStore, dfat_file: Path) -> None:
    items, raw = read_items(dfat_file)
    full = records_of(items)[0]
    catalogue = full.model_copy(update={"metadata_only": True, "body": ""})
    store.write([catalogue])
    assert store.write(items, [raw])[-1] == PutOutcome.COMPLETED
    current = store.get(full.id)
    assert current is not None and current.record.body == full.body
    assert [v.record.metadata_only for v in store.history(full.id)] == [True, False]


def test_a_failed_write_leaves_nothing_behind(
    store: SqlStore, dfat_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    items, raw = read_items(dfat_file)
    store.write(items, [raw])
    before = store.get(records_of(items)[0].id)
    volume = dfat_file.parent
    more: list[Record | Collection] = []
    for path in sorted(volume.glob("1[0-9]-*.md"))[:5]:
        more.extend(read_items(path)[0])
    edited_items, edited_raw = read_items(
        dfat_file, dfat_file.read_bytes().replace(b"roughly", b"broadly")
    )
    calls = {"n": 0}
    original = SqlStore._put_record

    def failing(self: SqlStore, *args: object, **kwargs: object) -> PutOutcome:
        calls["n"] += 1
        if calls["n"] == 4:
            raise RuntimeError("disk gone")
        return original(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(SqlStore, "_put_record", failing)
    with pytest.raises(RuntimeError):
        store.write(more + edited_items, [edited_raw])
    monkeypatch.undo()
    assert store.count() == 1
    assert store.get(records_of(items)[0].id) == before
    assert store.get_source(edited_raw.sha256) is None


def test_iter_records_streams_everything_in_id_order(store: SqlStore, corpus: Path) -> None:
    written: list[str] = []
    for path in sorted((corpus / "dfat/volumes/volume-1-1937-38").glob("*.md"))[:40]:
        items, raw = read_items(path)
        store.write(items, [raw])
        written += [r.id for r in records_of(items)]
    streamed = [s.record.id for s in store.iter_records(batch=7)]
    assert streamed == sorted(written)
    assert store.ids() == sorted(written)
    latest = max(s.updated_at for s in store.iter_records())
    assert [s.record.id for s in store.iter_records(since=latest)] != []
    assert store.versions() == {record_id: 1 for record_id in written}


def test_collections_merge_from_two_sources(store: SqlStore) -> None:
    first = Collection(id="vol", title="Volume", kind="frus-volume", metadata={"persons": [1]})
    second = Collection(id="vol", title="Volume", kind="frus-volume", metadata={"year": 1951})
    store.write([first])
    store.write([second])
    merged = store.get_collection("vol")
    assert merged is not None and merged.metadata == {"persons": [1], "year": 1951}


def test_stats_count_by_format_and_type(store: SqlStore, dfat_file: Path, corpus: Path) -> None:
    items, raw = read_items(dfat_file)
    store.write(items, [raw])
    seed = corpus / "wilson/000_d6b8fba0548ddb4f.txt"
    seed_items, seed_raw = read_items(seed)
    store.write(seed_items, [seed_raw])
    stats = store.stats()
    assert stats.records == 2 and stats.sources == 2
    assert stats.by_format == {"dfat-markdown": 1, "webpage-text": 1}
    assert stats.by_type.get("cable") == 1


def test_delete_keeps_history_and_a_tombstone(store: SqlStore, dfat_file: Path) -> None:
    items, raw = read_items(dfat_file)
    store.write(items, [raw])
    record = records_of(items)[0]
    assert store.delete(record.id)
    assert store.get(record.id) is None
    assert record.id not in store.ids()
    assert [v.record for v in store.history(record.id)] == [record]
    assert store.delete(record.id) is False
    store.write(items, [raw])  # read again: it comes back as its next version
    again = store.get(record.id)
    assert again is not None and again.version == 2
