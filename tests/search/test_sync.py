"""The index follows the store, and a crash between the two is repaired on the next start.

A child process writes a new version of a real record to the SQLite store and is
killed (SIGKILL) before the index is updated, or in the middle of the update.
The parent then opens both again, sees the difference, and ``sync`` repairs it.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from opis.model import Record
from opis.search import TantivyBackend, reindex, sync
from opis.store.sql import open_sqlite
from tests.search.corpus_sample import dfat_record, wilson_cable, wilson_transcript

REPO = Path(__file__).resolve().parents[2]
CABLE = "wilson-incoming-cable-16"
SUMMARY_WORD = "peninsula"  # only in the editor's summary, not in the cable's text


def first_version(corpus: Path) -> Record:
    """The cable as a reader without summary support would have stored it."""
    return wilson_cable(corpus).model_copy(update={"summary": None})


def _dfat(corpus: Path) -> list[Record]:
    folder = corpus / "dfat" / "volumes" / "volume-14-1948-49-the-commonwealth-asia-and-the-pacific"
    return [dfat_record(p) for p in sorted(folder.glob("*.md"))[:20]]


@pytest.fixture
def home(tmp_path: Path, corpus: Path) -> Path:
    assert SUMMARY_WORD not in first_version(corpus).body
    assert SUMMARY_WORD in (wilson_cable(corpus).summary or "")
    assert not any(SUMMARY_WORD in r.body.lower() for r in _dfat(corpus))
    store = open_sqlite(tmp_path / "store.sqlite")
    store.write([first_version(corpus), *_dfat(corpus)])
    backend = TantivyBackend(tmp_path / "index")
    assert sync(store, backend).indexed == 21
    backend.close()
    store.close()
    return tmp_path


def run_child(home: Path, code: str) -> int:
    script = textwrap.dedent(
        f"""
        import os, signal
        from pathlib import Path
        from opis.search import TantivyBackend, update
        from opis.store.sql import open_sqlite
        from tests.search.corpus_sample import wilson_cable
        home = Path({str(home)!r})
        corpus = Path({str(REPO.parent / "shared" / "corpus")!r})
        store = open_sqlite(home / "store.sqlite")
        backend = TantivyBackend(home / "index")
        def die():
            os.kill(os.getpid(), signal.SIGKILL)
        """
    ) + textwrap.dedent(code)
    return subprocess.run([sys.executable, "-c", script], cwd=REPO, timeout=120).returncode


def _finds(backend: TantivyBackend, query: str) -> list[str]:
    return [h.id for h in backend.search(query, limit=50).hits]


def test_kill_between_store_write_and_index_update_is_repaired(home: Path) -> None:
    code = """
        store.write([wilson_cable(corpus)])   # version 2, with the summary
        die()                                   # before the index hears of it
        update(store, backend, ["wilson-incoming-cable-16"])
    """
    assert run_child(home, code) == -9
    store = open_sqlite(home / "store.sqlite")
    backend = TantivyBackend(home / "index")
    assert store.versions()[CABLE] == 2
    assert backend.indexed_versions()[CABLE] == 1
    assert CABLE not in _finds(backend, SUMMARY_WORD)

    report = sync(store, backend)  # what `opis` does on start

    assert (report.indexed, report.deleted) == (1, 0)
    assert backend.indexed_versions() == store.versions()
    assert _finds(backend, SUMMARY_WORD) == [CABLE]
    assert sync(store, backend).indexed == 0  # nothing left to repair
    backend.close()


def test_kill_after_index_commit_before_ledger_is_repaired(home: Path) -> None:
    code = """
        from opis.search import versions
        versions.VersionLedger.apply = lambda self, *a, **k: die()
        store.write([wilson_cable(corpus)])
        update(store, backend, ["wilson-incoming-cable-16"])   # index commits, then killed
    """
    assert run_child(home, code) == -9
    store = open_sqlite(home / "store.sqlite")
    backend = TantivyBackend(home / "index")
    # The index already holds version 2 but the ledger lags: the safe direction.
    assert _finds(backend, SUMMARY_WORD) == [CABLE]
    assert backend.indexed_versions()[CABLE] == 1

    assert sync(store, backend).indexed == 1

    assert backend.indexed_versions() == store.versions()
    assert backend.search(SUMMARY_WORD).total == 1  # re-indexing replaced, not duplicated
    backend.close()


def test_sync_deletes_what_the_store_does_not_hold(home: Path, corpus: Path) -> None:
    store = open_sqlite(home / "store.sqlite")
    backend = TantivyBackend(home / "index")
    backend.index([(wilson_transcript(corpus), 1)])
    backend.commit()
    assert "wilson-transcript-33548" in _finds(backend, "Вышинский")
    assert sync(store, backend).deleted == 1
    assert "wilson-transcript-33548" not in _finds(backend, "Вышинский")
    assert "wilson-transcript-33548" not in backend.indexed_versions()
    backend.close()


def test_reindex_rebuilds_from_scratch(home: Path) -> None:
    store = open_sqlite(home / "store.sqlite")
    backend = TantivyBackend(home / "index")
    before = backend.search("Korea").total
    report = reindex(store, backend)
    assert report.indexed == store.count() == 21
    assert backend.search("Korea").total == before
    backend.close()


def test_a_reader_sees_what_another_writer_commits(tmp_path: Path, corpus: Path) -> None:
    # The web app reads while `opis ingest` writes through its own backend.
    reader = TantivyBackend(tmp_path / "index")
    assert reader.search("Shtykov").total == 0
    writer = TantivyBackend(tmp_path / "index")
    writer.index([(wilson_cable(corpus), 1)])
    writer.commit()
    assert [h.id for h in reader.search("Shtykov").hits] == [CABLE]
    assert reader.indexed_versions() == {CABLE: 1}
    writer.close()
    reader.close()


def test_an_index_removed_by_hand_is_rebuilt(home: Path) -> None:
    import shutil

    shutil.rmtree(home / "index" / "tantivy")
    store = open_sqlite(home / "store.sqlite")
    backend = TantivyBackend(home / "index")
    assert backend.indexed_versions() == {}
    assert sync(store, backend).indexed == 21
    assert CABLE in _finds(backend, "Shtykov")
    backend.close()


def test_a_sync_with_nothing_to_do_takes_no_writer_lock(home: Path) -> None:
    # So `opis search` may check on start while an ingest holds the writer.
    store = open_sqlite(home / "store.sqlite")
    busy = TantivyBackend(home / "index")
    busy.delete(["not-a-record"])  # takes the writer lock and keeps it
    other = TantivyBackend(home / "index")
    report = sync(store, other)
    assert (report.indexed, report.deleted) == (0, 0)
    busy.close()
    other.close()
