"""How usable a PDF's text layer is: dictionary-like words, less junk characters.

``text_layer_quality`` is the share of letters that stand in tokens reading as words
(letters only, one case pattern, a vowel, no run of five consonants, Latin or Cyrillic;
one- and two-letter tokens only when they are common short words) times the share of
characters that are not junk (anything but letters, digits, spaces and
ordinary punctuation). Measured on the corpus (bench/ocr.py prints it): clean text
(tesseract's reading of the Bush memcons, the Wilson Russian transcript) scores
0.93-1.0; the 134 State FOIA text-layer pages spread from 0.1 to 0.97 (median 0.78),
the OCR garbage among them below 0.8. ``USABLE_QUALITY`` = 0.85 keeps the layers that
read as well as clean text and sends the rest to OCR (about 60% of FOIA pages); where
OCR then scores lower than the layer, the layer is still shown.
"""

from __future__ import annotations

import re

USABLE_QUALITY = 0.85
"""A text layer scoring below this is replaced by OCR."""
MIN_TOKENS = 5
"""Fewer word tokens than this: too little text to judge, the layer is not usable."""

_VOWELS = "aeiouyAEIOUYаеёиоуыэюяАЕЁИОУЫЭЮЯ"
_VOWEL = re.compile(f"[{_VOWELS}]")
_CONSONANT_RUN = re.compile(f"[^{_VOWELS}ьъЬЪ\\W\\d_'\\-]{{5,}}")
_INITIALISM = re.compile(r"^(?:[^\W\d_]\.){1,4}$")
_ORDINARY = re.compile(r"[\w\s.,;:'\"()\-/%&$§№«»’‘“”–—?!]")
_HAS_LETTER = re.compile(r"[^\W\d_]")
_EDGE_PUNCTUATION = ".,;:'\"()[]«»’‘“”!?-–—"
_SHORT_WORDS_TEXT = (
    "a i of to in on at by as is it be or an no he we us up so do if me my am "
    "в с к и о у я а на не по за от до из он мы вы их же ли бы то но да ни во со ко об"
)
SHORT_WORDS = frozenset(_SHORT_WORDS_TEXT.split())
"""Words of one or two letters; any other token that short counts as noise."""


def is_wordlike(token: str) -> bool:
    """A token that reads as a word of English or Russian, as far as its shape tells."""
    if _INITIALISM.match(token.lstrip(_EDGE_PUNCTUATION)):
        return True  # "p.m.", "E.O.", "И.В."
    token = token.strip(_EDGE_PUNCTUATION)
    bare = token.replace("-", "").replace("'", "").replace("’", "")
    if not bare.isalpha():
        return False
    if len(bare) <= 2:
        return bare.lower() in SHORT_WORDS
    if not (bare.islower() or bare.isupper() or bare.istitle()):
        return False
    return _VOWEL.search(bare) is not None and _CONSONANT_RUN.search(bare) is None


def junk_share(text: str) -> float:
    visible = [c for c in text if not c.isspace()]
    if not visible:
        return 1.0
    return sum(1 for c in visible if not _ORDINARY.match(c)) / len(visible)


def text_layer_quality(text: str) -> float:
    """0 (garbage or empty) .. 1 (every token a word, no junk characters)."""
    tokens = [t for t in text.split() if _HAS_LETTER.search(t)]
    if len(tokens) < MIN_TOKENS:
        return 0.0
    letters = [_letter_count(t) for t in tokens]
    in_words = sum(n for t, n in zip(tokens, letters, strict=True) if is_wordlike(t))
    return (in_words / sum(letters)) * (1.0 - junk_share(text))


def _letter_count(token: str) -> int:
    return len(_HAS_LETTER.findall(token))


def is_usable(text: str) -> bool:
    return text_layer_quality(text) >= USABLE_QUALITY
