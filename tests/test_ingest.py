"""Ingest on real files: counts, re-ingest, bad input, crashes, round trip."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from opis import ingest as opis_ingest
from opis.archive import open_archive
from opis.ingest import ingest
from opis.store.sql import open_sqlite

SEED = "wilson/000_d6b8fba0548ddb4f.txt"
FRUS_SMALL = "frus/volumes/frus1917-72PubDip.xml"  # 44 documents
DFAT_VOL = "dfat/volumes/volume-9-1946-january-june"


def opis(
    *args: str, home: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "OPIS_HOME": str(home), **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "opis.cli", *args],
        capture_output=True,
        text=True,
        env=environment,
        timeout=600,
    )


def copy_slice(corpus: Path, dest: Path, names: list[str]) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    for name in names:
        shutil.copy(corpus / name, dest / Path(name).name)
    return dest


def test_reingest_is_unchanged_and_changed_source_is_versioned(
    corpus: Path, tmp_path: Path
) -> None:
    folder = copy_slice(corpus, tmp_path / "in", [SEED, FRUS_SMALL])
    archive = open_archive(tmp_path / "home")
    first = ingest(archive.store, [folder])
    assert (first.created, first.failed) == (45, [])
    second = ingest(archive.store, [folder])
    assert (second.created, second.updated, second.unchanged) == (0, 0, 45)
    forced = ingest(archive.store, [folder], force=True)
    assert (forced.created, forced.updated, forced.unchanged) == (0, 0, 45)
    seed = folder / Path(SEED).name
    seed.write_bytes(
        seed.read_bytes().replace(b"Awaiting your instructions.", b"Awaiting instructions.")
    )
    third = ingest(archive.store, [folder])
    assert (third.updated, third.unchanged) == (1, 44)
    assert archive.store.count() == 45
    [record_id] = [r["id"] for r in archive.store.list_records() if r["id"].startswith("wilson-")]
    history = archive.store.history(record_id)
    assert len(history) == 2 and "Awaiting your instructions." in history[0].record.body


def test_a_new_reader_version_reads_every_file_again(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = copy_slice(corpus, tmp_path / "in", [SEED, FRUS_SMALL])
    archive = open_archive(tmp_path / "home")
    ingest(archive.store, [folder])
    assert ingest(archive.store, [folder]).unchanged_files == 2
    # A mended reader or analyser: the same files are read again, without --force.
    monkeypatch.setattr(opis_ingest, "reader_version", lambda: "0+mended")
    again = ingest(archive.store, [folder])
    assert (again.unchanged_files, again.created, again.unchanged) == (0, 0, 45)
    assert ingest(archive.store, [folder]).unchanged_files == 2


def test_the_reader_version_follows_the_code_and_data_that_make_records(tmp_path: Path) -> None:
    package = tmp_path / "opis"
    source = Path(opis_ingest.__file__).parent
    for folder in opis_ingest.RECORD_MAKERS:
        shutil.copytree(source / folder, package / folder, ignore=shutil.ignore_patterns("*.pyc"))
    version = opis_ingest.reader_version.__wrapped__(package)
    assert version == opis_ingest.reader_version()  # the installed code, digested alike
    (package / "readers" / "__pycache__").mkdir(exist_ok=True)
    (package / "readers" / "__pycache__" / "x.pyc").write_bytes(b"compiled")
    assert opis_ingest.reader_version.__wrapped__(package) == version
    model = next(p for p in sorted((package / "analysis" / "data").iterdir()) if p.is_file())
    model.write_bytes(model.read_bytes() + b"\n")
    assert opis_ingest.reader_version.__wrapped__(package) != version


def test_bad_input_fails_one_file_at_a_time_and_keeps_what_is_stored(
    corpus: Path, tmp_path: Path
) -> None:
    good = copy_slice(corpus, tmp_path / "good", [SEED, FRUS_SMALL])
    archive = open_archive(tmp_path / "home")
    ingest(archive.store, [good])
    before = {s.record.id: s.record for s in archive.store.iter_records()}

    bad = tmp_path / "bad"
    bad.mkdir()
    volume = (corpus / FRUS_SMALL).read_bytes()
    (bad / "truncated.xml").write_bytes(volume[: len(volume) // 2])
    (bad / "empty.md").write_bytes(b"")
    (bad / "blank.txt").write_bytes(b" \n" * 6000)  # longer than the detection head
    (bad / "junk.pdf").write_bytes(b"%PDF-1.4\n" + os.urandom(2000))
    (bad / "junk.xml").write_bytes(os.urandom(3000))
    (bad / "junk.md").write_bytes(b"\x00\x01\x02" * 500)
    huge = bad / "huge.xml"
    with huge.open("wb") as handle:  # sparse: 200 MB on paper, nothing on disk
        handle.truncate(200 * 1024 * 1024)
    # The same path as a stored file, now broken: the stored record must survive.
    (good / Path(FRUS_SMALL).name).write_bytes(volume[:1000])
    report = ingest(archive.store, [bad, good])
    failed = dict(report.failed)
    assert len(failed) == 8, failed
    assert failed[str((bad / "blank.txt").resolve())] == "empty file"
    assert "line" in failed[str((bad / "truncated.xml").resolve())]
    assert failed[str((bad / "empty.md").resolve())] == "empty file"
    assert "too large" in failed[str(huge.resolve())]
    for message in failed.values():
        assert "\n" not in message and "Traceback" not in message
    after = {s.record.id: s.record for s in archive.store.iter_records()}
    assert after == before


def test_encodings_give_the_same_record(corpus: Path, tmp_path: Path) -> None:
    text = (corpus / SEED).read_bytes().decode("utf-8")
    folder = tmp_path / "enc"
    folder.mkdir()
    (folder / "bom-crlf.txt").write_bytes(
        b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8")
    )
    (folder / "cp1251.txt").write_bytes(text.encode("cp1251"))
    records = []
    for name in ("bom-crlf.txt", "cp1251.txt"):
        archive = open_archive(tmp_path / name)
        report = ingest(archive.store, [folder / name])
        assert report.failed == [] and report.created == 1
        records.append(next(archive.store.iter_records()).record)
    reference_home = open_archive(tmp_path / "utf8")
    ingest(reference_home.store, [corpus / SEED])
    reference = next(reference_home.store.iter_records()).record
    for record in records:
        assert record.model_dump(exclude={"source"}) == reference.model_dump(exclude={"source"})
    # The seed's only non-ASCII characters (curly quotes) are the same bytes in
    # cp1251 and cp1252, so either name is right for it.
    assert records[1].source.encoding in ("cp1251", "cp1252")


def test_cyrillic_cp1251_gives_the_same_record(corpus: Path, tmp_path: Path) -> None:
    # The API response escapes Cyrillic as \\uXXXX; write it out as cp1251 bytes.
    data = json.loads((corpus / "wilson/transcript.json").read_bytes())
    legacy = tmp_path / "transcript.json"
    legacy.write_bytes(json.dumps(data, ensure_ascii=False).encode("cp1251", errors="strict"))
    homes = []
    for path in (corpus / "wilson/transcript.json", legacy):
        archive = open_archive(tmp_path / f"home-{len(homes)}")
        report = ingest(archive.store, [path])
        assert report.failed == [] and report.created == 1
        homes.append(next(archive.store.iter_records()).record)
    utf8, cp1251 = homes
    assert cp1251.source.encoding == "cp1251"
    assert "Рощин" in cp1251.body
    assert cp1251.model_dump(exclude={"source"}) == utf8.model_dump(exclude={"source"})


def test_crash_in_the_middle_of_a_file_leaves_it_unwritten_then_resumes(
    corpus: Path, tmp_path: Path
) -> None:
    folder = copy_slice(corpus, tmp_path / "in", [SEED, FRUS_SMALL])
    home = tmp_path / "home"
    # Files are read in name order: the seed page (1 record) is committed
    # first, then the crash hits inside the FRUS volume's transaction (44 records).
    crashed = opis(
        "ingest", str(folder), "--workers", "1", home=home, env={"OPIS_CRASH_AFTER_RECORDS": "20"}
    )
    assert crashed.returncode == 70, crashed.stderr
    store = open_sqlite(home / "opis.db")
    ids = store.ids()
    assert len(ids) == 1 and ids[0].startswith("wilson-")  # no half-written volume
    store.close()
    resumed = opis("ingest", str(folder), home=home)
    assert resumed.returncode == 0, resumed.stderr
    assert "44 records ingested, 0 updated, 1 unchanged" in resumed.stdout
    store = open_sqlite(home / "opis.db")
    assert store.count() == 45


def test_kill_during_a_large_ingest_then_next_run_completes(corpus: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    env = {**os.environ, "OPIS_HOME": str(home)}
    process = subprocess.Popen(
        [sys.executable, "-m", "opis.cli", "ingest", str(corpus / DFAT_VOL), "--workers", "1"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.time() + 120
    count = 0
    while time.time() < deadline and process.poll() is None:
        time.sleep(0.2)
        if (home / "opis.db").exists():
            try:
                store = open_sqlite(home / "opis.db")
                count = store.count()
                store.close()
            except Exception:
                continue
            if count >= 50:
                break
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert count >= 50, "ingest did not get going"
    store = open_sqlite(home / "opis.db")
    partial = list(store.iter_records())
    assert 50 <= len(partial) < 336
    store.close()
    resumed = opis("ingest", str(corpus / DFAT_VOL), home=home)
    assert resumed.returncode == 0, resumed.stderr
    store = open_sqlite(home / "opis.db")
    assert store.count() == 336


def test_export_then_import_gives_identical_records(corpus: Path, tmp_path: Path) -> None:
    folder = copy_slice(corpus, tmp_path / "in", [SEED, FRUS_SMALL, "wilson/transcript.json"])
    for path in sorted((corpus / DFAT_VOL).glob("*.md"))[:30]:
        shutil.copy(path, folder / path.name)
    assert opis("ingest", str(folder), home=tmp_path / "a").returncode == 0
    export = tmp_path / "export.jsonl"
    result = opis(
        "export", "--format", "jsonl", "--out", str(export), "--with-sources", home=tmp_path / "a"
    )
    assert result.returncode == 0, result.stderr
    imported = opis("ingest", str(export), home=tmp_path / "b")
    assert imported.returncode == 0, imported.stdout + imported.stderr
    a = open_sqlite(tmp_path / "a" / "opis.db")
    b = open_sqlite(tmp_path / "b" / "opis.db")
    left = {s.record.id: s.record for s in a.iter_records()}
    right = {s.record.id: s.record for s in b.iter_records()}
    assert left.keys() == right.keys() and len(left) == 76
    for record_id, record in left.items():
        for field in type(record).model_fields:
            assert getattr(right[record_id], field) == getattr(record, field), (record_id, field)
        assert b.get_source(record.source.sha256) == a.get_source(record.source.sha256)
    lines = export.read_text(encoding="utf-8").splitlines()
    assert sum(1 for line in lines if "opis_source" not in json.loads(line)) == 76


def test_cli_exit_codes_and_record_json(corpus: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    ok = opis("ingest", str(corpus / SEED), home=home)
    assert ok.returncode == 0 and "1 records ingested" in ok.stdout
    bad = tmp_path / "broken.xml"
    bad.write_bytes(b"<TEI xmlns='http://www.tei-c.org/ns/1.0'><text><body><div type='document'>")
    failed = opis("ingest", str(bad), "--format", "frus-tei", home=home)
    assert failed.returncode == 1
    assert failed.stderr.count("FAILED") == 1 and "broken.xml" in failed.stderr
    assert opis("ingest", str(tmp_path / "nope"), home=home).returncode == 2
    assert opis("ingest", str(bad), "--format", "nonsense", home=home).returncode == 2
    shown = opis("list", home=home).stdout
    assert "Incoming Cable No. 16" in shown
    ids = [line.split()[0] for line in shown.splitlines()]
    data = json.loads(opis("show", ids[0], "--json", home=home).stdout)
    assert set(data) >= {
        "id",
        "title",
        "type",
        "number",
        "date",
        "date_start",
        "date_end",
        "from",
        "to",
        "places",
        "languages",
        "body",
        "summary",
        "transmission",
        "annotations",
        "citation",
        "contributors",
        "rights",
        "source",
    }
    assert data["citation"]["fond"] == "558" and data["source"]["format"] == "webpage-text"
    assert opis("show", "no-such-id", home=home).returncode == 1
    stats = json.loads(opis("stats", "--json", home=home).stdout)
    assert stats["records"] == 1


DFAT_V5 = "dfat/volumes/volume-5-1941-july-1942-june"
CASEY = "8-mr-r-g-casey-minister-to-the-united-states-to-department-of-external-affairs.md"
BRUCE = "8-prime-minister-s-department-to-mr-s-m-bruce-high-commissioner-in-the-united-kingdom.md"


def dfat_catalogue_slice(corpus: Path, dest: Path) -> Path:
    """The real catalogue rows of volume 5's documents 7 to 9 (two of them numbered 8)."""
    lines = (corpus / "dfat/documents.csv").read_bytes().splitlines(keepends=True)
    wanted = (b"1760", b"1761", b"1762", b"1763")
    rows = [line for line in lines if line.split(b",", 1)[0] in wanted]
    assert len(rows) == 4
    dest.mkdir(parents=True, exist_ok=True)
    (dest / "documents.csv").write_bytes(b"".join(rows))
    return dest / "documents.csv"


def test_two_documents_a_source_numbers_alike_are_both_kept(corpus: Path, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    dfat_catalogue_slice(corpus, folder)
    copy_slice(corpus, folder / "volume-5", [f"{DFAT_V5}/{CASEY}", f"{DFAT_V5}/{BRUCE}"])
    archive = open_archive(tmp_path / "home")
    first = ingest(archive.store, [folder])
    assert first.failed == []
    assert (first.created, first.completed) == (4, 2)
    titles = {
        i: archive.store.get(i).record.title  # type: ignore[union-attr]
        for i in ("dfat-v5-7", "dfat-v5-8", "dfat-v5-8-2", "dfat-v5-9")
    }
    # The catalogue's two rows numbered 8 and the two files agree, in the volume's order.
    assert titles["dfat-v5-8"].startswith("Mr R. G. Casey")
    assert titles["dfat-v5-8-2"].startswith("Prime Minister's Department")
    for record_id in ("dfat-v5-8", "dfat-v5-8-2"):
        stored = archive.store.get(record_id)
        assert stored is not None and not stored.record.metadata_only
        assert stored.version == 2  # the catalogue entry, then the document
    again = ingest(archive.store, [folder], force=True)
    assert (again.created, again.updated, again.completed) == (0, 0, 0)
    assert archive.store.count() == 4

    # Editing a file changes its own record, whichever id it holds.
    bruce = folder / "volume-5" / BRUCE
    bruce.write_bytes(bruce.read_bytes().replace(b"MOST SECRET", b"MOST  SECRET", 1))
    edited = ingest(archive.store, [folder])
    assert (edited.created, edited.updated) == (0, 1)
    assert archive.store.get("dfat-v5-8-2").version == 3  # type: ignore[union-attr]
    assert archive.store.get("dfat-v5-8").version == 2  # type: ignore[union-attr]

    # A file moved to another folder is the same document, not a second one.
    (folder / "moved").mkdir()
    (folder / "volume-5" / CASEY).rename(folder / "moved" / CASEY)
    moved = ingest(archive.store, [folder])
    assert moved.created == 0 and archive.store.count() == 4
