"""The header of a scan read from page text: type headings and classification stamps."""

from __future__ import annotations

from pathlib import Path

from opis.ocr.scan_header import classification_stamp, heading_type
from opis.readers.pdf import page_texts


def foia_page(corpus: Path, stem: str, number: int) -> str:
    texts, _info = page_texts((corpus / "state-foia" / "pdf" / f"{stem}.pdf").read_bytes())
    return texts[number - 1]


def test_a_telegram_banner_names_the_type(corpus: Path) -> None:
    page = foia_page(corpus, "C09000073", 1)
    assert page.startswith("TEXT OF TELEGRAM")
    assert heading_type(page) == "telegram"


def test_sentences_of_the_text_name_no_type(corpus: Path) -> None:
    seed = (corpus / "wilson" / "000_d6b8fba0548ddb4f.txt").read_text(encoding="utf-8")
    assert "Incoming Cable No. 16" in seed
    assert heading_type(seed) is None  # title case, not a typed heading


def test_stamps_on_text_layers_and_a_secretary_who_is_not_one(corpus: Path) -> None:
    secret, unclassified = foia_page(corpus, "C09000034", 1), foia_page(corpus, "C09000014", 1)
    assert "SECRET" in secret.split("\n")[:15] and "UNCLASSIFIED" in unclassified.split("\n")
    assert classification_stamp(secret) == "SECRET"
    assert classification_stamp(unclassified) == "UNCLASSIFIED"
    office = foia_page(corpus, "C09000004", 1)
    assert "OFFICE OF THE SECRETARY" in office
    assert classification_stamp(office) is None
