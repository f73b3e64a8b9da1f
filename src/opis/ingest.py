"""Ingest: files on disk -> readers -> store, one transaction per file.

A bad file is reported on one line and the batch goes on. A file whose bytes
and reader version are unchanged since its last successful ingest is not
read again, which is also how an interrupted run resumes cheaply.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import BinaryIO, cast

from opis import __version__
from opis.analysis.enrich import enrich
from opis.model import Collection, RawSource, Record
from opis.readers import registry
from opis.readers.base import Item, NotADocument, ReadError, make_source, repeated_id
from opis.readers.sniff import unreadable_reason
from opis.store.base import FileMark, PutOutcome, SourceKey, Store

RECORD_MAKERS = ("readers", "analysis", "ocr")
"""The subpackages whose code and data make records out of files."""


@cache
def reader_version(package: Path = Path(__file__).parent) -> str:
    """The opis version and a digest of every file of ``RECORD_MAKERS``.

    Kept with each file's ingest mark: a file whose mark has another version is read
    again by the next ``opis ingest``, so a mended reader or a retrained tagger
    reaches records already stored without ``--force`` (a suffix bumped by hand was
    forgotten for the NAA series fix). A change to a comment re-reads too; a whole-corpus
    re-read costs minutes, a stale record is wrong until someone notices.
    """
    digest = hashlib.sha256()
    for folder in RECORD_MAKERS:
        for path in sorted((package / folder).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(path.relative_to(package).as_posix().encode("utf-8") + b"\0")
                digest.update(path.read_bytes())
    return f"{__version__}+{digest.hexdigest()[:12]}"


UNANALYSED = "+unanalysed"
"""Suffix of the version mark when analysis was switched off (benchmarks)."""

DEFAULT_MAX_BYTES = 64 * 1024 * 1024


@dataclass
class IngestReport:
    files: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    completed: int = 0
    covered: int = 0
    collections: int = 0
    unchanged_files: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    by_format: dict[str, int] = field(default_factory=dict)

    @property
    def records(self) -> int:
        return self.created + self.updated + self.unchanged + self.completed + self.covered

    def count(self, outcomes: Iterable[PutOutcome | None], fmt: str) -> None:
        for outcome in outcomes:
            if outcome is None:
                self.collections += 1
                continue
            setattr(self, outcome.value, getattr(self, outcome.value) + 1)
            self.by_format[fmt] = self.by_format.get(fmt, 0) + 1


@dataclass(frozen=True)
class FileRead:
    """What reading one file gave: items, or a reason it gave none."""

    path: str
    sha256: str
    size: int
    fmt: str | None = None
    items: tuple[Item, ...] = ()
    content: bytes | None = None
    error: str | None = None
    skipped: str | None = None
    stream: bool = False


def discover(paths: Sequence[Path]) -> Iterator[Path]:
    """Every regular file under ``paths``, sorted, hidden files and folders left out."""
    for path, _relative in discover_relative(paths):
        yield path


def discover_relative(paths: Sequence[Path]) -> Iterator[tuple[Path, str]]:
    """Like ``discover``, with each file's path relative to the folder it was found under."""
    for path in paths:
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if not name.startswith("."):
                        found = Path(root) / name
                        yield found, found.relative_to(path).as_posix()
        else:
            yield path, path.name


def read_file(
    path: Path,
    fmt: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    relative: str | None = None,
    analyse: bool = True,
) -> FileRead:
    """Read and parse one file; never raises for bad input.

    A file whose reader streams (an opis JSONL backup) is only detected here;
    the ingester streams it itself so it may be of any size.
    """
    name = str(path)
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            head = handle.read(registry.HEAD_BYTES)
    except OSError as exc:
        return FileRead(name, "", 0, error=f"cannot read: {exc.strerror or exc}")
    if size == 0 or (size <= len(head) and not head.strip()):
        return FileRead(name, "", size, error="empty file")
    try:
        reader = registry.by_format(fmt) if fmt else registry.detect(path.name, head)
    except KeyError as exc:
        return FileRead(name, "", size, error=str(exc.args[0]))
    if reader is not None and reader.read_stream is not None:
        return FileRead(name, "", size, reader.format, stream=True)
    if size > max_bytes:
        limit = f"limit {max_bytes / 2**20:.0f} MiB, raise it with --max-size"
        return FileRead(name, "", size, error=f"file too large ({size / 2**20:.1f} MiB; {limit})")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return FileRead(name, "", size, error=f"cannot read: {exc.strerror or exc}")
    sha256 = hashlib.sha256(raw).hexdigest()
    if not raw.strip():
        return FileRead(name, sha256, size, error="empty file")
    if reader is None:
        reason = unreadable_reason(path.name, raw)
        if reason is not None:
            return FileRead(name, sha256, size, error=reason)
        return FileRead(name, sha256, size, skipped="not a recognised document format")
    source = make_source(raw, path.name, reader.format, reader.media_type, relative)
    try:
        items = tuple(reader.read(raw, source))
    except ReadError as exc:
        return FileRead(name, sha256, size, reader.format, error=str(exc))
    except NotADocument as exc:
        return FileRead(name, sha256, size, reader.format, skipped=str(exc))
    except Exception as exc:  # a reader bug must not stop the batch
        return FileRead(
            name,
            sha256,
            size,
            reader.format,
            error=f"internal reader error ({type(exc).__name__}: {exc})",
        )
    if not items:
        return FileRead(name, sha256, size, reader.format, error="no documents found")
    if analyse:
        items = tuple(enrich(i) if isinstance(i, Record) else i for i in items)
    content = raw if reader.keep_container else None
    return FileRead(name, sha256, size, reader.format, items, content)


_Job = tuple[str, str | None, int, str, bool]


def _read_job(args: _Job) -> FileRead:
    return read_file(Path(args[0]), args[1], args[2], args[3], args[4])


ProgressCallback = Callable[[FileRead | None, str], None]


def ingest(
    store: Store,
    paths: Sequence[Path],
    *,
    fmt: str | None = None,
    force: bool = False,
    max_bytes: int = DEFAULT_MAX_BYTES,
    workers: int = 1,
    on_file: ProgressCallback | None = None,
    analyse: bool = True,
) -> IngestReport:
    """Ingest every file under ``paths``; see the module docstring.

    ``analyse=False`` stores records as the readers give them, without names and
    references found by analysis (the benchmark uses it to measure their cost).
    """
    report = IngestReport()
    version = reader_version() + ("" if analyse else UNANALYSED)
    pending: list[_Job] = []
    for path, relative in discover_relative(paths):
        report.files += 1
        if not force and _unchanged_since_last_ingest(store, path, report, version):
            if on_file:
                on_file(None, str(path))
            continue
        pending.append((str(path.resolve()), fmt, max_bytes, relative, analyse))
    for result in _map_reads(pending, workers):
        _store_result(store, result, report, version)
        if on_file:
            on_file(result, result.path)
    return report


def _map_reads(jobs: list[_Job], workers: int) -> Iterator[FileRead]:
    if workers <= 1 or len(jobs) < 50:
        yield from map(_read_job, jobs)
        return
    executor: Executor = ProcessPoolExecutor(max_workers=workers)
    try:
        # Readers are pure, so parsing runs in worker processes; only this
        # process writes, which keeps every transaction single-writer.
        yield from executor.map(_read_job, jobs, chunksize=16)
    finally:
        executor.shutdown(cancel_futures=True)


def _unchanged_since_last_ingest(
    store: Store, path: Path, report: IngestReport, version: str
) -> bool:
    mark = store.file_mark(str(path.resolve()))
    if mark is None or mark.status == "failed" or mark.reader_version != version:
        return False
    try:
        sha256 = hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return False
    if sha256 != mark.sha256:
        return False
    report.unchanged_files += 1
    report.unchanged += mark.records
    if mark.status == "skipped":
        report.skipped.append((str(path), mark.message or "skipped"))
    return True


STREAM_BATCH = 200


def _store_result(store: Store, result: FileRead, report: IngestReport, version: str) -> None:
    if result.error is not None:
        report.failed.append((result.path, result.error))
        store.mark_file(
            FileMark(result.path, result.sha256, version, "failed", message=result.error)
        )
        return
    if result.skipped is not None:
        report.skipped.append((result.path, result.skipped))
        store.mark_file(
            FileMark(result.path, result.sha256, version, "skipped", message=result.skipped)
        )
        return
    assert result.fmt is not None
    if result.stream:
        _store_stream(store, Path(result.path), result.fmt, report, version)
        return
    sources = []
    if result.content is not None:
        sources.append(RawSource(result.sha256, result.content, Path(result.path).name, result.fmt))
    mark = FileMark(result.path, result.sha256, version, "ok", records=_count_records(result.items))
    items = distinct_ids(store, list(result.items), Path(result.path))
    _write(store, items, sources, report, result.fmt, mark)


def _store_stream(store: Store, path: Path, fmt: str, report: IngestReport, version: str) -> None:
    """Write a streamed file in batches: each batch is one transaction."""
    reader = registry.by_format(fmt)
    assert reader.read_stream is not None
    digest = hashlib.sha256()
    batch: list[Item] = []
    records = 0
    try:
        with path.open("rb") as handle:
            source = make_source(b"", path.name, fmt, reader.media_type)
            for item in reader.read_stream(cast(BinaryIO, _HashingReader(handle, digest)), source):
                batch.append(item)
                if len(batch) >= STREAM_BATCH:
                    records += _write(store, batch, [], report, fmt, None)
                    batch = []
    except (ReadError, OSError) as exc:
        message = str(exc)
        report.failed.append((str(path), message))
        store.mark_file(FileMark(str(path), "", version, "failed", message=message))
        return
    records += _write(store, batch, [], report, fmt, None)
    store.mark_file(FileMark(str(path), digest.hexdigest(), version, "ok", records=records))


class _HashingReader:
    """A binary file wrapper that hashes what is read, so streaming still yields a sha256."""

    def __init__(self, handle: BinaryIO, digest: hashlib._Hash) -> None:
        self._handle = handle
        self._digest = digest

    def read(self, size: int = -1) -> bytes:
        data = self._handle.read(size)
        self._digest.update(data)
        return data

    def readline(self, size: int = -1) -> bytes:
        data = self._handle.readline(size)
        self._digest.update(data)
        return data

    def __iter__(self) -> Iterator[bytes]:
        return iter(self.readline, b"")


def distinct_ids(store: Store, items: list[Item], path: Path) -> list[Item]:
    """``items`` of the file at ``path``, a record whose id another document holds
    renamed as ``repeated_id`` has it (``ID-2``, ``-3``...), so that neither replaces the other.

    Sources err: DFAT's volume 5 numbers two documents 8, and its catalogue lists both
    as 8. Two documents clash when one file gives the id twice, or when the store holds
    the id from a file of the same format, other bytes and another name that still
    stands beside this one (a file edited, moved or renamed is the same document).
    The first document to take an id keeps it, as an accession number is never given
    again; the next free suffix, or the one this file already holds, goes to the other.
    """
    held = store.source_keys([item.id for item in items if isinstance(item, Record)])
    taken: set[str] = set()
    result: list[Item] = []
    for item in items:
        if isinstance(item, Record):
            new_id, occurrence = item.id, 1
            while new_id in taken or _held_by_another(store, held.get(new_id), new_id, item, path):
                occurrence += 1
                new_id = repeated_id(item.id, occurrence)
                held.update(store.source_keys([new_id]))  # only after a clash: rare
            taken.add(new_id)
            if new_id != item.id:
                item = item.model_copy(update={"id": new_id})
        result.append(item)
    return result


def _held_by_another(
    store: Store, key: SourceKey | None, record_id: str, record: Record, path: Path
) -> bool:
    if key is None or key.format != record.source.format or key.sha256 == record.source.sha256:
        return False
    # Rare (the stored record came from other bytes): load it to see where from.
    stored = store.get(record_id)
    if stored is None or stored.record.metadata_only:
        return False
    other = stored.record.source
    if other.filename == record.source.filename or not other.path or not record.source.path:
        return False
    root = _root_of(path, record.source.path)
    return root is not None and (root / other.path).is_file()


def _root_of(path: Path, relative: str) -> Path | None:
    """The folder ``path`` was found under, given its ``relative`` path there."""
    parts = Path(relative).parts
    if tuple(path.parts[-len(parts) :]) != parts:
        return None
    return path.parents[len(parts) - 1]


def _count_records(items: Iterable[Item]) -> int:
    return sum(1 for item in items if isinstance(item, Record))


def _write(
    store: Store,
    items: list[Item],
    sources: list[RawSource],
    report: IngestReport,
    fmt: str,
    mark: FileMark | None,
) -> int:
    carried = [item for item in items if isinstance(item, RawSource)]
    documents = [item for item in _dedupe_collections(items) if not isinstance(item, RawSource)]
    kept = [item for item in documents if _already_ocred(store, item)]
    if kept:
        documents = [item for item in documents if item not in kept]
        report.count([PutOutcome.UNCHANGED] * len(kept), fmt)
    outcomes = store.write(documents, sources + carried, mark)
    report.count(outcomes, fmt)
    return _count_records(documents)


OCR_FORMATS = frozenset({"pdf", "image"})


def _already_ocred(store: Store, item: Item) -> bool:
    """A scan OCR'd from these very bytes keeps its OCR'd version: reading the file
    again (``--force``, a reader change) would otherwise replace it with the reader's
    text-less one. ``opis ocr --force`` reads it again."""
    if not isinstance(item, Record) or item.source.format not in OCR_FORMATS:
        return False
    stored = store.get(item.id)
    return (
        stored is not None
        and "ocr" in stored.record.extra
        and stored.record.source.sha256 == item.source.sha256
    )


def _dedupe_collections(items: Iterable[Item]) -> Iterator[Item]:
    """Readers may repeat a collection with every record; write it once per file."""
    seen: set[str] = set()
    for item in items:
        if isinstance(item, Collection):
            if item.id in seen:
                continue
            seen.add(item.id)
        yield item
