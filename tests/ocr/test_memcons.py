"""OCR of the two image-only Bush Library memcons: words that are on the pages."""

from __future__ import annotations

from typing import Any

from opis.model import Record
from tests.ocr.conftest import BANQUET, KOHL


def page_text(record: Record, number: int) -> str:
    pages = record.pages
    start = pages[number - 1].offset
    end = pages[number].offset - 2 if number < len(pages) else len(record.body)
    return record.body[start:end]


def ocr_pages(record: Record) -> list[dict[str, Any]]:
    pages: list[dict[str, Any]] = record.extra["ocr"]["pages"]
    return pages


def test_banquet_memcon_first_page_words(memcons: dict[str, Record]) -> None:
    first = page_text(memcons[BANQUET], 1)
    for words in (
        "THE WHITE HOUSE",
        "MEMORANDUM OF CONVERSATION",
        "Welcoming Banquet in Beijing, China",
        "President Yang Shangkun",
        "Premier Li Peng",
        "Vivian Chang, Interpreter and Notetaker",
        "February 25, 1989",
        "Great Hall of the People",
        "Gorbachev",
        "Perestroika",
    ):
        assert words in first, words


def test_kohl_telcon_words_on_both_pages(memcons: dict[str, Record]) -> None:
    record = memcons[KOHL]
    first = page_text(record, 1)
    for words in (
        "MEMORANDUM OF CONVERSATION",
        "Chancellor Helmut Kohl",
        "Robert Hutchings, NSC Staff (Notetaker)",
        "Rachelle Dionne, NSC Staff (Stenographer)",
        "June 7, 1989",
        "The Oval Office",
        "Council on Foreign Relations",
    ):
        assert words in first, words
    assert "Chancellor" in page_text(record, 2)


def test_ocr_replaces_the_missing_text_layer(memcons: dict[str, Record]) -> None:
    for record in memcons.values():
        assert not record.needs_ocr
        assert [p.number for p in record.pages] == [1, 2]
        assert all(p.has_text for p in record.pages)
        assert record.body[record.pages[1].offset - 2 : record.pages[1].offset] == "\n\n"
        assert record.extra["ocr"]["engine"] == "tesseract"
        for page in ocr_pages(record):
            assert page["shown"] == "ocr"
            assert page["text_layer"] == ""
            assert page["text_layer_quality"] == 0.0
            assert page["language"] == "eng"
            assert page["mean_confidence"] > 85
            assert page["ocr_quality"] > 0.9


def test_word_boxes_lie_on_the_page(memcons: dict[str, Record]) -> None:
    page = ocr_pages(memcons[BANQUET])[0]
    # 607 x 797 pt at 300 dpi.
    width, height = 607 * 300 / 72, 797 * 300 / 72
    words = page["words"]
    assert len(words) > 150
    for text, left, top, box_width, box_height, confidence in words:
        assert text and 0 <= confidence <= 100
        assert left >= 0 and left + box_width <= width + 1
        assert top >= 0 and top + box_height <= height + 1
    memorandum = next(w for w in words if w[0] == "MEMORANDUM")
    subject = next(w for w in words if w[0] == "SUBJECT:")
    assert memorandum[2] < subject[2]
    assert abs(memorandum[1] - subject[1]) < 20  # both at the left margin


def test_header_reread_from_the_ocr_text(memcons: dict[str, Record]) -> None:
    banquet = memcons[BANQUET]
    assert banquet.title == "Welcoming Banquet in Beijing, China"
    assert banquet.extra["title_source"] == "subject"
    assert banquet.type == "memorandum of conversation"
    assert banquet.date is not None and banquet.date.startswith("1989-02-25T19:40")
    assert banquet.extra["date_source"] == "text"
    kohl = memcons[KOHL]
    assert kohl.title == "Telephone Conversation with West German Chancellor Helmut Kohl"
    assert kohl.type == "telephone conversation"
    assert kohl.date is not None and kohl.date.startswith("1989-06-07T09:46")
