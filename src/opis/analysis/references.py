"""Finding mentions of other documents in a record's text: cables, letters, FRUS documents.

``find_references(record)`` reads ``record.body`` and the footnotes' texts and
returns the record's references: the ones the reader already found (FRUS
``<ref target>`` markup, kept as they are) followed by the ones found here,
without a second copy of a span the reader already linked. Shapes read:

* numbered cables: "Shtykov's telegrams Nos. 663 and 669", "telegram 1234 from
  Moscow", "telegram 246, to Seoul, April 15", "your cablegram No. 228",
  "despatch 223", "Your telegram 2nd January No. 2", "Athens tels 755, 733"
* State Department abbreviations: "Deptel 2810", "Embtel 1234", "Urtel 827, June 28",
  "mytel 1622", "Contel 539", "ReDeptels 594 July 15, 706 August 19"
* bare numbers: "your 567", "Your No. 20", "my 123", "Moscow's 456", and reference
  lines "Ref: Tehran 403", "REF: A) STATE 142613, B) BEIRUT 7500"
* "reftel", "reference telegram" (no number: kept only when the record names no
  numbered cable it could mean)
* dated papers: "V.M. Molotov's letter of 4 September", "the Soviet proposals of
  26 August", "the proposal of the Soviet delegation of 26 August", "your letter of
  5th July last", "memorandum to Marshall dated March 3, 1951"
* editions: "Document 45", "Documents 233-4", "printed as Document 12", "Foreign
  Relations, 1952-1954, vol. IV, pp. 1031-1037 (Document 3)", "vol. XI, Document
  183", "Foreign Relations, 1948, vol. VI, p. 123", and DFAT's "Documents on
  Australian Foreign Policy 1937-49, vol. VI, Documents 233-4"

Who sent a cable is filled in where the words say or imply it: "your 567" was sent
by the citing document's recipient, "mytel" by its sender, "Deptel" by the
Department of State, "Embtel" by the embassy (the citing sender, or its recipient
when the Department cites it). A day and month without a year take the citing
document's year when that is on or before the citing date, else the year before
("5th July last" alike); a cable dated up to 3 days after its citer is a dating
slip of the same year, a meeting may be up to 60 days ahead, and an editor's note
(footnote, source note) always takes the citer's year, as notes speak of later papers.
Edition references carry ``target`` in FRUS's own link form (``frus1952-54v04#d3``,
``dfat-v6#d233``, ``frus1948v06#pg_123``) so the resolver can find the record.

All grammars are regular expressions compiled once; nothing here reads the store.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, timedelta

from opis.analysis.dates import edtf_bounds, month_number, parse_date
from opis.model import Person, Record, Reference

# --- vocabulary ----------------------------------------------------------------

_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November"
    r"|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\b\.?"
)
# A day and month, with or without the year: "4 September", "5th July last",
# "August 12", "March 3, 1951", "2nd January". Full dates are read by
# opis.analysis.dates; only the year-less case is completed here.
_DAY_MONTH = (
    rf"(?:(?P<d1>[0-3]?\d)(?:st|nd|rd|th)?\s+(?P<m1>{_MONTH})|(?P<m2>{_MONTH})\s*(?P<d2>[0-3]?\d)"
    rf"(?:st|nd|rd|th)?(?!\d))(?:,?\s*(?P<y>1[89]\d\d|20\d\d)(?!\d))?(?P<last>\s+last\b)?"
)
_DATE_AT = re.compile(_DAY_MONTH, re.IGNORECASE)

_NUMBER = r"(?:[A-Z]{1,3}[-–]?)?\d{1,7}(?:/\d{1,4})?"
_NUMBER_ITEM = re.compile(rf"(?P<num>{_NUMBER})(?![\w/])")
_TIME_AFTER = re.compile(r"\s*(?:[ap]\.?\s?m\b|noon|midnight|hours\b|[.:]\d\d)", re.IGNORECASE)
_LIST_SEPARATOR = re.compile(r"\s*(?:,\s*(?:and\s+)?|\s+and\s+|\s*&\s*)")

# Cable nouns that take a number, with the kind they give.
_CABLE_NOUNS = {
    "telegram": "telegram",
    "telegrams": "telegram",
    "tel": "telegram",
    "tels": "telegram",
    "cable": "telegram",
    "cables": "telegram",
    "cablegram": "telegram",
    "cablegrams": "telegram",
    "despatch": "despatch",
    "despatches": "despatch",
    "dispatch": "despatch",
    "dispatches": "despatch",
    "airgram": "airgram",
    "airgrams": "airgram",
    "incoming cable": "telegram",
    "outgoing cable": "telegram",
}
# Papers cited by date (and sometimes by number).
_PAPER_NOUNS = {
    "letter": "letter",
    "letters": "letter",
    "note": "note",
    "notes": "note",
    "proposal": "proposals",
    "proposals": "proposals",
    "memorandum": "memorandum",
    "memo": "memorandum",
    "aide-memoire": "note",
    "aide-mémoire": "note",
    "message": "message",
    "messages": "message",
    "instructions": "instructions",
    "instruction": "instructions",
    "statement": "statement",
    "reply": "letter",
    "meeting": "meeting",
    "conversation": "meeting",
    "report": "report",
}

# State Department telegram abbreviations: who sent the cable, relative to the citer.
_ABBREVIATIONS: dict[str, str] = {
    "deptel": "department",
    "redeptel": "department",
    "depcirtel": "department-circular",
    "depcirctel": "department-circular",
    "circtel": "department-circular",
    "embtel": "post",
    "reembtel": "post",
    "contel": "post",
    "recontel": "post",
    "legtel": "post",
    "relegtel": "post",
    "urtel": "recipient",
    "reurtel": "recipient",
    "mytel": "sender",
    "remytel": "sender",
}
DEPARTMENT_OF_STATE = "Department of State"

_POSSESSOR = r"(?-i:(?:[A-Z]\.\s?){0,3}[A-Z][\w’'-]*[a-z](?:\s[A-Z][a-z][\w-]*)?)"
# Capitalised words that start sentences or are not senders ("Today's telegram").
_NOT_POSSESSORS = frozenset(
    [
        "today",
        "yesterday",
        "tomorrow",
        "this",
        "that",
        "last",
        "next",
        "same",
        "each",
        "its",
        "his",
        "her",
        "their",
        "our",
        "your",
        "my",
        "the",
        "president's",
    ]
)
_NATIONALITY = r"(?-i:Soviet|U\.\s?S\.|US|U\.\s?K\.|UK|Allied|[A-Z][a-z]+(?:an|ese|ish|ch|ian|i))"
_PARTY_SUFFIX = re.compile(r"\s+(?:delegation|government|side|authorities)$", re.IGNORECASE)

_CABLE_NOUN_RE = "|".join(sorted(_CABLE_NOUNS, key=len, reverse=True))
_PAPER_NOUN_RE = "|".join(sorted((re.escape(n) for n in _PAPER_NOUNS), key=len, reverse=True))
_ABBREVIATION_RE = "|".join(sorted(_ABBREVIATIONS, key=len, reverse=True))

# What may stand before a cable or paper noun and say whose it is.
_LEAD = (
    rf"(?:(?P<poss>{_POSSESSOR})['’]s\s+|(?P<pron>your|my|our|his|her|its|their)\s+"
    rf"|(?:(?:the|those|these|this|that)\s+)?(?P<nat>{_NATIONALITY})\s+)?"
    rf"(?:(?:same|last|latest|previous|earlier|first|second|further|urgent|secret|"
    rf"personal|private|incoming|outgoing|written|oral)\s+)?"
)
# Nouns are found in the lower-cased text (one cheap scan); the words before a noun
# are read from a short slice of the original, anchored at its end.
_CABLE_AT = re.compile(rf"\b(?P<noun>{_CABLE_NOUN_RE})\b")
_PAPER_AT = re.compile(rf"\b(?P<noun>{_PAPER_NOUN_RE})(?![\w-])")
_LEAD_BEFORE = re.compile(rf"\b{_LEAD}$", re.IGNORECASE)
_LEAD_REACH = 70
_LOWER = re.compile(r"[a-z]")
_DIGIT_SOON = re.compile(r"\D{0,90}\d")
_ABBREVIATION_AT = re.compile(rf"\b(?P<abbr>{_ABBREVIATION_RE})(?P<plural>s)?\b")
# "your 567", "Your No. 20", "my 123": only when a number follows directly and the
# number is not counting something ("my 2 colleagues", "our 1936 programmes").
_BARE_AT = re.compile(
    rf"\b(?P<pron>your|my|our)\s+(?:No\.?\s*)?(?P<num>{_NUMBER})(?![\w/])", re.IGNORECASE
)
_PLACE_NUMBER_AT = re.compile(
    rf"\b(?P<place>[A-Z][a-z]+(?:\s[A-Z][a-z]+)?)['’]s\s+(?:No\.?\s*)?(?P<num>{_NUMBER})(?![\w/])"
)
# "Ref: Tehran 403", "Reference: Deptel 1762, Embtel 1781", "REFS: A) STATE 142613".
_REF_LINE_AT = re.compile(r"\b(?:ref(?:erence)?s?|re|reftels?)\s*[:.]\s*")  # on lower case
_HAS_REF_LINE = re.compile(r"re(?:f\w*|tels?)?\s*[:.]")
_HAS_BARE = re.compile(r"\b(?:your|my|our)\s+(?:no\.?\s*)?[a-z]{0,3}[-–]?\d")
_HAS_PLACE_NUMBER = re.compile(r"['’]s\s+(?:No\.?\s*)?[A-Z]{0,3}[-–]?\d")
_REF_ITEM = re.compile(
    rf"(?:\(?[A-H][.)]\s*)?(?P<place>[A-Z][A-Za-z]+(?:\s[A-Z][A-Za-z]+)?)\s+(?:tels?\s+)?"
    rf"(?:No\.?\s*)?(?P<num>{_NUMBER})(?![\w/])"
)
_REFTEL_AT = re.compile(r"\b(?:reftels?|reference\s+(?:telegram|cable)s?)\b", re.IGNORECASE)
# What may follow a bare number for it to be a cable: end of clause, a date, a
# footnote marker, "of", "and", "to", "from", "re".
_AFTER_BARE = re.compile(
    rf"\s*(?:[.,;:)\[]|$|\s(?:of|and|to|from|dated|re|regarding|concerning|which|in which|"
    rf"which)\b|\s{_MONTH}\s*\d|\s\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH})",
    re.IGNORECASE,
)

# Pieces that may follow a cable noun or paper noun, in any order.
_TAIL_NUMBERS = re.compile(rf"\s*(?:Nos?\.?\s*|numbers?\s+|#\s*)?(?={_NUMBER}(?![\w/]))")
_TAIL_PARTY = re.compile(
    r",?\s*(?P<dir>from|to)\s+(?:the\s+)?(?P<party>(?:[A-Z]\.\s?){0,3}[A-Z][\w’'-]*"
    r"(?:\s(?:in|at|of)\s[A-Z][\w-]*|\s[A-Z][\w-]*){0,3})"
)
_TAIL_OF_PARTY = re.compile(
    rf"\s+of\s+the\s+(?P<nat>{_NATIONALITY})\s+(?:delegation|government|side|authorities)\b"
)
_TAIL_DATE = re.compile(rf",?\s*(?:(?:of|dated|on)\s+)?(?={_DAY_MONTH})", re.IGNORECASE)

# --- editions ---------------------------------------------------------------------

_DOCUMENTS_AT = re.compile(
    r"\b(?:printed\s+as\s+|see\s+)?Documents?\s*(?P<nums>\d{1,4}(?:\s*[-–]\s*\d{1,4})?"
    r"(?:\s*(?:,\s*(?:and\s+)?|\s+and\s+)\d{1,4}(?:\s*[-–]\s*\d{1,4})?)*)(?![\w/])"
)
_ROMAN = r"[IVXLivxl]{1,7}"
_VOLUME_AT = re.compile(
    r"(?:(?:Foreign\s+Relations|FRUS),?\s*(?P<years>1[89]\d\d(?:\s*[-–]\s*(?:1[89])?\d\d)?)"
    r"(?:\s*\[[^\]]*\])?,?\s*|Documents\s+on\s+Australian\s+Foreign\s+Policy,?\s*"
    r"(?P<dfat>1\d{3}\s*[-–]\s*\d{2,4},?\s*)?)?"
    rf"\b[Vv]ol(?:ume|\.)\s*(?P<vol>{_ROMAN}|E\s*[-–]\s*\d{{1,2}})\b"
    r"(?:,?\s*Part\s*(?P<part>\d|[IVX]{1,3})\b)?"
)
_PAGE_AFTER_VOLUME = re.compile(r",?\s*pp?\.\s*(?P<page>\d{1,4})(?![\w])")
_FRUS_COLLECTION = re.compile(r"frus(?P<years>\d{4}(?:-\d{2})?)")
_DFAT_COLLECTION = re.compile(r"dfat-v\d+")

_ROMAN_VALUES = {"i": 1, "v": 5, "x": 10, "l": 50}


def roman_to_int(text: str) -> int | None:
    total, previous = 0, 0
    for char in reversed(text.lower()):
        value = _ROMAN_VALUES.get(char)
        if value is None:
            return None
        total = total - value if value < previous else total + value
        previous = max(previous, value)
    return total or None


# --- results under construction ----------------------------------------------------


@dataclass
class _Found:
    kind: str
    start: int
    end: int
    numbers: list[str]
    sender: str | None = None
    recipient: str | None = None
    date: str | None = None
    date_start: str | None = None
    date_end: str | None = None
    target: str | None = None


@dataclass(frozen=True)
class _Citer:
    """What the citing document says about itself: whose "your" and "my" mean whom."""

    year: int | None
    on: date | None
    sender: str | None
    recipient: str | None
    collection: str | None
    sender_is_department: bool
    editorial: bool = False
    """Reading an editor's note, which may speak of later papers too."""


def _person_label(person: Person) -> str:
    return f"{person.name} ({person.role})" if person.role else person.name


def is_department_of_state(name: str | None) -> bool:
    if not name:
        return False
    bare = re.sub(r"\s*\(.*\)$", "", name).strip().lower()
    bare = bare.removeprefix("the ").removeprefix("acting ")
    return bare in {"department of state", "secretary of state", "department", "state",
                    "state department", "dept", "the department"}  # fmt: skip


def _citer(record: Record) -> _Citer:
    on: date | None = None
    year: int | None = None
    end = record.date_end or record.date_start
    if end:
        try:
            on = date.fromisoformat(end[:10])
            year = on.year
        except ValueError:
            on = None
    sender = _person_label(record.sender[0]) if record.sender else None
    recipient = _person_label(record.to[0]) if record.to else None
    return _Citer(
        year=year,
        on=on,
        sender=sender,
        recipient=recipient,
        collection=record.collection,
        sender_is_department=is_department_of_state(record.sender[0].name)
        if record.sender
        else False,
    )


# --- dates ------------------------------------------------------------------------


_SLIP_DAYS = 3
_MEETING_AHEAD_DAYS = 60


def _date_from(match: re.Match[str], citer: _Citer, kind: str = "") -> tuple[str, str, str] | None:
    """(edtf, start, end) of a matched day-month; the year inferred from the citer."""
    month = month_number(match["m1"] or match["m2"] or "")
    day = int(match["d1"] or match["d2"] or 0)
    if month is None or not 1 <= day <= 31:
        return None
    if match["y"]:
        parsed = parse_date(match.group(0))
        if parsed is None or parsed.precision != "day":
            return None
        return parsed.edtf, parsed.start, parsed.end
    if citer.year is None:
        return None
    year = citer.year
    try:
        candidate = date(year, month, day)
    except ValueError:
        candidate = None
    # A cited paper is older than the citer: "4 September" in a cable of 12 September
    # 1947 is 1947; "5th July last" or "December 20" in a January cable, the year before.
    # An editor's note takes the citer's year either way; a meeting may be ahead
    # ("the meeting on 14th December" planned the day before); a cable dated a few
    # days after its citer is a dating slip (time zones, dated on receipt).
    ahead = (candidate - citer.on).days if candidate is not None and citer.on else 0
    allowed_ahead = _MEETING_AHEAD_DAYS if kind == "meeting" else _SLIP_DAYS
    if candidate is None or (ahead > allowed_ahead and not citer.editorial):
        year -= 1
    edtf = f"{year:04d}-{month:02d}-{day:02d}"
    try:
        start, end, _precision = edtf_bounds(edtf)
    except ValueError:
        return None
    return edtf, start, end


# --- tails: numbers, parties and dates after a noun ----------------------------------


def _numbers_at(
    text: str, pos: int, citer: _Citer
) -> tuple[list[tuple[str, tuple[str, str, str] | None]], int]:
    """A list of numbers, each with its own date where given: "594 July 15, 706 August 19"."""
    items: list[tuple[str, tuple[str, str, str] | None]] = []
    while True:
        match = _NUMBER_ITEM.match(text, pos)
        if match is None:
            break
        number = normalise_number(match["num"])
        pos = match.end()
        when = None
        date_match = _TAIL_DATE.match(text, pos)
        if date_match is not None:
            inner = _DATE_AT.match(text, date_match.end())
            if inner is not None:
                when = _date_from(inner, citer)
                if when is not None:
                    pos = inner.end()
        items.append((number, when))
        separator = _LIST_SEPARATOR.match(text, pos)
        following = _NUMBER_ITEM.match(text, separator.end()) if separator else None
        if separator is None or following is None or _TIME_AFTER.match(text, following.end()):
            break  # "Deptel 881, March 12, 6 p.m.": a time of day, not a second cable
        # "Deptels 594 July 15, and Embtel 931": a list item must be a bare number.
        pos = separator.end()
    return items, pos


def normalise_number(number: str) -> str:
    return number.replace("–", "-").upper().lstrip("0") or "0"


def _tail(text: str, pos: int, citer: _Citer, found: _Found, numbered: bool) -> list[_Found]:
    """Read what follows a noun into ``found``; a list with one entry per dated number."""
    per_number: list[tuple[str, tuple[str, str, str] | None]] = []
    for _ in range(4):
        if numbered and not per_number:
            lead = _TAIL_NUMBERS.match(text, pos)
            if lead is not None:
                items, end = _numbers_at(text, lead.end(), citer)
                if items:
                    per_number, pos = items, end
                    continue
        party = _TAIL_PARTY.match(text, pos)
        if party is not None and found.sender is None and party["dir"] == "from":
            found.sender, pos = _clean_party(party["party"]), party.end()
            continue
        if party is not None and found.recipient is None and party["dir"] == "to":
            found.recipient, pos = _clean_party(party["party"]), party.end()
            continue
        of_party = _TAIL_OF_PARTY.match(text, pos)
        if of_party is not None and found.sender is None:
            found.sender, pos = _clean_party(of_party["nat"]), of_party.end()
            continue
        if found.date is None:
            lead = _TAIL_DATE.match(text, pos)
            inner = _DATE_AT.match(text, lead.end()) if lead is not None else None
            when = _date_from(inner, citer, found.kind) if inner is not None else None
            if inner is not None and when is not None:
                found.date, found.date_start, found.date_end = when
                pos = inner.end()
                continue
        break
    found.end = pos
    if not per_number:
        return [found]
    dated = [when for _number, when in per_number if when is not None]
    last_only = len(dated) == 1 and per_number[-1][1] is not None
    if not dated or last_only:
        if last_only and found.date is None:
            found.date, found.date_start, found.date_end = per_number[-1][1]  # type: ignore[misc]
            if len(per_number) > 1:
                # "Embtels 911 and 913 July 22": the earlier ones may be a few days older.
                found.date = None
                found.date_start = _days_before(found.date_start, 7)
        found.numbers = [number for number, _when in per_number]
        return [found]
    split: list[_Found] = []
    for number, when in per_number:
        part = _Found(**{**found.__dict__, "numbers": [number]})
        if when is not None:
            part.date, part.date_start, part.date_end = when
        split.append(part)
    return split


def _days_before(iso: str | None, days: int) -> str | None:
    if iso is None:
        return None
    try:
        return (date.fromisoformat(iso[:10]) - timedelta(days=days)).isoformat()
    except ValueError:
        return iso


_TITLES = re.compile(
    r"^(?:Cde|Comrade|Mr|Mrs|Ambassador|Minister|Secretary|President|General|Premier|Chairman"
    r"|Marshal|Senator|Governor|Dr|Sir|Lord)\.?\s+"
)


_LEADING_FILLER = re.compile(
    r"^(?:Ref|Re|See|Cf|Also|In|On|From|To|By|And|But|The|That|This|With|Under|For|As|Per)\.?\s+"
)


def _clean_party(name: str) -> str:
    name = _LEADING_FILLER.sub("", name.strip().rstrip(",.;"))
    untitled = _TITLES.sub("", name)
    # "President of Security Council" is an office, not "President" + a name.
    if not untitled.lower().startswith(("of ", "for ")):
        name = untitled
    name = _PARTY_SUFFIX.sub("", name)
    return re.sub(r"^U\.\s?S\.$", "US", name)


# --- the grammars ------------------------------------------------------------------


def _lead_party(match: re.Match[str], citer: _Citer) -> tuple[str | None, str | None] | None:
    """(sender, recipient) from the words before the noun; None to reject the match."""
    if match["poss"]:
        possessor = match["poss"]
        if possessor.lower() in _NOT_POSSESSORS:
            return None, None
        if is_department_of_state(possessor):
            return DEPARTMENT_OF_STATE, None
        return _clean_party(possessor), None
    pronoun = (match["pron"] or "").lower()
    if pronoun == "your":
        return citer.recipient, citer.sender
    if pronoun in ("my", "our"):
        return citer.sender, None
    if match["nat"]:
        return _clean_party(match["nat"]), None
    return None, None


@dataclass(frozen=True)
class _Noun:
    noun: str
    start: int
    """Where the reference's words start: the possessor or pronoun before the noun."""
    end: int
    sender: str | None
    recipient: str | None


def _nouns(pattern: re.Pattern[str], text: str, lowered: str, citer: _Citer) -> list[_Noun]:
    nouns: list[_Noun] = []
    for match in pattern.finditer(lowered):
        if _DIGIT_SOON.match(text, match.end()) is None:
            continue  # every cited paper has a number or a date after its noun
        written = text[match.start() : match.end()]
        if written.isupper() and _LOWER.search(text, match.end(), match.end() + 40):
            continue  # a heading ("PROPOSALS") in mixed-case text, not a citation
        window_start = max(0, match.start() - _LEAD_REACH)
        lead = _LEAD_BEFORE.search(text, window_start, match.start())
        start = match.start()
        sender: str | None = None
        recipient: str | None = None
        if lead is not None and lead.end() == match.start():
            parties = _lead_party(lead, citer)
            if parties is None:
                continue
            sender, recipient = parties
            # "those American proposals" starts at "American".
            if lead["nat"]:
                start = lead.start("nat")
            elif lead["poss"] or lead["pron"]:
                start = lead.start()
        nouns.append(_Noun(match["noun"], start, match.end(), sender, recipient))
    return nouns


def _cables(text: str, lowered: str, citer: _Citer) -> list[_Found]:
    found: list[_Found] = []
    for noun in _nouns(_CABLE_AT, text, lowered, citer):
        kind = _CABLE_NOUNS[noun.noun]
        item = _Found(kind, noun.start, noun.end, [], noun.sender, noun.recipient)
        for result in _tail(text, noun.end, citer, item, numbered=True):
            if result.numbers or result.date:
                found.append(result)
    return found


_NUMBERED_PAPER = re.compile(r"\s*(?:No\.|Nos\.|number)\s*\d", re.IGNORECASE)


def _papers(text: str, lowered: str, citer: _Citer) -> list[_Found]:
    found: list[_Found] = []
    for noun in _nouns(_PAPER_AT, text, lowered, citer):
        kind = _PAPER_NOUNS[noun.noun]
        item = _Found(kind, noun.start, noun.end, [], noun.sender, noun.recipient)
        # "note No. 123" is a paper; "note 1" is an editor's footnote.
        numbered = _NUMBERED_PAPER.match(text, noun.end) is not None
        for result in _tail(text, noun.end, citer, item, numbered=numbered):
            if result.date or result.numbers:
                found.append(result)
    return found


def _abbreviation_party(role: str, citer: _Citer) -> tuple[str | None, str | None]:
    if role == "department":
        recipient = None if citer.sender_is_department else citer.sender
        return DEPARTMENT_OF_STATE, recipient
    if role == "department-circular":
        return DEPARTMENT_OF_STATE, None
    if role == "post":
        # The Department's "Embtel" is the addressee's; an embassy's, its own.
        if citer.sender_is_department:
            return citer.recipient, DEPARTMENT_OF_STATE
        return citer.sender, None
    if role == "recipient":
        return citer.recipient, citer.sender
    return citer.sender, None


def _abbreviations(lowered: str, text: str, citer: _Citer) -> list[_Found]:
    found: list[_Found] = []
    if "tel" not in lowered:
        return found
    for match in _ABBREVIATION_AT.finditer(lowered):
        sender, recipient = _abbreviation_party(_ABBREVIATIONS[match["abbr"].lower()], citer)
        item = _Found("telegram", match.start(), match.end(), [], sender, recipient)
        for result in _tail(text, match.end(), citer, item, numbered=True):
            if result.numbers:
                found.append(result)
    return found


def _bare_numbers(text: str, lowered: str, citer: _Citer) -> list[_Found]:
    found: list[_Found] = []
    bare = _BARE_AT.finditer(text) if _HAS_BARE.search(lowered) else iter(())
    for match in bare:
        if _AFTER_BARE.match(text, match.end()) is None:
            continue
        number = match["num"]
        if re.fullmatch(r"1[89]\d\d", number) and match["pron"].lower() == "our":
            continue  # "our 1936 programmes" is filtered above; "in our 1947" is a year
        pronoun = match["pron"].lower()
        if pronoun == "your":
            sender, recipient = citer.recipient, citer.sender
        else:
            sender, recipient = citer.sender, None
        item = _Found("telegram", match.start(), match.start(), [], sender, recipient)
        pos = match.start() + len(match.group(0)) - len(number)
        for result in _tail(text, pos, citer, item, numbered=True):
            if result.numbers:
                found.append(result)
    if not _HAS_PLACE_NUMBER.search(text):
        return found
    for match in _PLACE_NUMBER_AT.finditer(text):
        place = match["place"]
        if place.lower() in _NOT_POSSESSORS or _AFTER_BARE.match(text, match.end()) is None:
            continue
        sender = DEPARTMENT_OF_STATE if is_department_of_state(place) else place
        item = _Found("telegram", match.start(), match.start(), [], sender, None)
        pos = match.end() - len(match["num"])
        for result in _tail(text, pos, citer, item, numbered=True):
            if result.numbers:
                found.append(result)
    return found


_NOT_PLACES = frozenset(
    ["no", "nos", "para", "paras", "page", "pages", "see", "para.", "and", "the", "part", "section"]
)


def _reference_lines(text: str, lowered: str, citer: _Citer) -> list[_Found]:
    """ "Ref: Tehran 403", "REF: A) STATE 142613, B) BEIRUT 7500"."""
    found: list[_Found] = []
    if not _HAS_REF_LINE.search(lowered):
        return found
    for line in _REF_LINE_AT.finditer(lowered):
        pos = line.end()
        for _ in range(6):
            item = _REF_ITEM.match(text, pos)
            if item is None:
                break
            place = item["place"]
            words = place.split()
            if words[0].lower() in _NOT_PLACES:
                break
            lowered = place.lower()
            if lowered.rstrip("s") in _ABBREVIATIONS or lowered.rstrip("s") in _CABLE_NOUNS:
                break  # an abbreviation: read by _abbreviations
            sender = DEPARTMENT_OF_STATE if is_department_of_state(place) else place.title()
            result = _Found("telegram", item.start(), item.start(), [], sender, None)
            results = _tail(text, item.end() - len(item["num"]), citer, result, numbered=True)
            found.extend(r for r in results if r.numbers)
            pos = results[-1].end if results else item.end()
            separator = re.compile(r"\s*[,;]?\s*(?:and\s+)?").match(text, pos)
            pos = separator.end() if separator else pos
    return found


def _reftels(text: str) -> list[_Found]:
    return [
        _Found("telegram", match.start(), match.end(), []) for match in _REFTEL_AT.finditer(text)
    ]


def frus_volume_id(
    years: str | None, volume: str, part: str | None, citing_collection: str | None
) -> str | None:
    """``frus1952-54v04``, ``frus1969-76ve05p2`` from "1952-1954", "IV" / "E-5", "2"."""
    if years:
        digits = re.findall(r"\d+", years)
        first = digits[0]
        span = first
        if len(digits) > 1:
            span = f"{first}-{digits[1][-2:]}"
    else:
        match = _FRUS_COLLECTION.match(citing_collection or "")
        if match is None:
            return None
        span = match["years"]
    volume = re.sub(r"\s", "", volume).replace("–", "-")
    if volume[:1] in "Ee" and "-" in volume:
        label = f"ve{int(volume.split('-')[1]):02d}"
    else:
        number = roman_to_int(volume)
        if number is None:
            return None
        label = f"v{number:02d}"
    if part:
        part_number = int(part) if part.isdigit() else roman_to_int(part)
        label += f"p{part_number}"
    return f"frus{span}{label}"


def _volume_collection(match: re.Match[str], citer: _Citer) -> str | None:
    collection = citer.collection or ""
    if match["dfat"] is not None or (_DFAT_COLLECTION.fullmatch(collection) and not match["years"]):
        number = roman_to_int(match["vol"])
        return f"dfat-v{number}" if number else None
    if match["years"] or collection.startswith("frus"):
        return frus_volume_id(match["years"], match["vol"], match["part"], collection)
    return None


def _expand_document_numbers(text: str) -> list[str]:
    numbers: list[str] = []
    for piece in re.split(r"\s*(?:,\s*(?:and\s+)?|\s+and\s+)", text.strip()):
        if not piece:
            continue
        bounds = re.split(r"\s*[-–]\s*", piece)
        if len(bounds) == 2:
            first, last = bounds
            if len(last) < len(first):  # "233-4" is 233 to 234
                last = first[: len(first) - len(last)] + last
            low, high = int(first), int(last)
            if low < high <= low + 20:
                numbers.extend(str(n) for n in range(low, high + 1))
                continue
            numbers.append(str(low))
            continue
        numbers.append(str(int(bounds[0])))
    return numbers


def _documents(text: str, lowered: str, citer: _Citer) -> list[_Found]:
    """Edition references: "Document 45", "vol. XI, Document 183", "p. 123" of a volume."""
    if "vol" not in lowered and "document" not in lowered:
        return []
    volumes = list(_VOLUME_AT.finditer(text)) if "vol" in lowered else []
    found: list[_Found] = []
    used_volumes: set[int] = set()
    for match in _DOCUMENTS_AT.finditer(text):
        numbers = _expand_document_numbers(match["nums"])
        if not numbers:
            continue
        collection = citer.collection
        start, end = match.start(), match.end()
        for index, volume in enumerate(volumes):
            between_after = text[end : volume.start()]
            between_before = text[volume.end() : start]
            # "Documents 132 and 135 in Foreign Relations, ..., vol. E–5, Part 2"
            if volume.start() >= end and re.fullmatch(r"\s*,?\s*(?:in|of)?\s*", between_after):
                collection, end = _volume_collection(volume, citer), volume.end()
                used_volumes.add(index)
                break
            # "Foreign Relations, 1952-1954, vol. IV, pp. 1031-1037 (Document 3)",
            # "vol. XI, Document 183"
            if volume.end() <= start and re.fullmatch(
                r"[,\s]*(?:pp?\.\s*[\dl]+(?:\s*[-–]\s*\d+)?(?:\s*ff\.?)?)?[,\s]*\(?\s*",
                between_before,
            ):
                collection, start = _volume_collection(volume, citer), volume.start()
                used_volumes.add(index)
                break
        if collection is None:
            continue
        for number in numbers:
            found.append(_Found("document", start, end, [number], target=f"{collection}#d{number}"))
    for index, volume in enumerate(volumes):
        if index in used_volumes:
            continue
        page = _PAGE_AFTER_VOLUME.match(text, volume.end())
        if page is None:
            continue
        collection = _volume_collection(volume, citer)
        if collection is None or not collection.startswith("frus"):
            continue
        found.append(
            _Found(
                "document",
                volume.start(),
                page.end(),
                [],
                target=f"{collection}#pg_{page['page']}",
            )
        )
    return found


# --- assembling ---------------------------------------------------------------------


def _party_key(name: str | None) -> str:
    if not name:
        return ""
    bare = re.sub(r"\s*\(.*\)$", "", name).lower()
    return re.sub(r"[^\w]+", " ", bare).split()[-1] if bare.strip() else ""


def _in_text(text: str, citer: _Citer) -> list[_Found]:
    lowered = text.lower()
    if len(lowered) != len(text):  # a rare character that lower-cases to two
        lowered = "".join(char.lower()[0] for char in text)
    found = (
        _documents(text, lowered, citer)
        + _cables(text, lowered, citer)
        + _abbreviations(lowered, text, citer)
        + _bare_numbers(text, lowered, citer)
        + _reference_lines(text, lowered, citer)
        + _papers(text, lowered, citer)
    )
    # Overlapping finds: the one starting first, then the longest, wins; several
    # finds of one match (one per dated number) share their span and all stay.
    found.sort(key=lambda f: (f.start, -f.end))
    kept: list[_Found] = []
    taken_until = -1
    span: tuple[int, int] | None = None
    for item in found:
        if (item.start, item.end) == span:
            kept.append(item)
            continue
        if item.start < taken_until:
            continue
        kept.append(item)
        span, taken_until = (item.start, item.end), item.end
    if not any(item.kind == "telegram" and item.numbers for item in kept):
        kept.extend(_reftels(text))
        kept.sort(key=lambda f: f.start)
    return kept


def _compatible(first: str | None, second: str | None) -> bool:
    return first is None or second is None or first == second


def _merge(items: list[tuple[_Found, str, int | None]]) -> list[tuple[_Found, str, int | None]]:
    """One reference per document named: the seed names the Soviet proposals thrice.

    Two finds name the same document when kind, numbers and target agree and
    neither date nor party contradicts the other; the first find is kept and
    takes what the later ones add ("Deptel 1762" then "Telegram 1762, April 20").
    """
    merged: list[tuple[_Found, str, int | None]] = []
    for item, text, position in items:
        duplicate = False
        for kept, _text, _position in merged:
            if (kept.kind, kept.numbers, kept.target) != (item.kind, item.numbers, item.target):
                continue
            if not (item.numbers or (item.date and kept.date)):
                continue  # two undated, unnumbered papers are not known to be one
            if not _compatible(kept.date, item.date):
                continue
            if not _compatible(_party_key(kept.sender) or None, _party_key(item.sender) or None):
                continue
            kept.sender = kept.sender or item.sender
            kept.recipient = kept.recipient or item.recipient
            if kept.date is None and item.date is not None:
                kept.date, kept.date_start, kept.date_end = (
                    item.date,
                    item.date_start,
                    item.date_end,
                )
            duplicate = True
            break
        if not duplicate:
            merged.append((item, text, position))
    return merged


def _overlaps_linked(existing: list[Reference], text: str, item: _Found, in_body: bool) -> bool:
    """Whether the reader already linked this span (a FRUS ``ref`` with a target)."""
    for reference in existing:
        if not (reference.target or reference.record_id) or len(reference.text) < 2:
            continue
        if in_body and reference.position is not None:
            start = reference.position
        else:
            start = text.find(reference.text, max(0, item.start - len(reference.text)))
            if start < 0:
                continue
        if start < item.end and start + len(reference.text) > item.start:
            return True
    return False


def find_references(record: Record) -> list[Reference]:
    """The record's references: the reader's, then those found in its text.

    Read are the body, the footnotes and the source note (``citation.text``).
    Positions index ``body``; a reference found in a note has no position.
    """
    citer = _citer(record)
    existing = list(record.references)
    found: list[tuple[_Found, str, int | None]] = []
    texts: list[tuple[str, bool]] = [(record.body, True)]
    texts.extend((footnote.text, False) for footnote in record.footnotes)
    if record.citation is not None:
        # FRUS source notes go on: "In telegram 5177 from Tunis, July 23, Mulcahy ...".
        texts.append((record.citation.text, False))
    for text, in_body in texts:
        if not text:
            continue
        reader = citer if in_body else replace(citer, editorial=True)
        for item in _in_text(text, reader):
            if _overlaps_linked(existing, text, item, in_body):
                continue
            found.append((item, text[item.start : item.end], item.start if in_body else None))
    references = existing
    for item, text, position in _merge(found):
        references.append(
            Reference(
                text=text.strip(),
                kind=item.kind,
                target=item.target,
                numbers=item.numbers,
                date=item.date,
                date_start=item.date_start,
                date_end=item.date_end,
                sender=item.sender,
                recipient=item.recipient,
                position=position,
            )
        )
    return references


__all__ = [
    "DEPARTMENT_OF_STATE",
    "find_references",
    "frus_volume_id",
    "is_department_of_state",
    "normalise_number",
    "roman_to_int",
]
