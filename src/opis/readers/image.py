"""Image files (TIFF, PNG, JPEG): scans with no text at all, flagged ``needs_ocr``.

The record has one page per frame (a multi-page TIFF is a document of several
pages), an empty body, and the title and date a file name can give; ``opis ocr``
reads the text later (``opis.ocr.image_record``). Pillow checks the bytes and
counts the frames; it is imported only when an image is read.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import PurePosixPath

from opis.analysis.dates import record_date_fields
from opis.model import Record, Source
from opis.readers.base import Item, Reader, ReadError
from opis.readers.pdf import choose_date, layout
from opis.readers.text import slugify

FORMAT = "image"
MAGIC_TYPES = (
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)
MAX_PIXELS = 200_000_000
"""Larger frames are refused (Pillow's decompression-bomb guard, made an error)."""


def media_type_of(head: bytes) -> str | None:
    for magic, media_type in MAGIC_TYPES:
        if head.startswith(magic):
            return media_type
    return None


def image_info(raw: bytes) -> dict[str, object]:
    """Frame count, size, mode and declared resolution; ReadError for a broken image."""
    import io

    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(raw)) as opened:
            frames = getattr(opened, "n_frames", 1)
            width, height = opened.size
            if width * height > MAX_PIXELS:
                raise ReadError(f"image too large ({width} x {height} pixels)", "byte 0")
            opened.load()  # decode the first frame: a truncated file fails here
            info: dict[str, object] = {
                "frames": frames,
                "width": width,
                "height": height,
                "mode": opened.mode,
                "format": opened.format,
            }
            dpi = opened.info.get("dpi")
            if isinstance(dpi, tuple) and dpi:
                info["dpi"] = round(float(dpi[0]))
            return info
    except ReadError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        raise ReadError(f"unreadable image: {exc}", "byte 0") from exc
    except Image.DecompressionBombError as exc:
        raise ReadError(f"image too large: {exc}", "byte 0") from exc


def read_image(raw: bytes, source: Source) -> Iterator[Item]:
    media_type = media_type_of(raw[:16])
    if media_type is None:
        raise ReadError("not a TIFF, PNG or JPEG image", "byte 0")
    info = image_info(raw)
    frames = int(str(info["frames"]))
    _body, pages = layout([""] * frames)
    stem = PurePosixPath(source.filename).stem
    date, date_source = choose_date("", stem)
    extra: dict[str, object] = {"page_count": frames, "title_source": "filename", "image": info}
    if date_source:
        extra["date_source"] = date_source
    yield Record(
        id="image-" + slugify(stem),
        title=stem,
        **record_date_fields(date),
        body="",
        pages=pages,
        needs_ocr=True,
        extra=extra,
        source=source.model_copy(update={"media_type": media_type}),
    )


def detect(filename: str, head: bytes) -> bool:
    return media_type_of(head) is not None


READERS: list[Reader] = [
    Reader(
        format=FORMAT,
        description="Images (TIFF, PNG, JPEG): one page per frame, needs_ocr",
        detect=detect,
        read=read_image,
        media_type="application/octet-stream",
    )
]
