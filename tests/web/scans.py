"""A temporary archive with a scanned document OCR'd, shared by the IIIF and browser tests.

Holds the Bush Library Kohl telcon (an image-only PDF, 2 pages, OCR'd with
``ocr_pending``), its page 2 rendered at test time as a 100 dpi PNG (an image record,
not OCR'd) and the Wilson seed cable (a born-digital record, no page images).
Built once per test session: the second module to ask reuses the folder.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from opis.archive import open_archive
from opis.ingest import ingest
from opis.ocr.run import ocr_pending
from tests.web.conftest import SEED

KOHL = "1989-06-07-bush-helmut-kohl-telcon-scowcroft"
KOHL_ID = f"pdf-{KOHL}"
KOHL_PDF = Path("bush41-memcons") / "pdf" / f"{KOHL}.pdf"
KOHL_PNG_ID = f"image-{KOHL}-p2"


def scanned_archive(corpus: Path, factory: pytest.TempPathFactory) -> Path:
    home = factory.getbasetemp() / "scans-archive"
    ready = home / "READY"
    if ready.exists():
        return home
    png = factory.mktemp("scans-png") / f"{KOHL}-p2"
    command = ["pdftoppm", "-r", "100", "-png", "-f", "2", "-l", "2", "-singlefile"]
    subprocess.run([*command, str(corpus / KOHL_PDF), str(png)], check=True, timeout=120)
    archive = open_archive(home)
    try:
        for paths, fmt in (
            ([corpus / SEED], "webpage-text"),
            ([corpus / KOHL_PDF, png.with_suffix(".png")], None),
        ):
            report = ingest(archive.store, paths, fmt=fmt)
            assert not report.failed, report.failed
        done = ocr_pending(archive.store, 2, record_ids=[KOHL_ID])
        assert done.records == 1 and not done.failures, done.failures
    finally:
        archive.close()
    ready.write_text("ok\n", encoding="utf-8")
    return home
