"""The handling chain of a cable: sent, received, registered, deciphered, printed.

Soviet cipher cables as translated by the Wilson Center carry it in lines like

    From Moscow
    sent at 0350 12 September 1947
    Received in Sochi for decipherment on 12 September 1947 at 0430
    Incoming No. 16/sh
    Deciphered on 12 September 1947 at 0520. Printed in 2 copies. Nezlobin.

FRUS and DFAT use "[Received February 22—3:52 p.m.]", "Received 3 May 1947, 9.45
a.m.", "Sent 2 May 1947", "Despatched ...". Every pattern is anchored at the start of a
line (or an opening bracket) so prose such as "Received your telegram" is never read as
an event. ``extract_transmission`` returns the events in document order and the
character spans they were read from, so a reader can drop those lines from the body.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from opis.analysis.dates import ENGLISH_MONTH, month_number
from opis.model import TransmissionEvent
from opis.readers.text import clean_space

_MONTH = ENGLISH_MONTH
_SPACE = r"[ \t\u00a0]"
# "12 September 1947", "[13 May 1940]", "February 22", "February 22, 1946".
_DAY_MONTH_YEAR = re.compile(
    rf"\[?(?P<day>\d{{1,2}})\]?{_SPACE}+\[?(?P<month>{_MONTH})\]?(?:,?{_SPACE}*\[?(?P<year>\d{{4}})\]?)?",
    re.IGNORECASE,
)
_MONTH_DAY_YEAR = re.compile(
    rf"(?P<month>{_MONTH}){_SPACE}+(?P<day>\d{{1,2}})(?:,?{_SPACE}*(?P<year>\d{{4}}))?",
    re.IGNORECASE,
)
# "3:52 p.m.", "9.45 a.m.", "9 p.m.", "at 0350" (a bare four-digit time only after "at"
# or right before a date, so it is never confused with a year).
_CLOCK = re.compile(
    rf"(?P<hour>\d{{1,2}})(?:[:.](?P<minute>[0-5]\d))?{_SPACE}*(?P<ampm>[ap])\.?{_SPACE}*m\b\.?"
    rf"|(?P<hour24>[01]?\d|2[0-3])[:.](?P<minute24>[0-5]\d)(?!\d)"
    rf"|(?<=at{_SPACE})(?:{_SPACE})*(?P<military>(?:[01]\d|2[0-3])[0-5]\d)(?!\d)"
    rf"|(?P<military2>(?:[01]\d|2[0-3])[0-5]\d)(?={_SPACE}+\d{{1,2}}{_SPACE}+{_MONTH})"
    rf"|(?P<noon>noon|midnight)",
    re.IGNORECASE,
)

_PLACE = r"(?P<place>[A-Z][\w'’-]+(?:[ -][A-Z][\w'’-]+){0,2})"
_LINE_START = r"(?:^|(?<=\n))[ \t\u00a0]*"
_UNNAMED = re.compile(r"\?P<\w+>")


def _unnamed(pattern: re.Pattern[str]) -> str:
    return _UNNAMED.sub("?:", pattern.pattern)


# The date-and-time phrase after a verb: "on 12 September 1947 at 0430",
# "February 22—3:52 p.m.", "3 May 1947, 9.45 a.m.". Nothing else is consumed, so a
# line like "Received 5 October 1941 I hesitate ..." keeps its prose.
_WHEN = (
    rf"(?P<when>(?i:[\s,\u00a0]*(?:(?:on|at){_SPACE}+)?"
    rf"(?:{_unnamed(_DAY_MONTH_YEAR)}|{_unnamed(_MONTH_DAY_YEAR)}|{_unnamed(_CLOCK)})"
    rf"(?:{_SPACE}*[—–-]{_SPACE}*)?)+)"
)

# An unbracketed event is a line of its own (a footnote marker may follow): prose such
# as "Dispatched on 23 May, it reported that ..." is not an event. A bracketed one
# ("[Received February 22—3:52 p.m.]") may stand anywhere, e.g. after a dateline.
_LINE_END = r"\.?[ \t\u00a0]*(?=(?:\[\d+\])?[ \t\u00a0]*(?:\n|$))"
_SENT_CORE = (
    rf"(?P<verb>(?i:sent|despatched|dispatched|transmitted))\b"
    rf"(?:{_SPACE}+from{_SPACE}+(?P<place2>[A-Z][\w'’-]+))?{_WHEN}"
)
_RECEIVED_CORE = (
    rf"Received(?:{_SPACE}+(?:in|at){_SPACE}+{_PLACE})?"
    rf"(?:{_SPACE}+for{_SPACE}+(?P<purpose>[a-z]+))?{_WHEN}"
)
_SENT_RES = (
    re.compile(
        rf"{_LINE_START}(?:From{_SPACE}+(?P<from_place>[A-Z][\w'’-]+(?:[ -][A-Z][\w'’-]+){{0,2}})"
        rf"[ \t\u00a0]*\n\s*)?{_SENT_CORE}{_LINE_END}"
    ),
    re.compile(rf"\[{_SENT_CORE}\.?\]"),
)
_RECEIVED_RES = (
    re.compile(rf"{_LINE_START}{_RECEIVED_CORE}{_LINE_END}"),
    re.compile(rf"\[{_RECEIVED_CORE}\.?\]"),
)
_REGISTERED_RE = re.compile(
    _LINE_START + rf"(?P<direction>Incoming|Outgoing|Inward|Outward){_SPACE}+No\.?{_SPACE}*"
    r"(?P<reference>[\w/.-]*\d[\w/.-]*?)\.?[ \t\u00a0]*(?=\n|$)"
)
# One line may hold several steps: "Deciphered on ... at 0520. Printed in 2 copies. Nezlobin."
_CLERK_LINE_RE = re.compile(
    _LINE_START + r"(?P<line>(?:Deciphered|Decoded|Decrypted|Printed|Typed|Copied)\b[^\n]*)",
)
_CLERK_STEP_RE = re.compile(
    r"(?P<verb>Deciphered|Decoded|Decrypted|Printed|Typed|Copied)\b(?P<rest>[^.]*(?:\.\d[^.]*)*)\.?"
)
_COPIES_RE = re.compile(r"\bin\s+(?P<copies>\d+)\s+cop(?:y|ies)\b", re.IGNORECASE)
# A sign-off after the steps: a surname, perhaps with initials ("Nezlobin.", "A. Ivanov.").
_CLERK_RE = re.compile(r"^(?:[A-Z]\.\s*){0,3}[A-Z][a-z'’-]+\.?$")

_VERB_EVENTS = {
    "sent": "sent",
    "despatched": "sent",
    "dispatched": "sent",
    "transmitted": "sent",
    "deciphered": "deciphered",
    "decoded": "deciphered",
    "decrypted": "deciphered",
    "printed": "printed",
    "typed": "printed",
    "copied": "printed",
}


@dataclass(frozen=True)
class _DayDate:
    year: int | None
    month: int
    day: int


def _find_day(text: str) -> _DayDate | None:
    for pattern in (_DAY_MONTH_YEAR, _MONTH_DAY_YEAR):
        match = pattern.search(text)
        if match:
            month = month_number(match.group("month"))
            day = int(match.group("day"))
            year = int(match.group("year")) if match.group("year") else None
            if month is not None and 1 <= day <= 31:
                return _DayDate(year, month, day)
    return None


def _find_clock(text: str) -> tuple[int, int] | None:
    match = _CLOCK.search(text)
    if not match:
        return None
    if match.group("noon"):
        return (12, 0) if match.group("noon").lower() == "noon" else (0, 0)
    military = match.group("military") or match.group("military2")
    if military:
        return int(military[:2]), int(military[2:])
    if match.group("hour24"):
        return int(match.group("hour24")), int(match.group("minute24"))
    hour, minute = int(match.group("hour")), int(match.group("minute") or 0)
    if hour > 12:
        return None
    if match.group("ampm").lower() == "p" and hour != 12:
        hour += 12
    elif match.group("ampm").lower() == "a" and hour == 12:
        hour = 0
    return hour, minute


def event_date(text: str, year: int | None = None) -> str | None:
    """EDTF date (with time of day when stated) of an event phrase; None without a year.

    A small grammar of its own rather than ``opis.analysis.dates``: event phrases need
    the year supplied from outside and a time read across a bracket ("Received [13 May
    1940], 1.05 p.m."), which a general date grammar should not do.

    ``year`` supplies the year FRUS leaves out of "[Received February 22—3:52 p.m.]"
    (the caller knows the document's year); it is never guessed here.
    """
    day = _find_day(text)
    if day is None:
        return None
    known_year = day.year or year
    if known_year is None:
        return None
    date = f"{known_year:04d}-{day.month:02d}-{day.day:02d}"
    clock = _find_clock(text)
    return f"{date}T{clock[0]:02d}:{clock[1]:02d}" if clock else date


def extract_transmission(
    text: str, *, year: int | None = None
) -> tuple[list[TransmissionEvent], list[tuple[int, int]]]:
    """Transmission events in document order and the (start, end) spans they came from."""
    found: list[tuple[int, int, list[TransmissionEvent]]] = []
    for match in _matches(_SENT_RES, text):
        when = match.group("when")
        place = match.groupdict().get("from_place") or match.group("place2")
        event = TransmissionEvent(
            event="sent", place=place, date=event_date(when, year), text=_phrase(match)
        )
        found.append((match.start(), match.end(), [event]))
    for match in _matches(_RECEIVED_RES, text):
        when = match.group("when")
        event = TransmissionEvent(
            event="received",
            place=match.group("place"),
            purpose=match.group("purpose"),
            date=event_date(when, year),
            text=_phrase(match),
        )
        found.append((match.start(), match.end(), [event]))
    for match in _REGISTERED_RE.finditer(text):
        event = TransmissionEvent(
            event="registered", reference=match.group("reference"), text=_phrase(match)
        )
        found.append((match.start(), match.end(), [event]))
    for match in _CLERK_LINE_RE.finditer(text):
        events = _clerk_events(match.group("line"), year)
        if events:
            found.append((match.start(), match.end(), events))
    found.sort(key=lambda item: item[0])
    events_in_order = [event for _, _, events in found for event in events]
    spans = [(start, end) for start, end, _ in found]
    return events_in_order, spans


def _matches(patterns: tuple[re.Pattern[str], ...], text: str) -> Iterator[re.Match[str]]:
    for pattern in patterns:
        yield from pattern.finditer(text)


def _phrase(match: re.Match[str]) -> str:
    """The event's words: outer brackets of "[Received ...]" dropped, space collapsed."""
    phrase = match.group(0).strip()
    if phrase.startswith("[") and phrase.endswith("]"):
        phrase = phrase[1:-1]
    return clean_space(phrase)


def _clerk_events(line: str, year: int | None) -> list[TransmissionEvent]:
    """Steps on one decipherment line; a trailing surname is the clerk for all of them."""
    events: list[TransmissionEvent] = []
    last_end = 0
    for step in _CLERK_STEP_RE.finditer(line):
        verb = step.group("verb").lower()
        rest = step.group("rest")
        copies = _COPIES_RE.search(rest)
        date = event_date(rest, year)
        if copies is None and date is None and _find_day(rest) is None:
            return []  # "Deciphered messages are kept ...": prose, not a clerk's note
        events.append(
            TransmissionEvent(
                event=_VERB_EVENTS[verb],
                date=date,
                copies=int(copies.group("copies")) if copies else None,
                text=clean_space(step.group(0)),
            )
        )
        last_end = step.end()
    tail = line[last_end:].strip()
    if tail:
        if not _CLERK_RE.match(tail):
            return []  # not a clerk's line after all: something else follows
        agent = tail.rstrip(".")
        events = [event.model_copy(update={"agent": event.agent or agent}) for event in events]
    return events
