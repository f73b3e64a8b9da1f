"""OCR fixtures: the two Bush memcons OCR'd once per session (4 pages, about 10 s)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from opis.model import Record
from opis.ocr import ocr_record
from opis.readers.base import make_source
from opis.readers.pdf import read_pdf

BANQUET = "1989-02-25-bush-benazir-bhutto-memcon-scowcroft"
KOHL = "1989-06-07-bush-helmut-kohl-telcon-scowcroft"


@pytest.fixture(scope="session", autouse=True)
def ocr_tools() -> None:
    missing = [t for t in ("tesseract", "pdftoppm", "text2image") if shutil.which(t) is None]
    if missing:
        raise RuntimeError(f"OCR tools missing: {missing}; run scripts/setup.sh as root")


def read_record(path: Path) -> tuple[Record, bytes]:
    raw = path.read_bytes()
    record = next(read_pdf(raw, make_source(raw, path.name, "pdf")))
    assert isinstance(record, Record)
    return record, raw


@pytest.fixture(scope="session")
def memcons(corpus: Path) -> dict[str, Record]:
    folder = corpus / "bush41-memcons" / "pdf"
    records = {}
    for stem in (BANQUET, KOHL):
        record, raw = read_record(folder / f"{stem}.pdf")
        records[stem] = ocr_record(record, raw)
    return records
