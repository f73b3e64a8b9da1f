"""OCR of PDF pages in parallel: one page per core, a failed page reported, the rest read."""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from opis.ocr.language import FIRST_PASS, choose_language, confident_text
from opis.ocr.raster import DPI, rasterise_page
from opis.ocr.tesseract import OcrError, TesseractResult, Word, run_tesseract

ENGINE = "tesseract"
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PageOcr:
    number: int
    text: str
    language: str
    """The language chosen for the page: ``eng``, ``rus``, ``rus+eng`` or ``und``."""
    tesseract_languages: str
    """The models the kept text was read with."""
    mean_confidence: float
    words: tuple[Word, ...]
    dpi: int = DPI


@dataclass(frozen=True)
class PageFailure:
    number: int
    error: str


def ocr_image(image: Path, number: int = 1, dpi: int = DPI) -> PageOcr:
    """OCR one page image, choosing its language from a first ``rus+eng`` pass."""
    first = run_tesseract(image, FIRST_PASS)
    language = choose_language(confident_text((w.text, w.confidence) for w in first.words))
    result: TesseractResult = first
    models = FIRST_PASS
    if language == "eng":
        result, models = run_tesseract(image, "eng"), "eng"
    return PageOcr(number, result.text, language, models, result.mean_confidence, result.words, dpi)


def _ocr_pdf_page(pdf: Path, number: int) -> PageOcr | PageFailure:
    try:
        with tempfile.TemporaryDirectory(prefix=f"opis-ocr-{number}-") as folder:
            image = rasterise_page(pdf, number, Path(folder))
            return ocr_image(image, number)
    except (OcrError, OSError, ValueError) as exc:
        log.warning("OCR failed on page %d: %s", number, exc)
        return PageFailure(number, str(exc))


def default_workers() -> int:
    return os.cpu_count() or 1


def ocr_pdf_pages(
    pdf_bytes: bytes, numbers: Iterable[int], workers: int | None = None
) -> list[PageOcr | PageFailure]:
    """OCR the given 1-based pages of a PDF, in page order, ``workers`` pages at a time.

    tesseract and pdftoppm are subprocesses, so threads keep every core busy.
    """
    wanted = sorted(set(numbers))
    if not wanted:
        return []
    with tempfile.TemporaryDirectory(prefix="opis-ocr-") as folder:
        pdf = Path(folder) / "document.pdf"
        pdf.write_bytes(pdf_bytes)
        with ThreadPoolExecutor(max_workers=workers or default_workers()) as pool:
            return list(pool.map(lambda n: _ocr_pdf_page(pdf, n), wanted))
