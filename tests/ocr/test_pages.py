"""Page-level OCR plumbing: failures reported per page, language choice, accuracy."""

from __future__ import annotations

from pathlib import Path

from opis.ocr import PageFailure, PageOcr, character_accuracy, choose_language, ocr_pdf_pages
from opis.ocr.language import confident_text
from tests.ocr.conftest import KOHL


def test_a_failing_page_is_reported_and_the_rest_is_read(corpus: Path) -> None:
    raw = (corpus / "bush41-memcons" / "pdf" / f"{KOHL}.pdf").read_bytes()
    results = ocr_pdf_pages(raw, [2, 9], workers=2)
    assert [r.number for r in results] == [2, 9]
    read, failed = results
    assert isinstance(read, PageOcr) and "Chancellor" in read.text
    assert isinstance(failed, PageFailure) and "pdftoppm" in failed.error


def test_language_from_confident_words() -> None:
    english = [("Chancellor", 95.0), ("Helmut", 93.0), ("Kohl", 91.0), ("said", 96.0)] * 3
    russian = [("Председатель", 92.0), ("правительства", 90.0), ("Китая", 88.0)] * 3
    specks = [("ини", 20.0), ("Ра", 15.0), ("ee", 30.0)] * 10
    assert choose_language(confident_text(english + specks)) == "eng"
    assert choose_language(confident_text(russian + specks)) == "rus"
    assert choose_language(confident_text(english + russian)) == "rus+eng"
    assert choose_language(confident_text(specks)) == "und"


def test_character_accuracy() -> None:
    assert character_accuracy("Мао Цзэдун", "Мао  Цзэдун\n") == 1.0
    assert character_accuracy("abcdefghij", "abcdefghiX") == 0.9
    assert character_accuracy("abc", "") == 0.0
