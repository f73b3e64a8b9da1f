"""Documents on Australian Foreign Policy (DFAT): Markdown volumes and the CSV index.

A Markdown file is YAML front matter plus the document as the harvester converted
it from the DFAT website::

    Cablegram 91 LONDON, 2 May 1947, 10.16 p.m.      <- header line (type, number, place, date)
    SECRET                                           <- markings (classification, precedence)
    Received 3 May 1947, 9.45 a.m.                   <- transmission
    ...text with footnote markers [1]...
     _                                               <- footnote block opens
    1 Document 42.
    _
     _[AA:A1838/2, 852/13/4, ii]_                    <- archival reference

The conversion is irregular (the header may be split over lines, glued to the first
paragraph or displaced to the end; the reference may precede the footnotes), so the
file is read line by line with small classifiers rather than one grammar.

``documents.csv`` is the harvester's catalogue of all 28 volumes: one metadata-only
record per row, with the same id as the Markdown document so the store can tell the
catalogue row is covered by a full text.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import yaml

from opis.analysis.citations import naa_citation, parse_citation
from opis.analysis.dates import ParsedDate, find_dates, from_iso, record_date_fields
from opis.analysis.header import classify_type, parse_title
from opis.analysis.transmission import extract_transmission
from opis.model import Citation, Collection, Footnote, Place, Record, Source, TransmissionEvent
from opis.readers.base import Item, Reader, ReadError, part_source, repeated_id
from opis.readers.text import clean_space, decode

RIGHTS = (
    "© Commonwealth of Australia. Licensed under a Creative Commons Attribution (CC BY) licence."
)
ATTRIBUTION = "{volume}, document {doc_num}. © Commonwealth of Australia (DFAT), CC BY."
SERIES_TITLE = "Documents on Australian Foreign Policy"
LANGUAGES = ["en"]

# How many leading lines may belong to the header block (split headers, markings,
# distribution and received lines); the text proper always starts before this.
_HEADER_ZONE = 8

# --- line classifiers -------------------------------------------------------

_UNDERSCORE_LINE = re.compile(r"^\s*_{1,2}\s*$")
# The archival reference: "[AA:A1838/2, 852/13/4, ii]", "_[PRO : PREM 1/309]_".
# The signature sometimes follows it on the same line: "[AA : A461, E373/1/3] LYONS".
_REFERENCE_LINE = re.compile(
    r"^\s*_?\s*(?P<ref>\[[A-Z][A-Za-z .]{0,30}?\s*:\s*[^\]\n]+\])"
    r"(?:\s+(?P<signature>[A-Z][A-Z .,'\-]{1,60}?))?\s*_?\s*$"
)
_MARKDOWN_FOOTNOTE = re.compile(r"\[\^(\d{1,3})\]:?")  # "[^1]" in two files
_FOOTNOTE_LINE = re.compile(
    r"^\s*_?\s*(?:\[(?P<bracketed>\d{1,3})\]|(?P<plain>\d{1,3})\\?\.?)\s+(?P<text>\S.*)$"
)
# Body paragraphs are escaped ("2\\. The..."), so a bare "1. " opens a footnote too.
_FIRST_FOOTNOTE = re.compile(r"^\s*_?\s*(?:\[1\]|1\.?)\s+\S|^\s*_\s*1\\\.\s+\S")
_DISTRIBUTION_LINE = re.compile(r"^(?:Repeated|Copies|Copy|Also sent)\s+to\b", re.IGNORECASE)
_TRANSMISSION_LINE = re.compile(
    r"^\[?(?:Received|Dispatched|Despatched|Sent|Delivered)\b", re.IGNORECASE
)
_QUALIFIER_LINE = re.compile(r"^\((?:extracts?|copy|paraphrase|translation)\)[.,]?$", re.IGNORECASE)
_LOWERCASE = re.compile(r"[a-z]")
_MARKDOWN_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!>|])")
_HTML_ENTITY = re.compile(r"&(amp|lt|gt|quot|#39);")
_HTML_ENTITIES = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "#39": "'"}
_BLANK_RUNS = re.compile(r"\n{3,}")

# Security grades, highest first: a line may name two ("CONFIDENTIAL TOP SECRET").
_GRADES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\bTOP SECRET\b"), "top secret"),
    (re.compile(r"\bMOST (?:STRICTLY )?SECRET\b"), "most secret"),
    (re.compile(r"\bSECRET\b"), "secret"),
    (re.compile(r"\bCONFIDENTIAL\b"), "confidential"),
    (re.compile(r"(?<!UN)RESTRICTED\b"), "restricted"),
    (re.compile(r"\bUNRESTRICTED\b"), "unrestricted"),
)
_PRECEDENCE = re.compile(
    r"\b(MOST IMMEDIATE|IMMEDIATE|CLEAR THE LINES?|EMERGENCY|PRIORITY|MOST URGENT|VERY URGENT"
    r"|URGENT|MOST IMPORTANT|IMPORTANT)\b"
)
# Words a markings line is made of; after FOR/TO/FROM/BY any upper-case names may follow.
_MARKING_WORDS = frozenset(
    re.findall(
        r"\S+",
        "SECRET MOST TOP VERY STRICTLY HIGHLY CONFIDENTIAL RESTRICTED UNRESTRICTED PERSONAL "
        "PERSONNAL PERSONAE PERSONALLY PRIVATE IMMEDIATE PRIORITY URGENT IMPORTANT EMERGENCY "
        "CLEAR THE LINE LINES HIMSELF ALONE ONLY AND & EN CLAIR FOLLOWING S.O.S. CODE BRONX "
        "NO CIRCULATION ANNEX AIR BAG",
    )
)
_MARKING_KEYS = re.compile(
    r"\b(?:SECRET|CONFIDENTIAL|(?:UN)?RESTRICTED|PERSONAL|PRIVATE|IMMEDIATE|PRIORITY|URGENT|IMPORTANT"
    r"|EMERGENCY|CLEAR THE LINE)\b"
)
_ROUTING_WORDS = frozenset({"FOR", "TO", "FROM", "BY", "DECIPHERED", "DECIPHER"})

# --- header line grammar ----------------------------------------------------

# Editorial brackets inside a date the date grammar cannot read: "194[9]", "[22] February".
_BRACKETED_DIGIT = re.compile(r"(?<=\b\d{3})\[(\d)\](?!\d)|(?<=\b\d)\[(\d)\](?=\d\d\b)")
# Footnote markers glued inside a date: "1949[1]", "April[1] 1948", "7 December [2] 1944".
_MARKER_IN_DATE = re.compile(
    r"(?<=\b\d{4})\[\d{1,2}\]|(?<=[A-Za-z])\[\d{1,2}\]|\s\[\d{1,2}\](?=\s+\d{4}\b)"
)
_BRACKETED_DAY = re.compile(r"\[(\d{1,2})\](?=,?\s+[A-Z][a-z]+\s)")
_MARKER_AFTER_BRACKET = re.compile(r"\]\s*\[\d{1,2}\]")
_SPACED_TIME = re.compile(r"(\d)\.\s(\d{2})(?=\s*[ap]\.?\s?m)", re.IGNORECASE)
_GLUED_PLACE = re.compile(r"([a-z])([A-Z]{3,})")  # "MemorandumLONDON, 22 December 1948"
_FOOTNOTE_MARKER = re.compile(r"\s*\[\d{1,2}\]")
# The dateline place: a run of upper-case words ("NEW YORK", "[GENERAL HEADQUARTERS,
# SOUTHWEST PACIFIC AREA, MANILA]") just before the date.
_PLACE_TAIL = re.compile(
    r"(?:^|(?<=[\s,(]))(?P<place>\[?(?:[A-Z][A-Z.'’\-]*|\([A-Z][A-Z .]+\))"
    r"(?:[ ,]+(?:[A-Z][A-Z.'’\-]*|\([A-Z][A-Z .]+\)))*\]?)[\s,\[\]]*$"
)
_TYPE_PHRASE = re.compile(
    r"^(?:(?:circular|draft|departmental|ministerial|naval|radio|teleprinter|file|working"
    r"|secret|personal)\s+)*"
    r"(?:cablegrams?|cablgram|cables?|telegrams?|d[ei]spatch(?:es)?|letters?|memorand(?:um|a)"
    r"|memo|minutes?|notes?|extracts?|agend(?:um|a)|savingrams?|messages?|radiogram|signal"
    r"|submission|reports?|paper|decision|document|resolution|aide[- ]m[eé]moire|appendix"
    r"|supplement|annex|attachment|enclosure|proceedings|record|statement|speech)\b\.?",
    re.IGNORECASE,
)
_QUALIFIERS = re.compile(
    r"\((?P<q>extracts?|copy|paraphrase|translation|air ?mail|en clair[^)]*)\)", re.IGNORECASE
)
_UNNUMBERED = re.compile(r"^un+numbered$", re.IGNORECASE)
# What opens a date and belongs to it, not to the place: "n.d. [on or after 9 June 1937]".
_DATE_OPENING = re.compile(
    r"(?:[\s,\[(]+|n\.\s?d\.|c\.|on or (?:before|after)|between|(?:not )?(?:before|after)"
    r"|\d{1,2}\s*(?:and|or|-))+$"
)
_UNDATED = re.compile(r"(?:^|(?<=[\s,\[]))n\.\s?d\.(?:\s*\[[^\]]*\])?")
_MAX_LEAD = 90
_MAX_HEADER_TAIL = 40


@dataclass
class Header:
    """What the lines above the text say about the document."""

    lines: list[str] = field(default_factory=list)
    type_text: str | None = None
    number: str | None = None
    place: str | None = None
    date: ParsedDate | None = None
    qualifiers: list[str] = field(default_factory=list)
    markings: list[str] = field(default_factory=list)
    distribution: list[str] = field(default_factory=list)
    transmission_lines: list[str] = field(default_factory=list)
    found_dateline: bool = False
    title_rest: str | None = None


@dataclass
class Dateline:
    lead: str
    place: str | None
    date: ParsedDate | None
    rest: str


def normalise_header(line: str) -> str:
    """Undo editorial brackets and typos that hide a date from the date grammar."""
    line = _BRACKETED_DIGIT.sub(lambda m: m.group(1) or m.group(2), line)
    line = _MARKER_IN_DATE.sub("", line)
    line = _MARKER_AFTER_BRACKET.sub("]", line)
    line = _BRACKETED_DAY.sub(r"\1", line)
    line = _SPACED_TIME.sub(r"\1.\2", line)
    line = _GLUED_PLACE.sub(r"\1 \2", line)
    return clean_space(line).lstrip(", ")


def split_dateline(line: str) -> Dateline | None:
    """Lead / place / date / rest of a header line, or None when it has no date."""
    dates = find_dates(line)
    if not dates:
        undated = _UNDATED.search(line)
        if undated is None:
            return None
        before, date, rest = line[: undated.start()], None, line[undated.end() :]
    else:
        # A bare year is more often part of a number ("E 1st meeting (1937)").
        date = next((d for d in dates if d.precision != "year"), dates[0])
        start, end = date.span
        before, rest = line[:start], line[end:]
    before = _DATE_OPENING.sub("", before)
    place_match = _PLACE_TAIL.search(_FOOTNOTE_MARKER.sub("", before))
    place = None
    lead = _FOOTNOTE_MARKER.sub("", before)
    if place_match:
        place = place_match.group("place").strip(" ,[]")
        lead = lead[: place_match.start()]
    rest = rest.lstrip(" ,]")
    return Dateline(lead=lead.strip(" ,"), place=place or None, date=date, rest=rest)


def is_markings_line(line: str) -> bool:
    """ "IMMEDIATE SECRET", "MOST SECRET FOR PRIME MINISTER HIMSELF ALONE"..."""
    text = line.strip(" ._,").replace("&amp;", "&")
    if not text or _LOWERCASE.search(text) or len(text) > 120 or not _MARKING_KEYS.search(text):
        return False
    routing = False
    for word in re.split(r"[\s\-]+", text.replace("[", " ").replace("]", " ")):
        word = word.strip(".,")
        if not word:
            continue
        if word in _ROUTING_WORDS:
            routing = True
        elif word in _MARKING_WORDS:
            if word not in {"AND", "&", "THE"}:
                routing = False
        elif not routing:
            return False
    return True


def is_transmission_line(line: str) -> bool:
    """ "Received 3 May 1947, 9.45 a.m.", "Received in Canberra n.d. [...]"."""
    if not _TRANSMISSION_LINE.match(line):
        return False
    return bool(find_dates(line)) or _UNDATED.search(line) is not None


def classification_of(markings: list[str]) -> str | None:
    text = " ".join(markings).upper()
    for pattern, grade in _GRADES:
        if pattern.search(text):
            return grade
    return None


def precedence_of(markings: list[str]) -> str | None:
    found = _PRECEDENCE.search(" ".join(markings).upper())
    return found.group(1).lower() if found else None


def number_from_lead(lead: str) -> tuple[str | None, list[str]]:
    """The document number after the type word, and qualifiers such as "extract"."""
    qualifiers = [m.group("q").lower() for m in _QUALIFIERS.finditer(lead)]
    text = _QUALIFIERS.sub(" ", lead)
    text = _FOOTNOTE_MARKER.sub(" ", text)
    type_match = _TYPE_PHRASE.match(text.strip())
    if type_match is None:
        return None, qualifiers
    number = text.strip()[type_match.end() :].replace("[", "").replace("]", "")
    number = clean_space(number).strip(" ,.")
    if not number or _UNNUMBERED.match(number):
        return None, qualifiers
    return number, qualifiers


_TITLE_WITH_HEADER = re.compile(
    r"^(?P<title>.+?\sto\s.+?)\s+(?P<header>(?:circular\s+)?(?:cablegrams?|letter|d[ei]spatch"
    r"|memorandum|submission|minute|note|savingram|telegram)\b.*)$",
    re.IGNORECASE,
)
_TRUNCATED_TITLE = re.compile(r"\b(?:to|by|between|from|of|and|with)$", re.IGNORECASE)


def continues_title(line: str, next_line: str, title: str) -> bool:
    """The harvester cut some titles short ("Legation in Washington to"); the first
    line of the file then holds the rest ("Department of External Affairs"). Without
    a dangling connector, a short name line right above the dateline is the rest too."""
    text = line.strip()
    if not 0 < len(text) < 100 or re.search(r"\d", text) or is_markings_line(text):
        return False
    if _DISTRIBUTION_LINE.match(text) or _UNDERSCORE_LINE.match(text):
        return False
    if _TRUNCATED_TITLE.search(title):
        return True
    if len(text.split()) > 4 or _starts_with_type(text) or text.endswith((".", ":")):
        return False
    following = normalise_header(next_line)
    return _looks_like_dateline(following, split_dateline(following))


def _is_title_residue(line: str, title: str) -> bool:
    """Pieces of the document title the conversion left above the header ("Government")."""
    text = line.strip(" ,.")
    return (
        bool(text)
        and len(text) < 100
        and not re.search(r"\d", text)
        and (text.lower() in title.lower())
    )


def _starts_with_type(line: str) -> bool:
    return _TYPE_PHRASE.match(line) is not None or re.match(r"^[A-Z]{1,4}\s?\(", line) is not None


def _looks_like_dateline(line: str, dateline: Dateline | None) -> bool:
    if dateline is None:
        return False
    if _starts_with_type(line):
        return True
    # A bare "[CANBERRA], 15 February 1946" or "HOBCAW, 25 April 1944".
    return len(dateline.lead) <= _MAX_LEAD and (dateline.place is not None or not dateline.lead)


def _apply_dateline(header: Header, dateline: Dateline, line: str) -> str:
    """Fill the header from a dateline; return any text glued after it (the body's start)."""
    header.found_dateline = True
    header.lines.append(line)
    header.place = dateline.place
    header.date = dateline.date
    if dateline.lead:
        header.type_text = dateline.lead
        header.number, header.qualifiers = number_from_lead(dateline.lead)
    rest = dateline.rest
    received = re.search(r"\b(?:Received|Dispatched|Despatched)\b", rest)
    if received:
        header.transmission_lines.append(rest[received.start() :])
        rest = rest[: received.start()].strip(" ,")
    if rest and is_markings_line(rest):
        header.markings.append(rest)
        rest = ""
    if rest and not dateline.lead and _TYPE_PHRASE.match(rest) and len(rest) <= _MAX_LEAD:
        # "CANBERRA, 6 July 1946 Cablegram HAGUE 44": the type came after the date.
        header.type_text = rest
        header.number, header.qualifiers = number_from_lead(rest)
        rest = ""
    if rest and (len(rest) > _MAX_HEADER_TAIL and _LOWERCASE.search(rest)):
        # The first paragraph was glued to the dateline ("... 30 December 1948 I saw ...").
        header.lines[-1] = line[: len(line) - len(dateline.rest)].rstrip()
        return rest
    if rest:
        header.qualifiers.append(rest)
    return ""


def read_header(lines: list[str], title: str) -> tuple[Header, int, str]:
    """Parse the header block; return it, the index of the first text line and any
    text that was glued to the header line."""
    header = Header()
    filled = [i for i, line in enumerate(lines[: _HEADER_ZONE * 3]) if line.strip()][:2]
    first = filled[0] if filled else None
    next_line = lines[filled[1]] if len(filled) > 1 else ""
    if first is not None and continues_title(lines[first], next_line, title):
        header.title_rest = clean_space(lines[first])
        header.lines.append(lines[first].strip())
        lines = [""] * (first + 1) + lines[first + 1 :]
    index = 0
    pending_type: str | None = None  # "Cablegram 66," waiting for "LONDON, 28 April 1938"
    seen = 0
    while index < len(lines) and seen < _HEADER_ZONE:
        raw = lines[index]
        line = raw.strip()
        if not line:
            index += 1
            continue
        seen += 1
        if _UNDERSCORE_LINE.match(raw):
            index += 1
            continue
        if _DISTRIBUTION_LINE.match(line):
            header.distribution.append(line)
            header.lines.append(line)
        elif is_markings_line(line):
            header.markings.append(line)
            header.lines.append(line)
        elif is_transmission_line(line):
            header.transmission_lines.append(line)
            header.lines.append(line)
        elif _QUALIFIER_LINE.match(line):
            header.qualifiers.append(line.strip("(),. ").lower())
            header.lines.append(line)
        elif (
            not header.found_dateline
            and (glued := _try_dateline(header, line, pending_type)) is not None
        ):
            index += 1
            if glued:
                return header, index, glued
            pending_type = None
            continue
        elif (
            not header.found_dateline
            and pending_type is None
            and _starts_with_type(line)
            and (len(line) <= _MAX_LEAD and not find_dates(line))
        ):
            pending_type = line
        elif not header.found_dateline and _is_title_residue(line, title):
            header.lines.append(line)
        else:
            break
        index += 1
    if pending_type is not None and not header.found_dateline:
        # A type line without any date ("Cablegram 360,"): still the header.
        header.lines.append(pending_type)
        header.type_text = pending_type.strip(" ,")
        header.number, header.qualifiers = number_from_lead(header.type_text)
        header.found_dateline = True
    return header, index, ""


def _try_dateline(header: Header, line: str, pending_type: str | None) -> str | None:
    """Apply ``line`` (joined to a pending type line) as the dateline; None if it is not one."""
    joined = f"{pending_type} {line}" if pending_type else line
    normalised = normalise_header(joined)
    dateline = split_dateline(normalised)
    if not _looks_like_dateline(normalised, dateline):
        return None
    assert dateline is not None
    if pending_type:
        header.lines.append(pending_type)
    return _apply_dateline(header, dateline, line)


# --- footnotes and reference --------------------------------------------------


@dataclass
class Tail:
    footnotes: list[tuple[str, str]] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    displaced: list[str] = field(default_factory=list)
    """Lines after the footnotes that are neither notes nor the reference."""


def footnote_start(lines: list[str], first: int) -> int | None:
    """Index of the line holding footnote 1: the text has a marker ``[1]``, or the
    line follows the block opener "_" or the archival reference."""
    for index in range(len(lines) - 1, first - 1, -1):
        if _FIRST_FOOTNOTE.match(lines[index]):
            if "[1]" in "\n".join(lines[first:index]):
                return index
            previous = next((line for line in reversed(lines[first:index]) if line.strip()), "")
            opened = _UNDERSCORE_LINE.match(previous) or _REFERENCE_LINE.match(previous)
            return index if opened or lines[index].lstrip().startswith("_") else None
    return None


def read_tail(lines: list[str]) -> Tail:
    """Footnotes (numbered 1, 2, ... with continuation lines), references, leftovers."""
    tail = Tail()
    expected = 1
    for raw in lines:
        if not raw.strip() or _UNDERSCORE_LINE.match(raw):
            continue
        reference = _REFERENCE_LINE.match(raw)
        if reference:
            tail.references.append(reference.group("ref"))
            if reference.group("signature"):
                tail.displaced.append(reference.group("signature").strip())
            continue
        note = _FOOTNOTE_LINE.match(raw)
        text = raw.strip().strip("_").strip()
        if note:
            number = int(note.group("bracketed") or note.group("plain"))
            # A gap of a note or two happens (lost in conversion); "1947 ..." does not start one.
            if expected <= number <= expected + 2:
                tail.footnotes.append((str(number), note.group("text").strip().rstrip("_").strip()))
                expected = number + 1
                continue
        if tail.footnotes and not tail.references:
            key, previous = tail.footnotes[-1]
            tail.footnotes[-1] = (key, f"{previous}\n{text}")
        else:
            tail.displaced.append(text)
    return tail


def trailing_references(lines: list[str]) -> tuple[list[str], int]:
    """Reference lines at the end of the text (before any footnotes); new end index."""
    references: list[str] = []
    end = len(lines)
    while end > 0:
        raw = lines[end - 1]
        if not raw.strip() or _UNDERSCORE_LINE.match(raw):
            end -= 1
            continue
        match = _REFERENCE_LINE.match(raw)
        if not match:
            break
        references.insert(0, match.group("ref"))
        if match.group("signature"):
            # Keep the signature as the text's last line, where it belongs.
            lines[end - 1] = match.group("signature").strip()
            break
        end -= 1
    return references, end


def unescape_markdown(text: str) -> str:
    text = _MARKDOWN_ESCAPE.sub(r"\1", text)
    return _HTML_ENTITY.sub(lambda m: _HTML_ENTITIES[m.group(1)], text)


_ITALIC_EDGE = re.compile(r"^\s*_(?=\S)|(?<=\S)_\s*$")


def _strip_italics(line: str) -> str:
    if "_" not in line:  # most lines: skip the regexes
        return line.rstrip()
    return "" if _UNDERSCORE_LINE.match(line) else _ITALIC_EDGE.sub("", line.rstrip())


def body_text(lines: list[str]) -> str:
    """The text lines joined, with conversion leftovers removed: lone "_" lines, the
    italic underscores at line edges, Markdown escapes, runs of blank lines."""
    kept = [_strip_italics(line) for line in lines]
    text = unescape_markdown("\n".join(kept))
    return _BLANK_RUNS.sub("\n\n", text).strip()


def place_footnotes(body: str, notes: list[tuple[str, str]]) -> list[Footnote]:
    """Footnotes with the offset of their marker ``[n]`` in the body, in order."""
    footnotes: list[Footnote] = []
    search_from = 0
    for key, text in notes:
        at = body.find(f"[{key}]", search_from)
        if at == -1:
            at = body.find(f"[{key}]")
        if at != -1:
            search_from = at + 1
        position = at if at != -1 else None
        footnotes.append(Footnote(key=key, text=unescape_markdown(text).strip(), position=position))
    return footnotes


# --- front matter -------------------------------------------------------------


def split_front_matter(text: str) -> tuple[dict[str, Any], str]:
    """(front matter, Markdown after it)."""
    if not text.startswith("---\n"):
        raise ReadError("no YAML front matter (the file must start with '---')", "line 1")
    end = text.find("\n---", 3)
    while end != -1 and text[end + 4 : end + 5] not in ("\n", ""):
        end = text.find("\n---", end + 4)
    if end == -1:
        last_line = f"line {text.count(chr(10)) + 1}"
        raise ReadError("YAML front matter is not closed by '---'", last_line)
    try:
        data = yaml.load(text[4 : end + 1], Loader=yaml.CSafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 2}, column {mark.column + 1}" if mark is not None else "line 2"
        problem = getattr(exc, "problem", None) or exc
        raise ReadError(f"invalid YAML front matter: {problem}", where) from exc
    if not isinstance(data, dict):
        raise ReadError("YAML front matter is not a mapping", "line 2")
    for key in ("title", "doc_num", "vol_id"):
        if data.get(key) in (None, ""):
            raise ReadError(f"front matter has no {key!r}", "line 2")
    return data, text[end + 4 :].lstrip("\n")


def _ids(front: dict[str, Any]) -> tuple[str, str]:
    vol = str(front["vol_id"]).strip().lower()
    doc = str(front["doc_num"]).strip().lower()
    if not re.fullmatch(r"[0-9a-z]+", vol) or not re.fullmatch(r"[0-9a-z]+", doc):
        raise ReadError(f"unusable vol_id/doc_num {vol!r}/{doc!r}", "line 2")
    return vol, doc


def naa_citations(refs: Any) -> list[Citation]:
    if not isinstance(refs, list):
        return []
    citations = []
    for ref in refs:
        if isinstance(ref, dict):
            citations.append(
                naa_citation(
                    ref.get("reference"),
                    ref.get("naa_series"),
                    ref.get("naa_control_symbol"),
                    ref.get("naa_barcode"),
                )
            )
    return citations


def _same_reference(a: str, b: str) -> bool:
    return re.sub(r"\s+", "", a).lower() == re.sub(r"\s+", "", b).lower()


def choose_date(
    header_date: ParsedDate | None, doc_date: str
) -> tuple[ParsedDate | None, dict[str, Any]]:
    """Prefer the date the header line states; the front matter's is machine-extracted."""
    front = from_iso(doc_date) if doc_date else None
    extra: dict[str, Any] = {}
    if header_date is not None:
        extra["date_source"] = "header"
        if (
            doc_date
            and not header_date.edtf.startswith(doc_date)
            and not doc_date.startswith(header_date.edtf[:10].rstrip("~?"))
        ):
            extra["doc_date"] = doc_date
        return header_date, extra
    if front is not None:
        extra["date_source"] = "doc_date"
        return front, extra
    return None, extra


# --- the Markdown reader ------------------------------------------------------


def read_markdown(raw: bytes, source: Source) -> Iterator[Item]:
    text, encoding = decode(raw, source.filename)
    front, markdown = split_front_matter(text)
    vol, doc_num = _ids(front)
    title = clean_space(str(front["title"]))
    collection_id = f"dfat-v{vol}"
    volume_title = clean_space(str(front.get("vol_full_title") or front.get("vol_title") or ""))
    yield Collection(
        id=collection_id,
        title=volume_title or f"{SERIES_TITLE}, volume {vol}",
        kind="dfat-volume",
        rights=RIGHTS,
        description=f"{SERIES_TITLE}, {volume_title}" if volume_title else None,
        metadata={"vol_title": front.get("vol_title")} if front.get("vol_title") else {},
    )
    yield build_record(
        front,
        markdown,
        source.model_copy(update={"encoding": encoding}),
        vol=vol,
        doc_num=doc_num,
        title=title,
        volume_title=volume_title,
    )


def build_record(
    front: dict[str, Any],
    markdown: str,
    source: Source,
    *,
    vol: str,
    doc_num: str,
    title: str,
    volume_title: str,
) -> Record:
    lines = _MARKDOWN_FOOTNOTE.sub(r"[\1]", markdown).split("\n")
    header, text_start, glued = read_header(lines, title)
    if header.title_rest:
        title = f"{title} {header.title_rest}"
    title, title_header = split_title_header(title)
    if title_header:
        apply_title_header(header, title_header)
    notes_at = footnote_start(lines, text_start)
    text_end = notes_at if notes_at is not None else len(lines)
    references, text_end = trailing_references(lines[:text_end])
    if not header.found_dateline:
        text_end = _trailing_dateline(header, lines, text_start, text_end)
        more, text_end = trailing_references(lines[:text_end])
        references = more + references
    tail = read_tail(lines[notes_at:]) if notes_at is not None else Tail()
    references += tail.references
    displaced = _displaced_header(header, tail.displaced)
    text_lines = ([glued] if glued else []) + lines[text_start:text_end] + displaced
    body = body_text(text_lines)

    header_date = header.date
    date, date_extra = choose_date(header_date, str(front.get("doc_date") or "").strip())
    transmission = _transmission(header, date)
    title_parts = parse_title(title)
    citations = naa_citations(front.get("naa_refs"))
    for reference in references:
        if not any(_same_reference(reference, c.text) for c in citations):
            citations.append(parse_citation(reference))
    doc_type = classify_type(header.type_text) if header.type_text else None
    doc_type = doc_type or title_parts.type

    extra: dict[str, Any] = {**date_extra, "doc_order": front.get("doc_order")}
    if header.lines:
        extra["header"] = header.lines
    if header.markings:
        extra["markings"] = header.markings
        if precedence := precedence_of(header.markings):
            extra["precedence"] = precedence
    if header.qualifiers:
        extra["qualifiers"] = header.qualifiers
    if header.distribution:
        extra["distribution"] = header.distribution
    if header.transmission_lines and not transmission:
        extra["transmission_text"] = header.transmission_lines
    if front.get("vol_title"):
        extra["vol_title"] = front["vol_title"]
    if header.title_rest or title_header:
        extra["front_matter_title"] = clean_space(str(front["title"]))
    if title_header:
        extra["title_header"] = title_header

    return Record(
        id=f"dfat-v{vol}-{doc_num}",
        title=title,
        type=doc_type,
        number=header.number or title_parts.number,
        **record_date_fields(date),
        sender=title_parts.senders,
        to=title_parts.recipients,
        places=[Place(name=_place_name(header.place), role="dateline")] if header.place else [],
        classification=classification_of(header.markings),
        languages=list(LANGUAGES),
        body=body,
        transmission=transmission,
        citation=citations[0] if citations else None,
        other_citations=citations[1:],
        rights=RIGHTS,
        attribution=ATTRIBUTION.format(volume=_volume_credit(volume_title, vol), doc_num=doc_num),
        collection=f"dfat-v{vol}",
        source_record_id=doc_num,
        footnotes=place_footnotes(body, tail.footnotes),
        extra={k: v for k, v in extra.items() if v is not None},
        source=source,
    )


def split_title_header(title: str) -> tuple[str, str | None]:
    """ "Evatt to Ball Cablegram Paris 123 IMMEDIATE TOP SECRET": some titles carry the
    header line; split it off ("Evatt to Ball", "Cablegram Paris 123 ...")."""
    match = _TITLE_WITH_HEADER.match(title)
    if match is None:
        return title, None
    return match["title"].strip(), clean_space(match["header"])


def apply_title_header(header: Header, text: str) -> None:
    """Fill what the text's own header lines did not give from the title's header part."""
    words = text.split()
    for cut in range(1, len(words)):
        if is_markings_line(" ".join(words[cut:])):
            if not header.markings:
                header.markings.append(" ".join(words[cut:]))
            text = " ".join(words[:cut])
            break
    normalised = normalise_header(text)
    dateline = split_dateline(normalised)
    lead = normalised
    if dateline is not None and dateline.date is not None:
        lead = dateline.lead
        if header.date is None:
            header.date = dateline.date
            header.place = header.place or dateline.place
    if header.type_text is None and lead:
        header.type_text = lead
        header.number, header.qualifiers = number_from_lead(lead)


def _displaced_header(header: Header, displaced: list[str]) -> list[str]:
    """Lines found after the footnotes: a dateline the conversion moved down, or text."""
    text: list[str] = []
    for line in displaced:
        if not header.found_dateline:
            normalised = normalise_header(line)
            dateline = split_dateline(normalised)
            if _looks_like_dateline(normalised, dateline) and len(line) <= _MAX_LEAD:
                assert dateline is not None
                _apply_dateline(header, dateline, line)
                continue
        text.append(line)
    return text


def _trailing_dateline(header: Header, lines: list[str], start: int, end: int) -> int:
    """A dateline the conversion moved to the very end (" _[CANBERRA], 22 April 1948_")."""
    last = end - 1
    while last >= start and (not lines[last].strip() or _UNDERSCORE_LINE.match(lines[last])):
        last -= 1
    if last < start or not lines[last].strip().startswith("_"):
        return end
    if _displaced_header(header, [lines[last].strip().strip("_").strip()]) == []:
        return last
    return end


def _transmission(header: Header, date: ParsedDate | None) -> list[TransmissionEvent]:
    if not header.transmission_lines:
        return []
    year = int(date.start[:4]) if date and date.start[:4].isdigit() else None
    text = "\n".join(line.rstrip(" ,") for line in header.transmission_lines)
    events, _spans = extract_transmission(text, year=year)
    return events


def _place_name(place: str) -> str:
    """ "NEW YORK" -> "New York"; editorial brackets dropped."""
    words = place.replace("[", "").replace("]", "").split()
    return " ".join(w if _LOWERCASE.search(w) else w.capitalize() for w in words)


def _volume_credit(volume_title: str, vol: str) -> str:
    return f"{SERIES_TITLE}, {volume_title}" if volume_title else f"{SERIES_TITLE}, Volume {vol}"


def detect_markdown(filename: str, head: bytes) -> bool:
    if not filename.lower().endswith(".md"):
        return False
    text = head.lstrip(b"\xef\xbb\xbf")
    return text.startswith(b"---") and b"\ndoc_num:" in text and b"\nvol_id:" in text


# --- the CSV index ------------------------------------------------------------

CSV_COLUMNS = 9
_CSV_TITLE_NUMBER = re.compile(r"^\s*(?P<num>\d+[A-Za-z]?)(?:\s*[.\-]\s*|\s+|$)")


def read_csv(raw: bytes, source: Source) -> Iterator[Item]:
    text, _encoding = decode(raw, source.filename)
    reader = csv.reader(text.split("\n"))
    numbered: Counter[str] = Counter()
    row_number = 0
    try:
        for row in reader:
            row_number = reader.line_num
            if not row or not any(cell.strip() for cell in row):
                continue
            record = csv_record(row, row_number, source)
            # The index numbers a few documents twice in one volume (5/8, 20/362...);
            # the Markdown files of 5/8 get the same ids at ingest (``distinct_ids``).
            numbered[record.id] += 1
            if numbered[record.id] > 1:
                record = record.model_copy(
                    update={"id": repeated_id(record.id, numbered[record.id])}
                )
            yield record
    except csv.Error as exc:
        raise ReadError(f"malformed CSV: {exc}", f"row {reader.line_num or row_number}") from exc


def csv_record(row: list[str], row_number: int, source: Source) -> Record:
    """One catalogue row. The first column is a global id; the number opening the
    title ("1 Ballard to Evatt") is the document number within the volume, which is
    what the Markdown files (and the record ids) use."""
    where = f"row {row_number}"
    if len(row) != CSV_COLUMNS:
        raise ReadError(f"expected {CSV_COLUMNS} columns, found {len(row)}", where)
    doc_id, vol, title, volume_title, iso_date, reference, barcode, series, control = (
        cell.strip() for cell in row
    )
    if not doc_id.isdigit() or not vol.isdigit():
        raise ReadError(f"document and volume ids must be numbers, got {doc_id!r}, {vol!r}", where)
    date = from_iso(iso_date) if iso_date else None
    if iso_date and date is None:
        raise ReadError(f"invalid ISO date {iso_date!r}", where)
    number_match = _CSV_TITLE_NUMBER.match(title)
    doc_num = number_match.group("num").lower() if number_match else None
    clean_title = clean_space(title[number_match.end() :] if number_match else title)
    clean_title = _CSV_TITLE_BOILERPLATE.sub("", clean_title)
    title_parts = parse_title(clean_title)
    citation = (
        naa_citation(reference or None, series or None, control or None, barcode or None)
        if reference or series or barcode
        else None
    )
    return Record(
        id=f"dfat-v{int(vol)}-{doc_num}" if doc_num else f"dfat-v{int(vol)}-id{doc_id}",
        # Volume 17 rows have only the number as title.
        title=clean_title or f"{volume_title or SERIES_TITLE}, document {doc_num or doc_id}",
        type=title_parts.type,
        **record_date_fields(date),
        sender=title_parts.senders,
        to=title_parts.recipients,
        languages=list(LANGUAGES),
        citation=citation,
        rights=RIGHTS,
        attribution=ATTRIBUTION.format(
            volume=f"{SERIES_TITLE}, {volume_title}", doc_num=doc_num or doc_id
        ),
        collection=f"dfat-v{int(vol)}",
        source_record_id=doc_num,
        metadata_only=True,
        extra={"dfat_document_id": doc_id, "volume_title": volume_title or None},
        source=part_source(source, where),
    )


_CSV_TITLE_BOILERPLATE = re.compile(
    r"\s+-\s+Historical Documents\s+-\s+Australian Government Department of Foreign Affairs"
    r" and Trade$"
)
_CSV_FIRST_ROW = re.compile(rb"^\d+,\d+,")


def detect_csv(filename: str, head: bytes) -> bool:
    if not filename.lower().endswith(".csv"):
        return False
    first = head.lstrip(b"\xef\xbb\xbf").split(b"\n", 1)[0]
    if not _CSV_FIRST_ROW.match(first):
        return False
    try:
        row = next(csv.reader([first.decode("utf-8", errors="replace").rstrip("\r")]))
    except (csv.Error, StopIteration):
        return False
    return len(row) == CSV_COLUMNS


READERS: list[Reader] = [
    Reader(
        format="dfat-markdown",
        description="Documents on Australian Foreign Policy: Markdown with YAML front matter",
        detect=detect_markdown,
        read=read_markdown,
        media_type="text/markdown",
    ),
    Reader(
        format="dfat-csv",
        description="Documents on Australian Foreign Policy: documents.csv catalogue index",
        detect=detect_csv,
        read=read_csv,
        media_type="text/csv",
    ),
]
