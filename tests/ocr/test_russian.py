"""Russian OCR on a page rendered from the Wilson Center transcript's Cyrillic text."""

from __future__ import annotations

import json
from pathlib import Path

from opis.ocr import character_accuracy, ocr_image
from opis.ocr.testpage import page_of_paragraphs, render_text_page
from opis.readers.webpage import html_paragraphs


def transcript_page(corpus: Path) -> str:
    data = json.loads((corpus / "wilson" / "transcript.json").read_text(encoding="utf-8"))
    return page_of_paragraphs(html_paragraphs(data["html"]))


def test_russian_page_is_read_as_russian_with_97_percent_accuracy(
    corpus: Path, tmp_path: Path
) -> None:
    text = transcript_page(corpus)
    assert "Мао Цзэдуна" in text and len(text) > 1000
    page = ocr_image(render_text_page(text, tmp_path))
    assert page.language == "rus"
    assert page.tesseract_languages == "rus+eng"
    assert character_accuracy(text, page.text) >= 0.97
    assert "Вышинского" in page.text
    assert page.mean_confidence > 80
