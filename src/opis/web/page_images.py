"""Page images of stored scans, rasterised once and cached under ``<home>/cache/pages/``.

A PDF page is rasterised with ``pdftoppm`` at ``DPI`` (300, the OCR resolution,
so OCR word boxes fall on the image's pixels), lowered for huge pages so no side
exceeds ``MAX_SIDE``. Its pixel size is computed from the PDF's crop box and
rotation, and pdftoppm is told that exact size (``-scale-to-x/-y``): manifest,
``info.json`` and the image agree without rasterising every page first. An image
record's page is its frame as stored.

Files are keyed by the source's sha256 (``<sha256>/p<page>.png``), written to a
temporary name and renamed, so concurrent requests never see half a file; the last
few decoded pages stay in memory for the tile requests that follow each other.
"""

from __future__ import annotations

import io
import math
import os
import shutil
import subprocess
import tempfile
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from opis.model import Record
from opis.readers.base import ReadError

if TYPE_CHECKING:
    from PIL.Image import Image

DPI = 300
MAX_SIDE = 6000
DECODED_PAGES = 6
PDFTOPPM_TIMEOUT = 120
PAGE_FORMATS = ("pdf", "image")


class PageImageError(Exception):
    """A page image could not be made (tool missing, damaged source)."""


@dataclass(frozen=True)
class PageSize:
    width: int
    height: int
    dpi: float
    """Pixels per inch of the served image (for scaling OCR boxes read at another dpi)."""


def has_page_images(record: Record) -> bool:
    return record.source.format in PAGE_FORMATS and bool(record.pages) and not record.metadata_only


def pdf_page_sizes(pdf: bytes) -> list[PageSize]:
    """Pixel size of every page as served: crop box at ``DPI``, rotation applied."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        pages = [_page_points(page) for page in PdfReader(io.BytesIO(pdf)).pages]
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, OSError) as exc:
        raise ReadError(f"unreadable PDF: {type(exc).__name__}: {exc}", "byte 0") from exc
    sizes = []
    for width_pt, height_pt in pages:
        dpi = min(float(DPI), MAX_SIDE * 72 / max(width_pt, height_pt, 1.0))
        width = max(1, round(width_pt * dpi / 72))
        height = max(1, round(height_pt * dpi / 72))
        sizes.append(PageSize(width, height, dpi))
    return sizes


def _page_points(page: Any) -> tuple[float, float]:
    """(width, height) in points as displayed: the crop box, turned by /Rotate."""
    box = page.cropbox
    width, height = float(box.width), float(box.height)
    if int(page.rotation or 0) % 180 == 90:
        return height, width
    return width, height


def image_page_sizes(raw: bytes) -> list[PageSize]:
    from opis.ocr.image_record import image_dpi, image_frames

    dpi = image_dpi(raw)
    return [PageSize(f.width, f.height, float(dpi)) for f in image_frames(raw)]


class PageImages:
    """Page sizes and page images of records, from the store's source bytes."""

    def __init__(self, cache: Path) -> None:
        self.cache = cache
        self._sizes: dict[str, list[PageSize]] = {}
        self._decoded: OrderedDict[tuple[str, int], Image] = OrderedDict()
        self._lock = threading.Lock()
        self._making: dict[tuple[str, int], threading.Lock] = {}

    def sizes(self, record: Record, source: bytes) -> list[PageSize]:
        key = record.source.sha256
        with self._lock:
            known = self._sizes.get(key)
        if known is not None:
            return known
        if record.source.format == "image":
            found = image_page_sizes(source)
        else:
            found = pdf_page_sizes(source)
        with self._lock:
            self._sizes[key] = found
        return found

    def page(self, record: Record, number: int, source: bytes) -> Image:
        """Page ``number`` (1-based) decoded; rasterised and cached on first use."""
        from PIL import Image as PILImage

        key = (record.source.sha256, number)
        with self._lock:
            if key in self._decoded:
                self._decoded.move_to_end(key)
                return self._decoded[key]
        path = self.page_file(record, number, source)
        with PILImage.open(path) as opened:
            opened.load()
            image = opened if opened.mode in ("RGB", "L") else opened.convert("RGB")
        with self._lock:
            self._decoded[key] = image
            while len(self._decoded) > DECODED_PAGES:
                self._decoded.popitem(last=False)
        return image

    def page_file(self, record: Record, number: int, source: bytes) -> Path:
        sizes = self.sizes(record, source)
        if not 1 <= number <= len(sizes):
            raise PageImageError(f"no page {number}")
        path = self.cache / record.source.sha256 / f"p{number}.png"
        if path.exists():
            return path
        key = (record.source.sha256, number)
        with self._lock:
            making = self._making.setdefault(key, threading.Lock())
        with making:  # one rasterisation per page, however many requests wait for it
            if not path.exists():
                path.parent.mkdir(parents=True, exist_ok=True)
                if record.source.format == "image":
                    _save_frame(source, number, path)
                else:
                    _rasterise(source, number, sizes[number - 1], path)
        return path


def _save_frame(raw: bytes, number: int, path: Path) -> None:
    from opis.ocr.image_record import image_frames

    frame = image_frames(raw)[number - 1]
    _atomic_save(frame, path)


def _rasterise(pdf: bytes, number: int, size: PageSize, path: Path) -> None:
    from PIL import Image as PILImage

    with tempfile.TemporaryDirectory(prefix="opis-page-") as folder:
        source = Path(folder) / "source.pdf"
        source.write_bytes(pdf)
        prefix = Path(folder) / "page"
        command = ["pdftoppm", "-r", str(math.ceil(size.dpi)), "-png"]
        command += ["-scale-to-x", str(size.width), "-scale-to-y", str(size.height)]
        command += ["-f", str(number), "-l", str(number), "-singlefile", str(source), str(prefix)]
        try:
            subprocess.run(command, check=True, capture_output=True, timeout=PDFTOPPM_TIMEOUT)
        except FileNotFoundError as exc:
            raise PageImageError("pdftoppm is not installed (Debian poppler-utils)") from exc
        except subprocess.CalledProcessError as exc:
            message = exc.stderr.decode(errors="replace")[-300:]
            raise PageImageError(f"pdftoppm failed on page {number}: {message}") from exc
        except subprocess.TimeoutExpired as exc:
            raise PageImageError(f"pdftoppm timed out on page {number}") from exc
        made = prefix.with_suffix(".png")
        if not made.exists():
            raise PageImageError(f"pdftoppm made no image for page {number}")
        with PILImage.open(made) as image:
            if image.size != (size.width, size.height):  # never seen; keep the promise anyway
                resized = image.resize((size.width, size.height))
                _atomic_save(resized, path)
                return
        partial = _partial_name(path)
        shutil.move(made, partial)  # the temporary folder may be on another file system
        os.replace(partial, path)


def _atomic_save(image: Image, path: Path) -> None:
    partial = _partial_name(path)
    image.save(partial, format="PNG")
    os.replace(partial, path)


def _partial_name(path: Path) -> Path:
    return path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.partial")
