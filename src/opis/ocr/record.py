"""``ocr_record``: a PDF record with OCR text where its text layer is missing or garbage."""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from typing import Any

from opis.analysis.dates import record_date_fields
from opis.model import Page, Record
from opis.ocr.pages import ENGINE, PageFailure, PageOcr, ocr_pdf_pages
from opis.ocr.quality import USABLE_QUALITY, text_layer_quality
from opis.readers.pdf import PAGE_SEPARATOR, choose_date, choose_title, letters, page_texts

SHOWN_TEXT_LAYER = "text-layer"
SHOWN_OCR = "ocr"
SHOWN_NONE = "none"
_MEMCON = re.compile(r"MEMORANDUM\s+OF\s+CONVERSATION", re.IGNORECASE)
_TELCON = re.compile(r"TELEPHONE\s+CONVERSATION", re.IGNORECASE)
_RETITLED_FROM = frozenset({"filename", "text"})
_SUBJECT_BLOCK = re.compile(
    r"^SUBJ(?:ECT)?\s*[:.;]\s*(?P<first>[^\n]{3,120})\n(?P<next>[^\n:]{3,80})?$",
    re.IGNORECASE | re.MULTILINE,
)


def ocr_record(record: Record, pdf_bytes: bytes, workers: int | None = None) -> Record:
    """The record with OCR text as body on the pages whose text layer is not usable.

    Pages' offsets follow the new body; ``needs_ocr`` is False once every page that
    needed OCR got it; ``extra["ocr"]`` holds per page the engine, language, mean
    confidence, the text shown, its quality and the word boxes, and the text not shown
    (``text_layer`` or ``ocr_text``) so both stay. A page that fails is listed with
    its error and keeps its text layer (and ``needs_ocr`` stays True).
    ``pdf_bytes`` are the record's source PDF; the text layer is read from them again
    (not sliced out of ``body``), so a non-PDF raises the reader's ``ReadError``.
    """
    layers, _info = page_texts(pdf_bytes)
    qualities = [text_layer_quality(text) for text in layers]
    needing = [n for n, q in enumerate(qualities, start=1) if q < USABLE_QUALITY]
    results = {r.number: r for r in ocr_pdf_pages(pdf_bytes, needing, workers)}
    shown: list[str] = []
    details: list[dict[str, Any]] = []
    for number, (layer, quality) in enumerate(zip(layers, qualities, strict=True), start=1):
        text, info = _page_choice(number, layer, quality, results.get(number))
        shown.append(text)
        details.append(info)
    return with_pages(record, shown, details)


def _page_choice(
    number: int, layer: str, quality: float, result: PageOcr | PageFailure | None
) -> tuple[str, dict[str, Any]]:
    info: dict[str, Any] = {"page": number, "text_layer_quality": round(quality, 3)}
    if result is None:
        info["shown"] = SHOWN_TEXT_LAYER
        return layer, info
    if isinstance(result, PageFailure):
        info.update(shown=SHOWN_TEXT_LAYER if layer else SHOWN_NONE, error=result.error)
        return layer, info
    ocr_quality = text_layer_quality(result.text)
    info.update(
        engine=ENGINE,
        language=result.language,
        tesseract_languages=result.tesseract_languages,
        mean_confidence=round(result.mean_confidence, 1),
        ocr_quality=round(ocr_quality, 3),
        dpi=result.dpi,
        words=[w.compact() for w in result.words],
    )
    if ocr_quality >= quality:
        info.update(shown=SHOWN_OCR, text_layer=layer)
        return result.text, info
    info.update(shown=SHOWN_TEXT_LAYER, ocr_text=result.text)
    return layer, info


def _layout(texts: list[str]) -> tuple[str, list[Page]]:
    """Like the PDF reader's layout, without stripping, so offsets always hold."""
    pages: list[Page] = []
    offset = 0
    for number, text in enumerate(texts, start=1):
        pages.append(Page(number=number, offset=offset, has_text=letters(text) > 0))
        offset += len(text) + len(PAGE_SEPARATOR)
    return PAGE_SEPARATOR.join(texts), pages


def _reread_header(record: Record, first_page: str, first_info: dict[str, Any]) -> Record:
    """Title, date and type from an OCR'd first page, where the reader had only guesses."""
    if first_info.get("shown") != SHOWN_OCR:
        return record
    stem = PurePosixPath(record.source.filename).stem
    update: dict[str, Any] = {}
    extra = dict(record.extra)
    if extra.get("title_source", "filename") in _RETITLED_FROM:
        title, title_source = choose_title({}, _join_subject_lines(first_page), stem)
        update["title"] = title
        extra["title_source"] = title_source
    if extra.get("date_source") in (None, "filename"):
        date, date_source = choose_date(first_page, stem)
        if date is not None and date_source == "text":
            update.update(record_date_fields(date))
            extra["date_source"] = "text"
    if record.type is None:
        heading = first_page[:1500]
        if _MEMCON.search(heading):
            update["type"] = "memorandum of conversation"
        if _TELCON.search(heading):
            update["type"] = "telephone conversation"
    update["extra"] = extra
    return record.model_copy(update=update)


def _join_subject_lines(page: str) -> str:
    """A memcon's SUBJECT wraps onto a second line with no label: join the two."""
    match = _SUBJECT_BLOCK.search(page)
    if match is None or not match.group("next"):
        return page
    joined = f"SUBJECT: {match.group('first').strip()} {match.group('next').strip()}"
    return page[: match.start()] + joined + page[match.end() :]


def with_pages(record: Record, shown: list[str], details: list[dict[str, Any]]) -> Record:
    """The record with the shown text of each page as body, the OCR details kept, and
    its header read again from page 1."""
    body, pages = _layout(shown)
    failed = [d["page"] for d in details if "error" in d]
    updated = record.model_copy(
        update={
            "body": body,
            "pages": pages,
            "needs_ocr": bool(failed) or not any(p.has_text for p in pages),
            "extra": {**record.extra, "ocr": {"engine": ENGINE, "pages": details}},
        }
    )
    return _reread_header(updated, shown[0] if shown else "", details[0] if details else {})
