"""Choosing a page's OCR language from what a first ``rus+eng`` pass read.

Tesseract's ``osd`` script detection took about 1 s a page and gave a Cyrillic test
page a script confidence of only 7 (Latin pages 30+), so the choice is made from the
first pass itself: the share of Cyrillic among its letters. A page below
``LATIN_PAGE_MAX`` is read again with ``eng`` alone: on English pages the mixed
model reads words as Cyrillic look-alikes ("Yang and Li" -> "Уапа апа Li",
"PER E.O." -> "РЕК Е.О.") even where it reads most of the page right. The second
pass costs about 1.4 s a page at 300 dpi (a first pass at 150 dpi would save
about 0.5 s; not done). A page above
``CYRILLIC_PAGE_MIN`` is Russian; anything between stays ``rus+eng``.

Only words read with confidence >= ``CONFIDENT`` and of three letters or more
count: a scan's specks and pictures come out as short low-confidence Cyrillic
look-alikes ("Ра", "ини") and would otherwise make an English page Russian. With
fewer than ``MIN_LETTERS`` such letters the language is ``und`` (a page of noise).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

FIRST_PASS = "rus+eng"
LATIN_PAGE_MAX = 0.1
CYRILLIC_PAGE_MIN = 0.6
CONFIDENT = 60.0
MIN_LETTERS = 20
UNDETERMINED = "und"

_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LETTER = re.compile(r"[^\W\d_]")


def cyrillic_share(text: str) -> float:
    letters = len(_LETTER.findall(text))
    return len(_CYRILLIC.findall(text)) / letters if letters else 0.0


def confident_text(words: Iterable[tuple[str, float]]) -> str:
    """The (text, confidence) words worth judging a page's script by, joined."""
    kept = [t for t, c in words if c >= CONFIDENT and len(_LETTER.findall(t)) >= 3]
    return " ".join(kept)


def choose_language(text: str) -> str:
    """``eng``, ``rus``, ``rus+eng`` or ``und`` for the confident words of a first pass."""
    if len(_LETTER.findall(text)) < MIN_LETTERS:
        return UNDETERMINED
    share = cyrillic_share(text)
    if share < LATIN_PAGE_MAX:
        return "eng"
    if share > CYRILLIC_PAGE_MIN:
        return "rus"
    return "rus+eng"
