"""Rasterising one PDF page to PNG with poppler's ``pdftoppm``."""

from __future__ import annotations

import subprocess
from pathlib import Path

from opis.ocr.tesseract import OcrError

PDFTOPPM = "pdftoppm"
DPI = 300
TIMEOUT_SECONDS = 120


def rasterise_page(pdf: Path, number: int, folder: Path, dpi: int = DPI) -> Path:
    """Page ``number`` (1-based) of ``pdf`` as a PNG in ``folder``."""
    prefix = folder / f"page-{number}"
    command = [PDFTOPPM, "-r", str(dpi), "-png", "-f", str(number), "-l", str(number)]
    command += ["-singlefile", str(pdf), str(prefix)]
    try:
        subprocess.run(command, check=True, capture_output=True, timeout=TIMEOUT_SECONDS)
    except FileNotFoundError as exc:
        raise OcrError("pdftoppm is not installed (Debian poppler-utils)") from exc
    except subprocess.CalledProcessError as exc:
        raise OcrError(f"pdftoppm failed: {exc.stderr.decode(errors='replace')[-300:]}") from exc
    except subprocess.TimeoutExpired as exc:
        raise OcrError(f"pdftoppm timed out after {TIMEOUT_SECONDS} s") from exc
    image = prefix.with_suffix(".png")
    if not image.exists():
        raise OcrError(f"pdftoppm made no image for page {number}")
    return image
