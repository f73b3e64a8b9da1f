"""A script-based language guess: enough to tell a Russian original from an English
translation without a language-ID model (which would be slow and is not needed for the
corpus' two languages)."""

from __future__ import annotations

_MIN_LETTERS = 20
"""Below this many letters the text is too short to say anything."""
_MAJORITY = 0.6


def guess_language(text: str) -> str | None:
    """``"ru"`` when most letters are Cyrillic, ``"en"`` when most are Latin, else None.

    Latin is assumed to be English: the corpus has no other Latin-script documents;
    a finer guess needs a real language-ID library.
    """
    cyrillic = latin = 0
    for char in text[:20000]:
        if not char.isalpha():
            continue
        if "\u0400" <= char <= "\u04ff":
            cyrillic += 1
        elif char.isascii() or "\u00c0" <= char <= "\u024f":
            latin += 1
    letters = cyrillic + latin
    if letters < _MIN_LETTERS:
        return None
    if cyrillic / letters >= _MAJORITY:
        return "ru"
    if latin / letters >= _MAJORITY:
        return "en"
    return None
