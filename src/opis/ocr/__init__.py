"""OCR for scanned PDFs: rasterise with poppler, read with tesseract, keep word boxes.

``ocr_record`` is the entry point: it decides per page whether the PDF's own text
layer is usable (``text_layer_quality``), OCRs the pages that need it on all cores,
and returns the record with the better text as body and per-page details in
``extra["ocr"]``.
"""

from opis.ocr.accuracy import character_accuracy
from opis.ocr.language import choose_language, cyrillic_share
from opis.ocr.pages import PageFailure, PageOcr, ocr_image, ocr_pdf_pages
from opis.ocr.quality import USABLE_QUALITY, text_layer_quality
from opis.ocr.record import ocr_record

__all__ = [
    "USABLE_QUALITY",
    "PageFailure",
    "PageOcr",
    "character_accuracy",
    "choose_language",
    "cyrillic_share",
    "ocr_image",
    "ocr_pdf_pages",
    "ocr_record",
    "text_layer_quality",
]
