"""History Lab (Columbia) entity-annotated State Department telegrams.

A file is a numbered entity list ("3. IRAN        GPE.SPECIAL"), a line "@@@", then
the upper-case telegram text with mentions marked ``[[surface || N]]``, N pointing
into the list. Marks nest ("[[[[RIGA || 3]] [[OVIR || 4]] DIRECTOR || 5]]") and
spacing inside them is irregular. The annotators' ``ToBeFixed`` files break the
shape in every way (no "@@@", "@@@@", no list, key 0, unbalanced marks); they are
read as far as they go and never crash the reader.

The file name is the telegram number: year, the sending post (cut to six
letters by the cable system) and a serial: ``1977TOKYO13557``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from opis.analysis.dates import from_iso, record_date_fields
from opis.model import Mention, Place, Record, Source
from opis.readers.base import Item, Reader, ReadError
from opis.readers.text import clean_space, decode

RIGHTS = (
    "Telegram text: US public domain. Annotations: History Lab, Columbia University "
    "(no licence stated)."
)
UNLISTED = "unlisted"
"""Mention type when the number is not in the file's entity list (key 0 in drafts)."""

_TELEGRAM_NUMBER = re.compile(r"^(?P<year>(?:19|20)\d\d)(?P<post>[A-Z]+?)(?P<serial>\d+)$")
_SEPARATOR = re.compile(r"^\s*@{3,}\s*$", re.MULTILINE)
_ENTITY_LINE = re.compile(
    r"^\s*(?P<key>\d+)\s*\.?\s+(?P<surface>\S.*?)\s+(?P<type>[A-Z]{2,}(?:\.[A-Za-z]+)?)\s*$"
)
_OPEN = "[["
# Closing marks as typed: "|| 3]]", and the slips "|| 3]", "|4]]", "|| 9||", "|| 7 ".
_CLOSE_PATTERN = r"\s*\|{1,2}\s*(?P<key>\d+)(?:\s*\]{1,2}|\s*\|\|)?"
_CLOSE = re.compile(_CLOSE_PATTERN)
_TOKEN = re.compile(r"\[\[|" + _CLOSE_PATTERN)
_SUBJECT = re.compile(r"\bSUBJ(?:ECT)?\s*:\s*(?P<subject>[^\n]{3,160})")
_KNOWN_TAG = re.compile(rb"\b(?:PER|ORG|GPE)\.[A-Z]+\b|\bLOC\b")
_MARK = re.compile(rb"\|\|\s*\d+\s*\]\]")

# Cable post codes that are cut or are not a city name.
POSTS: dict[str, str] = {
    "STATE": "Washington",
    "USUNN": "New York",
    "USNATO": "Brussels",
    "USBERL": "Berlin",
    "OECDP": "Paris",
    "ECBRU": "Brussels",
    "TELAV": "Tel Aviv",
    "STOCKH": "Stockholm",
    "THEHA": "The Hague",
    "KINSHA": "Kinshasa",
    "GUATEM": "Guatemala City",
    "DAMASC": "Damascus",
    "BUENOS": "Buenos Aires",
    "TRIPOL": "Tripoli",
    "SANJO": "San José",
    "PRETOR": "Pretoria",
    "PORTL": "Port Louis",
    "NAIROB": "Nairobi",
    "MANAGU": "Managua",
    "KUALA": "Kuala Lumpur",
    "KHARTO": "Khartoum",
    "ISTANB": "Istanbul",
    "CARACA": "Caracas",
    "CANBER": "Canberra",
    "VIENTI": "Vientiane",
    "VICTOR": "Victoria",
    "TEGUCI": "Tegucigalpa",
    "REYKJA": "Reykjavik",
    "PORTM": "Port Moresby",
    "PHNOM": "Phnom Penh",
    "MATAMO": "Matamoros",
    "LAPAZ": "La Paz",
    "KINGST": "Kingston",
    "KAMPAL": "Kampala",
    "JOHANN": "Johannesburg",
    "JAKART": "Jakarta",
    "GUAYAQ": "Guayaquil",
    "COTONO": "Cotonou",
    "CAPET": "Cape Town",
    "BUDAPE": "Budapest",
    "BRUSSE": "Brussels",
    "BELGRA": "Belgrade",
    "BELFAS": "Belfast",
    "ASUNCI": "Asunción",
}


@dataclass
class Marked:
    """Telegram text with the marks taken out, and the spans they marked."""

    text: str
    mentions: list[tuple[int, int, str]] = field(default_factory=list)
    """(start, end, key) in ``text``."""
    unbalanced: int = 0


def telegram_parts(stem: str) -> tuple[str, str, str] | None:
    """(year, post code, serial) from "1977TOKYO13557"."""
    match = _TELEGRAM_NUMBER.match(stem.upper())
    return (match["year"], match["post"], match["serial"]) if match else None


def post_name(code: str) -> str:
    return POSTS.get(code, code.title())


def split_parts(text: str) -> tuple[str, str]:
    """(entity list, telegram text): at the "@@@" line, else after the leading list."""
    separator = _SEPARATOR.search(text)
    if separator:
        return text[: separator.start()], text[separator.end() :]
    lines = text.split("\n")
    index = 0
    while index < len(lines) and (not lines[index].strip() or _ENTITY_LINE.match(lines[index])):
        index += 1
    return "\n".join(lines[:index]), "\n".join(lines[index:])


def parse_entities(head: str) -> list[dict[str, str]]:
    entities = []
    for line in head.split("\n"):
        match = _ENTITY_LINE.match(line)
        if match and not line.lstrip().startswith("//"):
            entities.append(
                {
                    "key": match["key"],
                    "text": clean_space(match["surface"]).rstrip(" ."),
                    "type": match["type"].upper(),
                }
            )
    return entities


def remove_marks(marked: str) -> Marked:
    """Strip ``[[ ... || N]]`` marks (nested) and the padding spaces inside them."""
    out: list[str] = []
    length = 0
    opened: list[int] = []
    result = Marked(text="")
    position = 0
    for token in _TOKEN.finditer(marked):
        piece = marked[position : token.start()]
        if opened and length == opened[-1]:
            piece = piece.lstrip(" ")  # "[[ PANAMA" -> "PANAMA"
        out.append(piece)
        length += len(piece)
        position = token.end()
        if token.group(0) == _OPEN:
            opened.append(length)
            continue
        close = _CLOSE.match(token.group(0))
        assert close is not None
        if not opened:
            result.unbalanced += 1
            continue
        start = opened.pop()
        text_so_far = "".join(out)
        end = len(text_so_far.rstrip(" "))
        out = [text_so_far[:end]]
        length = end
        if end > start:
            result.mentions.append((start, end, close["key"]))
    rest = marked[position:]
    if opened and length == opened[-1]:
        rest = rest.lstrip(" ")
    out.append(rest)
    result.unbalanced += len(opened)
    result.text = "".join(out)
    return result


def tidy(marked: Marked) -> Marked:
    """Trim the text's outer blank lines, shifting the spans with it."""
    lead = len(marked.text) - len(marked.text.lstrip())
    text = marked.text.strip()
    mentions = [(s - lead, e - lead, k) for s, e, k in marked.mentions]
    return Marked(text=text, mentions=sorted(mentions), unbalanced=marked.unbalanced)


def read_telegram(raw: bytes, source: Source) -> Iterator[Item]:
    text, encoding = decode(raw, source.filename)
    path = PurePosixPath(source.path or source.filename)
    parts = telegram_parts(path.stem)
    if parts is None:
        raise ReadError(f"file name {path.name!r} is not a telegram number like 1977TOKYO13557")
    year, post, _serial = parts
    head, telegram = split_parts(text)
    if "[[" not in telegram and not _SEPARATOR.search(text):
        raise ReadError("no '@@@' separator and no [[ ... || N]] marks", "line 1")
    entities = parse_entities(head)
    types = {entity["key"]: entity["type"] for entity in entities}
    marked = tidy(remove_marks(telegram))
    mentions = [
        Mention(text=marked.text[start:end], type=types.get(key, UNLISTED), key=key, position=start)
        for start, end, key in marked.mentions
    ]
    date = from_iso(year)
    subject = _SUBJECT.search(marked.text[:1000])
    number = path.stem.upper()
    split = split_of(path)
    extra: dict[str, object] = {
        "split": split,
        "entities": entities,
        "post": post,
        # The texts have no date header; full dates in them are of events the cable
        # reports ("ON FEBRUARY 10, 1976, EXIMBANK..."), so the year comes from the name.
        "date_source": "filename",
    }
    if marked.unbalanced:
        extra["unbalanced_marks"] = marked.unbalanced
    yield Record(
        # The unittest files are re-annotated copies of train files: keep both.
        id="historylab-" + path.stem.lower() + ("-unittest" if split == "unittest" else ""),
        title=f"Telegram {number}" + (f": {clean_space(subject['subject'])}" if subject else ""),
        type="telegram",
        number=number,
        **record_date_fields(date),
        places=[Place(name=post_name(post), role="sent")],
        languages=["en"],
        body=marked.text,
        mentions=mentions,
        rights=RIGHTS,
        source_record_id=number,
        extra=extra,
        source=source.model_copy(update={"encoding": encoding}),
    )


def split_of(path: PurePosixPath) -> str:
    """ "train", "unittest" or "ToBeFixed": the folder the annotators put the file in."""
    for folder in reversed(path.parent.parts):
        if folder in ("train", "unittest", "ToBeFixed"):
            return folder
    return path.parent.name or "unknown"


def detect(filename: str, head: bytes) -> bool:
    if not filename.lower().endswith(".txt"):
        return False
    if telegram_parts(PurePosixPath(filename).stem) is None:
        return False
    # Marks, or an entity list long enough to push them past the head.
    return _MARK.search(head) is not None or len(_KNOWN_TAG.findall(head)) >= 3


READERS: list[Reader] = [
    Reader(
        format="historylab-ner",
        description="History Lab entity-annotated State Department telegrams",
        detect=detect,
        read=read_telegram,
        media_type="text/plain",
    )
]
