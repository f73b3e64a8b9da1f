"""Pages of known text, rendered to an image, to measure OCR accuracy against.

Rendering uses tesseract's own ``text2image`` (Debian tesseract-ocr) with a DejaVu
font, so no imaging library is needed in the venv.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from opis.ocr.tesseract import OcrError

TEXT2IMAGE = "text2image"
FONT = "DejaVu Serif"
FONTS_DIR = Path("/usr/share/fonts/truetype/dejavu")
TIMEOUT_SECONDS = 60


def page_of_paragraphs(paragraphs: list[str], max_chars: int = 1500) -> str:
    """Whole paragraphs from the start, as many as fit in ``max_chars`` (at least one)."""
    kept: list[str] = []
    for paragraph in paragraphs:
        if kept and sum(len(p) + 2 for p in kept) + len(paragraph) > max_chars:
            break
        kept.append(paragraph)
    return "\n\n".join(kept)


def render_text_page(text: str, folder: Path, dpi: int = 300, points: int = 12) -> Path:
    """``text`` typeset on one page image (TIFF) in ``folder``."""
    source = folder / "page.txt"
    source.write_text(text, encoding="utf-8")
    base = folder / "page"
    command = [
        TEXT2IMAGE,
        f"--text={source}",
        f"--outputbase={base}",
        f"--font={FONT}",
        f"--fonts_dir={FONTS_DIR}",
        f"--resolution={dpi}",
        f"--ptsize={points}",
        "--degrade_image=false",
    ]
    try:
        # text2image writes a fonts.conf into its working directory: keep it in ``folder``.
        subprocess.run(
            command, check=True, capture_output=True, timeout=TIMEOUT_SECONDS, cwd=folder
        )
    except FileNotFoundError as exc:
        raise OcrError("text2image is not installed (Debian tesseract-ocr)") from exc
    except subprocess.CalledProcessError as exc:
        raise OcrError(f"text2image failed: {exc.stderr.decode(errors='replace')[-300:]}") from exc
    except subprocess.TimeoutExpired as exc:
        raise OcrError(f"text2image timed out after {TIMEOUT_SECONDS} s") from exc
    image = base.with_suffix(".tif")
    if not image.exists():
        raise OcrError("text2image made no image")
    return image
