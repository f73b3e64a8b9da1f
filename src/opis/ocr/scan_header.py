"""What the top of a scan's first page says, read from its OCR text.

``ocr_record`` already re-reads title, date and type from page 1. This adds the
rest of a typed header the born-digital readers get from markup:

* the classification stamp above the heading ("SECRET", "CONFIDENTIAL"). Stamps are
  the worst-read words of a scan ("CONABEN TIAL"), so a line matches a marking by
  similarity (``STAMP_SIMILARITY``), and only above the heading, where a stamp
  stands; "DECLASSIFIED ... PER E.O." stamps lower down do not count;
* a memcon's participants: the block after "PARTICIPANTS:" up to "DATE, TIME",
  grouped by side ("U.S.", "China") where a one-word line names one; each becomes a
  ``Mention`` (``origin`` ``header``) and ``extra["participants"]``;
* the type a heading in capitals names ("TELEGRAM") where ``ocr_record`` found none;
* the place of a memcon ("DATE, TIME and PLACE: ..."), as a ``Place`` (role ``header``);
* the languages the OCR chose per page, as ISO 639-1 codes.

Pure functions over records; nothing here runs OCR.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from typing import Any

from opis.analysis.header import classify_type
from opis.model import Mention, Place, Record

MARKINGS = ("TOP SECRET", "SECRET", "CONFIDENTIAL", "LIMITED OFFICIAL USE", "UNCLASSIFIED")
STAMP_SIMILARITY = 0.75
"""Least ``SequenceMatcher`` ratio between a line's letters and a marking's."""
LENGTH_SLACK = 2
"""A misread stamp has about the marking's length: at most this many letters more or less."""
HEADER_LINES = 15
"""A stamp or a type heading stands in the first lines of page 1."""
MAX_PARTICIPANTS = 40
OCR_LANGUAGES = {"eng": ("en",), "rus": ("ru",), "rus+eng": ("ru", "en")}

# Where a memcon's heading starts; a telegram's classification stands below its
# "TELEGRAM" banner, so only the SUBJECT line ends the search there.
_HEADING = re.compile(r"MEMORANDUM|THE WHITE HOUSE|^\s*SUBJ(?:ECT)?\s*[:.;]", re.IGNORECASE)
_NOT_A_STAMP = re.compile(r"DECLASS|CLASSIFIED BY|DOWNGRAD|E\.?\s?O\.?\s?\d", re.IGNORECASE)
_PARTICIPANTS = re.compile(r"^\s*PARTICIPANTS\s*[:;.]?\s*(?P<first>[^\n]*)$", re.MULTILINE)
_BLOCK_END = re.compile(r"^\s*(?:DATE|TIME|PLACE|SUBJECT)\b", re.IGNORECASE)
_PLACE = re.compile(r"^\s*(?:and\s+)?PLACE\s*[:;.]\s*(?P<place>[^\n]{3,120})$", re.I | re.M)
_JUNK_EDGES = " \t,;:«»\"'~*_|"
_LETTERS = re.compile(r"[^A-Z]")


def analyse_scan(record: Record) -> Record:
    """The record with classification, participants, place and languages from its OCR."""
    pages = record.pages
    first_end = pages[1].offset - 2 if len(pages) > 1 else len(record.body)
    first_page = record.body[: max(first_end, 0)]
    update: dict[str, Any] = {}
    if record.classification is None:
        stamp = classification_stamp(first_page)
        if stamp is not None:
            update["classification"] = stamp
    people = participants(first_page)
    if people:
        extra = dict(record.extra)
        extra["participants"] = [p for p, _start, _end in people]
        update["extra"] = extra
        known = {(m.text, m.position) for m in record.mentions}
        found = [
            Mention(text=p["name"], type="person", position=s, end=e, origin="header")
            for p, s, e in people
            if (p["name"], s) not in known
        ]
        update["mentions"] = [*record.mentions, *found]
    if record.type is None:
        kind = heading_type(first_page)
        if kind is not None:
            update["type"] = kind
    place = header_place(first_page)
    if place is not None and all(p.name != place for p in record.places):
        update["places"] = [*record.places, Place(name=place, role="header")]
    if not record.languages:
        languages = ocr_languages(record)
        if languages:
            update["languages"] = languages
    return record.model_copy(update=update) if update else record


def classification_stamp(first_page: str) -> str | None:
    """The marking stamped above the page's heading, read leniently."""
    lines = first_page.split("\n")
    heading = next((i for i, line in enumerate(lines) if _HEADING.search(line)), None)
    top = lines[: heading if heading is not None else HEADER_LINES][:HEADER_LINES]
    best: tuple[float, str] | None = None
    for line in top:
        if _NOT_A_STAMP.search(line) or not _in_capitals(line):
            continue
        for candidate in _pieces(line):
            for marking in MARKINGS:
                bare = marking.replace(" ", "")
                if abs(len(candidate) - len(bare)) > LENGTH_SLACK:
                    continue  # "SECRETARY" is not a misread "SECRET"
                score = SequenceMatcher(None, candidate, bare).ratio()
                if score >= STAMP_SIMILARITY and (best is None or score > best[0]):
                    best = (score, marking)
    return best[1] if best else None


def _in_capitals(line: str) -> bool:
    """Stamps and typed headings are in capitals; lines of the text are not."""
    letters = [c for c in line if c.isalpha()]
    return len(letters) >= 4 and sum(c.isupper() for c in letters) >= 0.8 * len(letters)


def heading_type(first_page: str) -> str | None:
    """The type a typed heading near the top names ("TELEGRAM", "INFORMATION MEMORANDUM").

    Only lines in capitals count: a sentence of the text ("The President's letter
    to ...") names other documents, not this one.
    """
    for line in first_page.split("\n")[:HEADER_LINES]:
        if not _in_capitals(line):
            continue
        kind = classify_type(line)
        if kind is not None:
            return kind
    return None


def _pieces(line: str) -> list[str]:
    """A line's letters, whole and by runs of one or two words (stamps share a line)."""
    words = [_LETTERS.sub("", w.upper()) for w in line.split()]
    words = [w for w in words if w]
    pieces = {"".join(words)}
    for i in range(len(words)):
        pieces.add(words[i])
        if i + 1 < len(words):
            pieces.add(words[i] + words[i + 1])
    return [p for p in pieces if len(p) >= 5]


def participants(first_page: str) -> list[tuple[dict[str, str | None], int, int]]:
    """(participant, start, end) for each line of a memcon's PARTICIPANTS block.

    A participant is ``{"name", "role", "side"}``: "Vivian Chang, Interpreter and
    Notetaker" is name and role; a one-word line before a group ("China") is its side.
    Offsets are those of the name in ``first_page`` (which starts the body).
    """
    match = _PARTICIPANTS.search(first_page)
    if match is None:
        return []
    found: list[tuple[dict[str, str | None], int, int]] = []
    side: str | None = None
    position = match.start("first")
    rest = first_page[position:]
    for raw_line in rest.split("\n"):
        start = position
        position += len(raw_line) + 1
        line = raw_line.strip(_JUNK_EDGES)
        if not line:
            continue
        if _BLOCK_END.match(line):
            break
        if len(line.split()) == 1:
            side = line  # "U.S.", "China", "Pakistan"
            continue
        name, _, role = line.partition(",")
        name = name.strip(_JUNK_EDGES)
        offset = start + raw_line.find(name)
        entry: dict[str, str | None] = {"name": name, "role": role.strip() or None, "side": side}
        found.append((entry, offset, offset + len(name)))
        if len(found) >= MAX_PARTICIPANTS:  # the end marker was misread: stop somewhere
            break
    return found


def header_place(first_page: str) -> str | None:
    match = _PLACE.search(first_page[:3000])
    return match.group("place").strip(_JUNK_EDGES) if match else None


def ocr_languages(record: Record) -> list[str]:
    """ISO 639-1 codes of the languages OCR chose for the pages it read, in page order."""
    ocr = record.extra.get("ocr")
    if not isinstance(ocr, dict):
        return []
    found: list[str] = []
    for page in ocr.get("pages", []):
        if page.get("shown") != "ocr":
            continue
        for code in OCR_LANGUAGES.get(str(page.get("language")), ()):
            if code not in found:
                found.append(code)
    return found
