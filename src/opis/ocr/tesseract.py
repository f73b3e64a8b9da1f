"""Running tesseract on one image: the text plus word boxes and confidences (TSV)."""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

TESSERACT = "tesseract"
TIMEOUT_SECONDS = 300


class OcrError(Exception):
    """tesseract or pdftoppm failed on a page."""


@dataclass(frozen=True)
class Word:
    text: str
    left: int
    top: int
    width: int
    height: int
    confidence: float

    def compact(self) -> list[object]:
        """``[text, left, top, width, height, confidence]`` for ``extra``."""
        return [self.text, self.left, self.top, self.width, self.height, round(self.confidence)]


@dataclass(frozen=True)
class TesseractResult:
    text: str
    words: tuple[Word, ...]

    @property
    def mean_confidence(self) -> float:
        if not self.words:
            return 0.0
        return sum(w.confidence for w in self.words) / len(self.words)


def _single_threaded_env() -> dict[str, str]:
    # Pages run in parallel, one tesseract per core: no OpenMP threads on top.
    return {**os.environ, "OMP_THREAD_LIMIT": "1"}


def run_tesseract(image: Path, languages: str) -> TesseractResult:
    """OCR ``image`` with ``languages`` (``eng``, ``rus+eng``); one run gives txt and tsv."""
    base = image.with_name(f"{image.stem}-{languages.replace('+', '_')}")
    command = [TESSERACT, str(image), str(base), "-l", languages, "txt", "tsv"]
    try:
        subprocess.run(
            command,
            check=True,
            capture_output=True,
            timeout=TIMEOUT_SECONDS,
            env=_single_threaded_env(),
        )
    except FileNotFoundError as exc:
        raise OcrError("tesseract is not installed (Debian tesseract-ocr)") from exc
    except subprocess.CalledProcessError as exc:
        raise OcrError(f"tesseract failed: {exc.stderr.decode(errors='replace')[-300:]}") from exc
    except subprocess.TimeoutExpired as exc:
        raise OcrError(f"tesseract timed out after {TIMEOUT_SECONDS} s") from exc
    text = base.with_suffix(".txt").read_text(encoding="utf-8")
    words = parse_tsv(base.with_suffix(".tsv").read_text(encoding="utf-8"))
    return TesseractResult(clean_text(text), words)


def clean_text(text: str) -> str:
    lines = [line.rstrip() for line in text.replace("\f", "").split("\n")]
    return "\n".join(lines).strip()


def parse_tsv(tsv: str) -> tuple[Word, ...]:
    """The words (level 5 rows with text) of tesseract's TSV output."""
    words: list[Word] = []
    for row in tsv.splitlines()[1:]:
        cells = row.split("\t")
        if len(cells) < 12 or cells[0] != "5" or not cells[11].strip():
            continue
        left, top, width, height = (int(c) for c in cells[6:10])
        words.append(Word(cells[11], left, top, width, height, float(cells[10])))
    return tuple(words)
