"""FRUS persons-list entries and role descriptions as authority parts.

A persons-list entry is ``{"key", "name", "description"}`` (see the FRUS
reader's ``_front_lists``); its description carries roles with dates in a
small prose grammar: "Secretary of State January 19, 1949-January 20, 1953",
"Ambassador to Greece, October 1956–November 1957; thereafter Director, USIA",
"Foreign Minister of Iran until March 1967", "Special Assistant from 1967".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from opis.analysis.dates import ENGLISH_MONTH, month_number
from opis.model import AuthorityRole, Collection

_MONTH = ENGLISH_MONTH
_DATE = rf"(?:(?:{_MONTH})\s+(?:\d{{1,2}},?\s+)?)?(?:1[6-9]|20)\d\d"
DATE = re.compile(
    rf"(?i)(?P<month>{_MONTH})?\s*(?P<day>\d{{1,2}})?,?\s*(?P<year>(?:1[6-9]|20)\d\d)"
)
_RANGE = re.compile(rf"(?i)(?:from\s+)?(?P<start>{_DATE})\s*(?:-|–|—|to|until)\s*(?P<end>{_DATE})")
_OPEN_END = re.compile(rf"(?i)\b(?:until|till|to|through)\s+(?P<end>{_DATE})")
_OPEN_START = re.compile(rf"(?i)\b(?:from|after|since|as of|beginning)\s+(?P<start>{_DATE})")
_BARE = re.compile(rf"(?i)\b(?:in\s+)?(?P<start>{_DATE})\b")
_THEREAFTER = re.compile(r"(?i)^\s*(?:and\s+)?(?:thereafter|then|later|afterwards)\b[,\s]*")
_TRAILING = re.compile(r"[\s,;:.(–—-]+$")


def edtf_date(text: str) -> str | None:
    """ "January 19, 1949" -> ``1949-01-19``; "July 1956" -> ``1956-07``; "1967" -> ``1967``."""
    match = DATE.search(text)
    if not match:
        return None
    year = match.group("year")
    month_name = match.group("month")
    if not month_name:
        return year
    month = month_number(month_name)
    day = match.group("day")
    if day and 1 <= int(day) <= 31:
        return f"{year}-{month:02d}-{int(day):02d}"
    return f"{year}-{month:02d}"


def parse_roles(description: str, source: str | None = None) -> list[AuthorityRole]:
    """Roles with dates from a persons-list description, one per ``;`` segment.

    "thereafter X" starts X where the previous role ended. Text with no date
    is still a role (the office the volume knew the person by).
    """
    roles: list[AuthorityRole] = []
    for raw in description.split(";"):
        segment = raw.strip()
        if not segment:
            continue
        start: str | None = None
        end: str | None = None
        thereafter = _THEREAFTER.match(segment)
        if thereafter:
            segment = segment[thereafter.end() :]
            if roles and roles[-1].end:
                start = roles[-1].end
        title = segment
        if match := _RANGE.search(segment):
            start, end = edtf_date(match.group("start")), edtf_date(match.group("end"))
            title = segment[: match.start()]
        else:
            if match_end := _OPEN_END.search(segment):
                end = edtf_date(match_end.group("end"))
                title = segment[: match_end.start()]
            if match_start := _OPEN_START.search(segment):
                start = edtf_date(match_start.group("start"))
                title = segment[: min(match_start.start(), len(title))]
            if start is None and end is None and (bare := _BARE.search(segment)):
                # "Ambassador to Iran, 1967": the year the volume saw them in office.
                start = end = edtf_date(bare.group("start"))
                title = segment[: bare.start()]
        title = _TRAILING.sub("", title).strip() or segment
        if len(title) > 300:
            title = title[:300]
        roles.append(AuthorityRole(title=title, start=start, end=end, source=source))
    return roles


def covers(role: AuthorityRole, date: str) -> bool | None:
    """Whether ``role`` was held on ``date`` (ISO); None when the role states no dates."""
    if role.start is None and role.end is None:
        return None
    if role.start and date[: len(role.start)] < role.start:
        return False
    return not (role.end and date[: len(role.end)] > role.end)


def add_frus_key(identifiers: dict[str, str], volume: str, key: str) -> None:
    """``frus:<volume>`` holds the first key; a second entry for the same person in
    the same volume (a pseudonym the source lists apart) goes in ``frus:<volume>:<key>``."""
    scheme = f"frus:{volume}"
    if identifiers.get(scheme, key) != key:
        identifiers[f"{scheme}:{key}"] = key
    else:
        identifiers[scheme] = key


@dataclass(frozen=True)
class PersonsEntry:
    volume: str
    key: str
    name: str
    description: str


def persons_entries(volumes: Iterable[Collection]) -> Iterator[PersonsEntry]:
    """Every persons-list entry of the FRUS volume collections given (others ignored)."""
    for volume, key, name, description in _list_entries(volumes, "persons"):
        yield PersonsEntry(volume, key, name, description)


def _list_entries(
    volumes: Iterable[Collection], list_name: str
) -> Iterator[tuple[str, str, str, str]]:
    """(volume id, key, name, description) of a front-matter list, volume by volume."""
    # Volume order decides which entry keeps a contested id: sort so ids are stable.
    for volume in sorted(volumes, key=lambda v: v.id):
        if volume.kind != "frus-volume":
            continue
        for entry in volume.metadata.get(list_name) or []:
            key = str(entry.get("key") or "").strip()
            name = str(entry.get("name") or "").strip()
            if key and name:
                yield volume.id, key, name, " ".join(str(entry.get("description") or "").split())


@dataclass(frozen=True)
class TermsEntry:
    volume: str
    key: str
    term: str
    """The abbreviation as the volume prints it: "AEC", "A.F. of L."."""
    expansion: str


def terms_entries(volumes: Iterable[Collection]) -> Iterator[TermsEntry]:
    """Every terms-list (abbreviations) entry of the FRUS volume collections given."""
    for volume, key, term, expansion in _list_entries(volumes, "terms"):
        if expansion.rstrip("."):
            yield TermsEntry(volume, key, term, expansion.rstrip("."))


_ORG_WORD = re.compile(
    r"\b(?:Agency|Administration|Airlines?|Alliance|Army|Assembly|Association|Authority|Bank"
    r"|Board|Broadcasting|Bureau|Command|Commission|Committee|Company|Conference|Congress"
    r"|Corporation|Council|Court|Department|Directorate|Division|Embassy|Federation|Force"
    r"|Forces|Front|Fund|Government|Group|Headquarters|Institute|League|Legation|Ministry"
    r"|Mission|Movement|Navy|Office|Organi[sz]ation|Party|Petroleum|Presse|Secretariat"
    r"|Service|Society|Tribunal|Union|University)\b"
)
_ROLE_START = re.compile(
    r"(?i)^(?:acting|adviser|advisor|ambassador|assistant|associate|attach[eé]|chief|chairman"
    r"|commander|consul|counsel+or|deputy|director|head|member|minister|officer|president"
    r"|representative|secretary|special|under|vice)\b"
)


_MESSAGE_WORD = re.compile(
    r"(?i)\b(?:telegrams?|despatch|dispatch|airgram|cable|message|instruction|circular"
    r"|memorandum|letter|note|series|indicator)\b"
)


_UNDERTAKING = re.compile(r"\b(?:project|operation|program|programme|plan|exercise)\b")
MAX_ORG_WORDS = 12


def organisation_name(expansion: str) -> str | None:
    """The organisation a terms-list expansion names, or None for anything else.

    "American Federation of Labor" and "(United Nations) Atomic Energy Commission"
    (read "United Nations Atomic Energy Commission") are organisations; "anti-aircraft",
    "Acting Chief, Western Hemisphere Division, Central Intelligence Agency" (a post),
    "series indicator for telegrams..." and "American Airlines; anti-aircraft" (two
    meanings) and "Department of State telegram" (a kind of message) are not.
    """
    name = re.sub(r"^\(([^)]*)\)\s*", r"\1 ", expansion).strip()
    if ";" in name or not name[:1].isupper() or _ROLE_START.match(name):
        return None
    if _MESSAGE_WORD.search(name):  # "Deptel: Department of State telegram"
        return None
    if _UNDERTAKING.search(name) or len(name.split()) > MAX_ORG_WORDS:
        return None  # "PBSUCCESS: Central Intelligence Agency covert operation to ..."
    return name if _ORG_WORD.search(name) else None
