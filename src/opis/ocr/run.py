"""OCR over the store: every scan still waiting for its text, read and written back.

``ocr_pending`` finds the records that need OCR (``pending``): image records, and
PDF records that are flagged ``needs_ocr`` or have a page whose text layer scores
below ``USABLE_QUALITY``. Each is OCR'd from its stored source bytes, the header
analysis runs on the new text (``analyse_scan``), and the result is written with
``store.write`` as a new version, so the previous one stays in the history.

Resuming: ``extra["ocr"]["engine_version"]`` records the engine that read a record
("tesseract 5.3.0"). A record read by the engine installed now is done and is
skipped; a record is written as soon as it is read, so an interrupted run loses at
most the records in flight. A page that fails is listed with its error in
``extra["ocr"]`` and in the report; the rest of the record is kept and written.

Records run ``workers`` at a time and each runs its pages ``workers`` at a time
(tesseract and pdftoppm are subprocesses, so threads keep the cores busy); only the
calling thread writes to the store.
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from opis.model import Record
from opis.ocr.image_record import ImageError, ocr_image_record
from opis.ocr.pages import ENGINE
from opis.ocr.quality import USABLE_QUALITY, text_layer_quality
from opis.ocr.record import ocr_record
from opis.ocr.scan_header import analyse_scan
from opis.ocr.tesseract import TESSERACT, OcrError
from opis.readers.base import ReadError
from opis.readers.pdf import PAGE_SEPARATOR
from opis.store.base import PutOutcome, Store

PDF_FORMAT = "pdf"
IMAGE_FORMAT = "image"
DEFAULT_WORKERS = 2


@dataclass(frozen=True)
class PageError:
    record_id: str
    page: int | None
    """None when the whole record failed (source missing, unreadable file)."""
    error: str

    def line(self) -> str:
        where = f"page {self.page}" if self.page is not None else "record"
        return f"FAILED {self.record_id} {where}: {self.error}"


@dataclass(frozen=True)
class RecordOcr:
    """What OCR did to one record (passed to ``on_record`` as each one finishes)."""

    record_id: str
    pages: int
    """Pages OCR'd (not counting pages whose text layer was kept)."""
    failures: tuple[PageError, ...] = ()
    outcome: PutOutcome | None = None
    """The store's outcome; None when nothing was written."""


@dataclass
class OcrReport:
    candidates: int = 0
    """Records that are scans (PDF or image) needing OCR somewhere."""
    already_done: int = 0
    """Of those, records the current engine had read already (skipped)."""
    records: int = 0
    """Records OCR'd and written in this run."""
    pages: int = 0
    failures: list[PageError] = field(default_factory=list)
    seconds: float = 0.0
    written_ids: list[str] = field(default_factory=list)

    @property
    def pages_per_minute(self) -> float:
        return self.pages / self.seconds * 60 if self.seconds > 0 else 0.0


RecordCallback = Callable[[RecordOcr], None]


@cache
def engine_version() -> str:
    """``tesseract 5.3.0``: the engine whose reading a record keeps."""
    try:
        done = subprocess.run(
            [TESSERACT, "--version"], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise OcrError("tesseract is not installed (Debian tesseract-ocr)") from exc
    first = (done.stdout or done.stderr).strip().splitlines()
    return first[0].strip() if first else ENGINE


def is_scan(record: Record) -> bool:
    return not record.metadata_only and record.source.format in (PDF_FORMAT, IMAGE_FORMAT)


def needs_ocr(record: Record) -> bool:
    """A scan with no text, or with a page whose text layer is not usable."""
    if not is_scan(record):
        return False
    if record.source.format == IMAGE_FORMAT or record.needs_ocr or not record.pages:
        return True
    return any(text_layer_quality(text) < USABLE_QUALITY for text in page_texts(record))


def page_texts(record: Record) -> list[str]:
    """Each page's slice of the body, by the pages' offsets."""
    starts = [page.offset for page in record.pages]
    ends = [start - len(PAGE_SEPARATOR) for start in starts[1:]] + [len(record.body)]
    return [record.body[start:end] for start, end in zip(starts, ends, strict=True)]


def ocr_done(record: Record, version: str | None = None) -> bool:
    """Read already by this engine (``engine_version``): nothing to do."""
    ocr = record.extra.get("ocr")
    if not isinstance(ocr, dict):
        return False
    return bool(ocr.get("engine_version") == (version or engine_version()))


def ocr_one(record: Record, source: bytes, workers: int = DEFAULT_WORKERS) -> Record:
    """One scan record OCR'd (PDF or image), with its header read from the new text."""
    if record.source.format == IMAGE_FORMAT:
        read = ocr_image_record(record, source, workers)
    else:
        read = ocr_record(record, source, workers)
    ocr: dict[str, Any] = dict(read.extra.get("ocr", {}))
    ocr["engine_version"] = engine_version()
    ocr["read_at"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    read = read.model_copy(update={"extra": {**read.extra, "ocr": ocr}})
    return analyse_scan(read)


def pending(
    store: Store, record_ids: Iterable[str] | None = None, *, force: bool = False
) -> Iterator[tuple[Record, bool]]:
    """(record, done already) for every scan needing OCR, in id order."""
    version = engine_version()
    if record_ids is not None:
        found = (store.get(record_id) for record_id in record_ids)
        records: Iterable[Record] = (s.record for s in found if s is not None)
    else:
        records = (s.record for s in store.iter_records())
    for record in records:
        if needs_ocr(record) or (is_scan(record) and "ocr" in record.extra):
            yield record, (not force and ocr_done(record, version))


def ocr_pending(
    store: Store,
    workers: int = DEFAULT_WORKERS,
    on_record: RecordCallback | None = None,
    *,
    limit: int | None = None,
    record_ids: Iterable[str] | None = None,
    force: bool = False,
    on_start: Callable[[int], None] | None = None,
) -> OcrReport:
    """OCR every pending scan in ``store`` (or only ``record_ids``); see the module doc.

    ``limit`` caps how many records are OCR'd in this run; ``force`` reads again
    records this engine has read; ``on_start`` gets the number of records to read
    before the first is read (for a progress bar); ``on_record`` is called as each
    record is written or fails.
    """
    started = time.perf_counter()
    report = OcrReport()
    todo: list[Record] = []
    for record, done in pending(store, record_ids, force=force):
        report.candidates += 1
        if done:
            report.already_done += 1
        elif limit is None or len(todo) < limit:
            todo.append(record)
    if on_start is not None:
        on_start(len(todo))
    workers = max(1, workers)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        in_flight: dict[Future[Record], Record] = {}
        queue = iter(todo)
        while True:
            while len(in_flight) < workers:
                waiting = next(queue, None)
                if waiting is None:
                    break
                in_flight[pool.submit(_read, store, waiting, workers)] = waiting
            if not in_flight:
                break
            finished, _ = wait(in_flight, return_when=FIRST_COMPLETED)
            for future in finished:
                record = in_flight.pop(future)
                outcome = _finish(store, record, future, report)
                if on_record is not None:
                    on_record(outcome)
    report.seconds = time.perf_counter() - started
    return report


def _read(store: Store, record: Record, workers: int) -> Record:
    source = store.get_source(record.source.sha256)
    if source is None:
        raise OcrError("the source bytes are not stored (import with --with-sources)")
    return ocr_one(record, source, workers)


def _finish(store: Store, record: Record, future: Future[Record], report: OcrReport) -> RecordOcr:
    try:
        read = future.result()
    except (OcrError, ReadError, ImageError, OSError, ValueError) as exc:
        failure = PageError(record.id, None, str(exc))
        report.failures.append(failure)
        return RecordOcr(record.id, 0, (failure,))
    except Exception as exc:  # a bug on one record must not stop the batch
        failure = PageError(record.id, None, f"internal error ({type(exc).__name__}: {exc})")
        report.failures.append(failure)
        return RecordOcr(record.id, 0, (failure,))
    pages = read.extra["ocr"]["pages"]
    failures = tuple(PageError(record.id, p["page"], p["error"]) for p in pages if "error" in p)
    ocred = sum(1 for p in pages if "words" in p)
    (outcome,) = store.write([read])
    report.records += 1
    report.pages += ocred
    report.failures.extend(failures)
    report.written_ids.append(read.id)
    return RecordOcr(record.id, ocred, failures, outcome)
