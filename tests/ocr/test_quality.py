"""The text-layer quality measure on real pages: FOIA OCR garbage against clean text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from opis.model import Record
from opis.ocr import USABLE_QUALITY, text_layer_quality
from opis.ocr.quality import is_wordlike
from opis.readers.pdf import page_texts
from opis.readers.webpage import html_paragraphs
from tests.ocr.conftest import BANQUET


def foia_page(corpus: Path, stem: str, number: int) -> str:
    texts, _info = page_texts((corpus / "state-foia" / "pdf" / f"{stem}.pdf").read_bytes())
    return texts[number - 1]


@pytest.mark.parametrize(
    ("stem", "number"),
    [("C09000021", 2), ("C09000068", 2), ("C09000068", 3), ("C09000022", 1), ("C09000005", 1)],
)
def test_foia_garbage_layers_are_not_usable(corpus: Path, stem: str, number: int) -> None:
    assert text_layer_quality(foia_page(corpus, stem, number)) < USABLE_QUALITY


@pytest.mark.parametrize(("stem", "number"), [("C09000066", 2), ("C09000073", 2)])
def test_foia_good_layers_are_usable(corpus: Path, stem: str, number: int) -> None:
    assert text_layer_quality(foia_page(corpus, stem, number)) >= USABLE_QUALITY


def test_clean_text_is_usable(corpus: Path, memcons: dict[str, Record]) -> None:
    data = json.loads((corpus / "wilson" / "transcript.json").read_text(encoding="utf-8"))
    russian = "\n\n".join(html_paragraphs(data["html"]))
    assert text_layer_quality(russian) > 0.95
    assert text_layer_quality(memcons[BANQUET].body) > 0.9


def test_empty_or_tiny_text_scores_zero() -> None:
    assert text_layer_quality("") == 0.0
    assert text_layer_quality("• . • C.:: 0 •") == 0.0


def test_wordlike_tokens() -> None:
    for word in ("MEMORANDUM", "Chancellor's", "p.m.", "правительства", "Китай-ской", "of", "в"):
        assert is_wordlike(word), word
    for junk in ("OIRECTOR1", "Ра", "pousHEmm", "1;Ill", "xIflC),", "rstvqz"):
        assert not is_wordlike(junk), junk
