"""A State FOIA scan: OCR only where the text layer is poor, both texts kept."""

from __future__ import annotations

from pathlib import Path

from opis.ocr import USABLE_QUALITY, ocr_record
from opis.readers.pdf import page_texts
from tests.ocr.conftest import read_record


def test_poor_layer_pages_get_ocr_and_good_ones_keep_their_layer(corpus: Path) -> None:
    record, raw = read_record(corpus / "state-foia" / "pdf" / "C09000066.pdf")
    layers, _info = page_texts(raw)
    result = ocr_record(record, raw, workers=2)
    first, second, third = result.extra["ocr"]["pages"]

    assert first["text_layer_quality"] < USABLE_QUALITY
    assert first["shown"] == "ocr" and first["language"] == "eng"
    assert first["ocr_quality"] >= first["text_layer_quality"]
    assert first["text_layer"] == layers[0]
    for page in (second, third):
        assert page["text_layer_quality"] >= USABLE_QUALITY
        assert page["shown"] == "text-layer" and "words" not in page

    body = result.body
    starts = [p.offset for p in result.pages]
    assert body[starts[1] : starts[2] - 2] == layers[1]
    assert body[starts[2] :] == layers[2]
    ocr_first_page = body[: starts[1] - 2]
    for words in ("SUBJECT: SOVIET SPEAKING NOTE TO EUROPEANS", "AMEMBASSY MOSCOW IMMEDIATE"):
        assert words in ocr_first_page
    # The reader's title came from the text layer's SUBJECT line and stays.
    assert result.title == record.title == "SOVIET SPEAKING NOTE TO EUROPEANS"
    assert not result.needs_ocr
