"""Character accuracy of OCR output against a known text (1 - character error rate)."""

from __future__ import annotations

import re

_SPACE = re.compile(r"\s+")


def normalise_space(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance, O(len(a) * len(b)) time, O(len(b)) memory."""
    if len(a) < len(b):
        a, b = b, a
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, start=1):
        current = [i]
        for j, char_b in enumerate(b, start=1):
            current.append(
                min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b))
            )
        previous = current
    return previous[-1]


def character_accuracy(reference: str, hypothesis: str) -> float:
    """1 - CER, whitespace runs counted as one space; 0.0 at worst."""
    ref, hyp = normalise_space(reference), normalise_space(hypothesis)
    if not ref:
        return 1.0 if not hyp else 0.0
    return max(0.0, 1.0 - edit_distance(ref, hyp) / len(ref))
