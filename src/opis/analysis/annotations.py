"""Marginalia, resolutions and stamps in square brackets, taken out of the running text.

Translations of archival documents put what is not part of the typed text in brackets:
"[Handwritten: Cde Stalin approves. P.]", "[Stamp: Secret]", "[illegible]",
"[signature]", "[Translator's note: ...]". Brackets nest ("[Handwritten: [illegible
word] Cde Malik [signature]"), and copied web pages sometimes lose the outer closing
bracket; an unclosed annotation ends with its line (a paragraph in such text).

Only recognised labels are taken: footnote markers ("[1]"), "[sic]", "[Received ...]"
(transmission) and editorial insertions ("[for sleep]") stay in the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from opis.model import Annotation

# (label pattern, kind). A labelled annotation has a colon after its label; the bare
# kinds (illegible, signature) are the whole content of their bracket.
_LABELLED: tuple[tuple[str, str], ...] = (
    (
        r"handwritten(?:\s+(?:note|notation|annotation|comment|text|inscription|resolution))?"
        r"|in\s+handwriting|manuscript\s+note|margin(?:al)?\s+(?:note|notation|annotation)"
        r"|note\s+in\s+(?:the\s+)?margins?",
        "handwritten",
    ),
    (r"typed(?:\s+(?:note|text|notation))?|typewritten(?:\s+(?:note|text))?", "typed"),
    (r"stamp(?:ed)?|seal", "stamp"),
    (
        r"translator['’]?s\s+note|editor['’]?s\s+note|note\s+by\s+(?:the\s+)?(?:translator|editor)",
        "editorial",
    ),
    # Russian originals: "[Рукописная помета: ...]", "[Штамп: ...]", "[Прим. перев.: ...]".
    (r"рукописн\w*(?:\s+(?:помет|пометк|надпис)\w*)?|помет\w*|пометк\w*", "handwritten"),
    (r"машинописн\w*(?:\s+\w+)?", "typed"),
    (r"штамп|печать", "stamp"),
    (r"прим(?:ечание|\.)\s*(?:перев(?:одчика|\.)|ред(?:актора|\.))", "editorial"),
)
# Labels that only count with a colon: "[resolution]" is an editor's inserted word
# (DFAT), "[Resolution: Agreed. J. St.]" a marginal resolution.
_COLON_ONLY: tuple[tuple[str, str], ...] = ((r"resolution|резолюция", "handwritten"),)
_BARE: tuple[tuple[str, str], ...] = (
    (r"illegible|неразборчиво", "illegible"),
    (r"signature|signed|подпись", "signature"),
)

_LABELLED_RE = re.compile(
    r"\[\s*(?:(?:"
    + "|".join(f"(?P<l{i}>{pattern})" for i, (pattern, _) in enumerate(_LABELLED))
    + r")\s*(?::|(?=\]))|(?:"
    + "|".join(f"(?P<c{i}>{pattern})" for i, (pattern, _) in enumerate(_COLON_ONLY))
    + r")\s*:)",
    re.IGNORECASE,
)
_BARE_RE = re.compile(
    r"\[\s*(?:" + "|".join(f"(?P<b{i}>{pattern})" for i, (pattern, _) in enumerate(_BARE)) + r")\b",
    re.IGNORECASE,
)

# What an annotation does, read from its words. First match wins.
_CATEGORIES: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(
            r"\b(?:composed|drafted|prepared|written)\s+by\b|\[signature\]|\bauthor", re.IGNORECASE
        ),
        "authorship",
    ),
    (
        re.compile(
            r"\b(?:approve[sd]?|agreed?|agrees|consent|согласен|согласна|утверждаю|"
            r"одобр\w*)\b",
            re.IGNORECASE,
        ),
        "approval",
    ),
    (
        re.compile(
            r"\b(?:refuse[sd]?|reject\w*|against|disagree\w*|против|отказать)\b", re.IGNORECASE
        ),
        "rejection",
    ),
    (re.compile(r"\b(?:received|получено|вх\.?)\b", re.IGNORECASE), "receipt"),
    (
        re.compile(
            r"\b(?:to\s+(?:the\s+)?file|to\s+archive|circulate|distribute|send\s+to|"
            r"в\s+архив|в\s+дело|разослать)\b",
            re.IGNORECASE,
        ),
        "instruction",
    ),
    (re.compile(r"\b(?:read|seen|читал|ознакомлен\w*)\b", re.IGNORECASE), "read"),
)

# "Cde Malik [signature]": the name signed.
_SIGNED_NAME_RE = re.compile(
    r"(?:(?:Cde|Comrade|Tov|Mr|тов)\.?\s+)?"
    r"(?P<name>(?:[A-ZА-ЯЁ]\.\s*){0,2}[A-ZА-ЯЁ][\w'’-]+)\s*\[\s*signature\s*\]"
)
# "Cde Stalin approves. P.": initials or a surname after the last sentence.
_TRAILING_HAND_RE = re.compile(
    r"[.!?]\s+(?P<hand>(?:[A-ZА-ЯЁ]\.\s*){1,3}|(?:[A-ZА-ЯЁ]\.\s*){0,2}[A-ZА-ЯЁ][\w'’-]+\.?)\s*$"
)


@dataclass(frozen=True)
class _Found:
    start: int
    end: int
    kind: str
    text: str


def _kind_of(match: re.Match[str], kinds: tuple[tuple[str, str], ...], prefix: str) -> str:
    for index, (_, kind) in enumerate(kinds):
        if match.group(f"{prefix}{index}") is not None:
            return kind
    raise AssertionError("a label group always matches")


def _labelled_kind(match: re.Match[str]) -> str:
    for index, (_, kind) in enumerate(_COLON_ONLY):
        if match.group(f"c{index}") is not None:
            return kind
    return _kind_of(match, _LABELLED, "l")


def _close(text: str, open_at: int) -> tuple[int, bool]:
    """End (exclusive) of the bracket opened at ``open_at``; nested brackets count.

    Unclosed by the end of the line, the line end closes it (``closed`` is False).
    """
    depth = 0
    index = open_at
    length = len(text)
    while index < length:
        char = text[index]
        if char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
            if depth == 0:
                return index + 1, True
        elif char == "\n":
            return index, False
        index += 1
    return length, False


def _find(text: str) -> list[_Found]:
    found: list[_Found] = []
    position = 0
    while True:
        labelled = _LABELLED_RE.search(text, position)
        bare = _BARE_RE.search(text, position)
        candidates = [m for m in (labelled, bare) if m is not None]
        if not candidates:
            return found
        match = min(candidates, key=lambda m: m.start())
        end, closed = _close(text, match.start())
        inner_end = end - 1 if closed else end
        if match is labelled:
            kind = _labelled_kind(match)
            content = text[match.end() : inner_end]
        else:
            kind = _kind_of(match, _BARE, "b")
            content = text[match.start() + 1 : inner_end]
        found.append(_Found(match.start(), end, kind, content.strip()))
        position = end


def _category(text: str) -> str | None:
    for pattern, category in _CATEGORIES:
        if pattern.search(text):
            return category
    return None


def _hand(text: str) -> str | None:
    """Who wrote it, as the annotation itself signs it.

    Initials stay as written ("P."): the document does not say whose they are, and
    expanding them (to Poskrebyshev, say) would be a guess.
    """
    signed = _SIGNED_NAME_RE.search(text)
    if signed:
        return signed.group("name")
    trailing = _TRAILING_HAND_RE.search(text)
    return trailing.group("hand").strip() if trailing else None


def _removal_span(text: str, start: int, end: int) -> tuple[int, int]:
    """What to cut: the whole paragraph with the newlines after it when the annotation
    stands alone on its line, else the annotation and one neighbouring space, so no
    double space or empty paragraph is left behind."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end == -1 else line_end
    if not text[line_start:start].strip() and not text[end:line_end].strip():
        cut_end = line_end
        while cut_end < len(text) and text[cut_end] in "\n \t":
            cut_end += 1
        if cut_end == len(text):
            # The last paragraph: take the separator before it instead.
            while line_start > 0 and text[line_start - 1] in "\n \t":
                line_start -= 1
        return line_start, cut_end
    if end < len(text) and text[end] == " ":
        return start, end + 1
    if start > 0 and text[start - 1] == " ":
        return start - 1, end
    return start, end


def extract_annotations(text: str) -> tuple[str, list[Annotation]]:
    """``text`` without its bracketed annotations, and the annotations in order.

    Each annotation's ``position`` is the offset in the returned text where it stood;
    ``raw`` is the exact source text (without a missing closing bracket).
    """
    pieces: list[str] = []
    annotations: list[Annotation] = []
    length_so_far = 0
    cursor = 0
    for order, found in enumerate(_find(text)):
        cut_start, cut_end = _removal_span(text, found.start, found.end)
        cut_start = max(cut_start, cursor)
        kept = text[cursor:cut_start]
        pieces.append(kept)
        length_so_far += len(kept)
        annotations.append(
            Annotation(
                kind=found.kind,
                text=found.text,
                raw=text[found.start : found.end],
                category=_category(found.text),
                hand=_hand(found.text),
                position=length_so_far,
                order=order,
            )
        )
        cursor = cut_end
    pieces.append(text[cursor:])
    return "".join(pieces), annotations
