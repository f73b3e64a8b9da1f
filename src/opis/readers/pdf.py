"""PDF documents: the text layer per page, or a flag that the file needs OCR.

The corpus PDFs are scans: the State FOIA release has an OCR text layer of poor
quality, the Bush Library memcons have none at all. pypdf gives the text per page;
a page counts as having text when its layer holds at least ``MIN_PAGE_LETTERS``
letters (a scan's stray marks give a handful; the worst FOIA page has a few hundred).
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Iterator
from pathlib import PurePosixPath

from pypdf import PdfReader
from pypdf.errors import PdfReadError, PyPdfError

from opis.analysis.dates import ParsedDate, find_dates, parse_date, record_date_fields
from opis.model import Page, Record, Source
from opis.readers.base import Item, Reader, ReadError
from opis.readers.text import clean_space, slugify

logging.getLogger("pypdf").setLevel(logging.ERROR)

MAGIC = b"%PDF-"
MIN_PAGE_LETTERS = 20
"""Fewer letters than this on a page: no usable text layer there."""
PAGE_SEPARATOR = "\n\n"
# Dates a scan's first page states reliably enough to date the document by.
_DATING_PRECISIONS = frozenset({"minute", "day", "month"})

_LETTER = re.compile(r"[^\W\d_]")
_SUBJECT = re.compile(r"\bSUBJ(?:ECT)?\s*[:.;]\s*(?P<subject>[^\n]{3,120})", re.IGNORECASE)
_LEADING_JUNK = re.compile(r"^[^A-Za-z0-9]+")
_TRAILING_JUNK = re.compile(r"[\s•.'\",:;_\-]+$")
_VOWEL = re.compile(r"[aeiouyAEIOUY]")
_CONSONANT_RUN = re.compile(r"[^aeiouyAEIOUY\W\d_'\-]{5,}")
_FILENAME_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:\b|_|-)")
_MEANINGLESS_TITLES = frozenset({"untitled", "microsoft word", "document", "scan", "title"})


def letters(text: str) -> int:
    return len(_LETTER.findall(text))


def page_texts(raw: bytes) -> tuple[list[str], dict[str, str]]:
    """Text of every page and the document information dictionary."""
    try:
        reader = PdfReader(io.BytesIO(raw))
        if reader.is_encrypted:
            try:
                reader.decrypt("")
            except Exception as exc:  # pypdf raises several types for bad keys
                raise ReadError(f"encrypted PDF ({exc})", "byte 0") from exc
        texts = [_page_text(page) for page in reader.pages]
        info = {str(k): str(v) for k, v in (reader.metadata or {}).items()}
    except ReadError:
        raise
    except (PdfReadError, PyPdfError) as exc:
        raise ReadError(f"unreadable PDF: {exc}", "byte 0") from exc
    except (ValueError, KeyError, TypeError, AttributeError, IndexError, OSError) as exc:
        # pypdf lets low-level errors through on damaged files.
        raise ReadError(f"damaged PDF: {type(exc).__name__}: {exc}", "byte 0") from exc
    return texts, info


def _page_text(page: object) -> str:
    text = page.extract_text() or ""  # type: ignore[attr-defined]
    return "\n".join(line.rstrip() for line in text.replace("\r", "\n").split("\n")).strip()


def layout(texts: list[str]) -> tuple[str, list[Page]]:
    """The body (pages joined by a blank line) and each page's offset in it."""
    body_parts: list[str] = []
    pages: list[Page] = []
    offset = 0
    for number, text in enumerate(texts, start=1):
        has_text = letters(text) >= MIN_PAGE_LETTERS
        kept = text if has_text else ""
        pages.append(Page(number=number, offset=offset, has_text=has_text))
        body_parts.append(kept)
        offset += len(kept) + len(PAGE_SEPARATOR)
    return PAGE_SEPARATOR.join(body_parts).strip(), pages


def is_word(token: str) -> bool:
    """An OCR token that reads as a word: letters in one case pattern, with a vowel."""
    token = token.strip(".,;:'\"()")
    if len(token) < 2 or not token.replace("-", "").replace("'", "").isalpha():
        return False
    if not (token.islower() or token.isupper() or token.istitle()):
        return False
    return _VOWEL.search(token) is not None and _CONSONANT_RUN.search(token) is None


def is_meaningful(text: str) -> bool:
    """A line a reader would accept as a title: mostly real words, little OCR noise."""
    tokens = text.split()
    words = [t for t in tokens if is_word(t)]
    if len(words) < 2 or sum(len(w) for w in words) < 8:
        return False
    return len(words) / len(tokens) >= 0.6


def clean_title(text: str) -> str:
    return clean_space(_TRAILING_JUNK.sub("", _LEADING_JUNK.sub("", text)))


def choose_title(info: dict[str, str], first_page: str, stem: str) -> tuple[str, str]:
    """(title, where it came from): metadata, a SUBJECT line, the first real line, the name."""
    meta = clean_space(info.get("/Title", ""))
    if meta and meta.lower() not in _MEANINGLESS_TITLES and is_meaningful(meta):
        return meta, "metadata"
    for match in _SUBJECT.finditer(first_page):
        subject = clean_title(match.group("subject"))
        if is_meaningful(subject):
            return subject, "subject"
    for line in first_page.split("\n"):
        candidate = clean_title(line)
        if len(candidate) <= 150 and is_meaningful(candidate):
            return candidate, "text"
    return stem, "filename"


def choose_date(first_page: str, stem: str) -> tuple[ParsedDate | None, str | None]:
    for found in find_dates(first_page):
        if found.precision in _DATING_PRECISIONS:
            return found, "text"
    named = _FILENAME_DATE.match(stem)
    if named:
        return parse_date(named.group(1)) or None, "filename"
    return None, None


def read_pdf(raw: bytes, source: Source) -> Iterator[Item]:
    if not raw.startswith(MAGIC):
        raise ReadError("not a PDF (no %PDF- header)", "byte 0")
    texts, info = page_texts(raw)
    if not texts:
        raise ReadError("PDF has no pages", "byte 0")
    body, pages = layout(texts)
    stem = PurePosixPath(source.filename).stem
    first_page = texts[0] if pages[0].has_text else ""
    title, title_source = choose_title(info, first_page, stem)
    date, date_source = choose_date(first_page, stem)
    extra: dict[str, object] = {"page_count": len(pages), "title_source": title_source}
    if date_source:
        extra["date_source"] = date_source
    if info:
        extra["pdf_info"] = info
    yield Record(
        id="pdf-" + slugify(stem),
        title=title,
        **record_date_fields(date),
        body=body,
        pages=pages,
        needs_ocr=not any(page.has_text for page in pages),
        extra=extra,
        source=source,
    )


def detect(filename: str, head: bytes) -> bool:
    return head.startswith(MAGIC)


READERS: list[Reader] = [
    Reader(
        format="pdf",
        description="PDF: text layer per page (needs_ocr when there is none)",
        detect=detect,
        read=read_pdf,
        media_type="application/pdf",
    )
]
