"""``ocr_image_record``: the sibling of ``ocr_record`` for image files (TIFF, PNG, JPEG).

An image has no text layer, so every page (every frame of a multi-page TIFF) is
OCR'd; the record gets the same body, page offsets and ``extra["ocr"]`` as a PDF
record. Frames are written out as PNG with Pillow first: tesseract would read a
multi-page TIFF as one run, and Pillow also normalises CMYK or palette JPEGs.
"""

from __future__ import annotations

import io
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

from opis.model import Record
from opis.ocr.pages import PageFailure, PageOcr, default_workers, ocr_image
from opis.ocr.raster import DPI
from opis.ocr.record import _page_choice, with_pages
from opis.ocr.tesseract import OcrError

if TYPE_CHECKING:
    from PIL.Image import Image


class ImageError(ValueError):
    """The bytes are not an image Pillow can read."""


def image_frames(raw: bytes) -> list[Image]:
    """Every frame of an image file as an RGB or grayscale Pillow image."""
    from PIL import Image as PILImage
    from PIL import ImageSequence, UnidentifiedImageError

    try:
        opened = PILImage.open(io.BytesIO(raw))
        frames = [_displayable(frame.copy()) for frame in ImageSequence.Iterator(opened)]
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        raise ImageError(f"unreadable image: {exc}") from exc
    if not frames:
        raise ImageError("image has no frames")
    return frames


def image_dpi(raw: bytes) -> int:
    """The resolution the image declares, else the rasteriser's 300."""
    from PIL import Image as PILImage

    try:
        declared = PILImage.open(io.BytesIO(raw)).info.get("dpi")
    except (OSError, ValueError, SyntaxError):
        return DPI
    if isinstance(declared, tuple) and declared and float(declared[0]) >= 50:
        return round(float(declared[0]))
    return DPI


def _displayable(frame: Image) -> Image:
    if frame.mode in ("RGB", "L"):
        return frame
    if frame.mode in ("1", "I;16", "I", "F"):
        return frame.convert("L")
    return frame.convert("RGB")


def ocr_image_record(record: Record, image_bytes: bytes, workers: int | None = None) -> Record:
    """The record with every frame of its image OCR'd; see ``ocr_record``."""
    frames = image_frames(image_bytes)
    dpi = image_dpi(image_bytes)
    with tempfile.TemporaryDirectory(prefix="opis-ocr-image-") as folder:
        paths = []
        for number, frame in enumerate(frames, start=1):
            path = Path(folder) / f"page-{number}.png"
            frame.save(path, format="PNG", dpi=(dpi, dpi))
            paths.append(path)

        def read(item: tuple[int, Path]) -> PageOcr | PageFailure:
            number, path = item
            try:
                return ocr_image(path, number, dpi)
            except (OcrError, OSError, ValueError) as exc:
                return PageFailure(number, str(exc))

        with ThreadPoolExecutor(max_workers=workers or default_workers()) as pool:
            results = list(pool.map(read, enumerate(paths, start=1)))
    shown: list[str] = []
    details: list[dict[str, Any]] = []
    for result in results:
        text, info = _page_choice(result.number, "", 0.0, result)
        shown.append(text)
        details.append(info)
    return with_pages(record, shown, details)
