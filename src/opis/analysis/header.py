"""What a document's title or heading line says about it: type, number, sender, recipient.

Titles in the corpus follow a few shapes:

* Wilson Center: "Incoming Cable No. 16, Malik to Cde. Stalin"
* DFAT: "Ballard to Evatt", "Mr S. M. Bruce, High Commissioner in London, to Mr J. A.
  Lyons, Prime Minister", "Note by Mr S. M. Bruce, High Commissioner in London",
  "Memorandum prepared for Delegation to Imperial Conference"
* DFAT body lines: "Cablegram 91 LONDON, 2 May 1947, 10.16 p.m."
* FRUS: "Telegram From the Embassy in the Soviet Union to the Department of State",
  "Memorandum From the Secretary of State's Special Assistant (Howe) to the Under
  Secretary of State (Hoover)"
* Russian headings: "ЗАПИСЬ БЕСЕДЫ ...", "Шифртелеграмма № 16"

Everything here is plain regular expressions compiled once: titles are short and there
are thousands of them per run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from opis.model import Person

# (pattern, canonical type). Longer phrases first: at one position the regex
# alternation takes the first alternative that matches.
_TYPE_TERMS: tuple[tuple[str, str], ...] = (
    (
        r"memorand(?:um|a) of (?:a |the )?(?:telephone )?conversations?",
        "memorandum of conversation",
    ),
    (r"memcons?", "memorandum of conversation"),
    (r"(?:record|report|notes?|summary) of (?:a |the )?conversations?", "record of conversation"),
    (r"(?:record|notes?|minutes) of (?:a |the )?meetings?", "minutes"),
    (r"editorial note", "editorial note"),
    (r"telephone conversations?|telcons?", "memorandum of conversation"),
    (r"aide[- ]m[eé]moires?", "aide-memoire"),
    (r"cablegrams?", "cablegram"),
    (r"cables?", "cable"),
    (r"telegrams?", "telegram"),
    (r"airgrams?", "airgram"),
    (r"savingrams?", "savingram"),
    (r"letters?", "letter"),
    (r"memorand(?:um|a)", "memorandum"),
    (r"minutes", "minutes"),
    # An Australian/British "minute" is an internal memo, not the minutes of a meeting.
    (r"minute", "minute"),
    (r"notes?", "note"),
    (r"reports?", "report"),
    (r"d[ei]spatch(?:es)?", "dispatch"),
    (r"instructions?", "instruction"),
    (r"diary(?: entry)?|diaries", "diary"),
    (r"resolutions?", "resolution"),
    (r"decrees?", "decree"),
    (r"speech(?:es)?|address", "speech"),
    (r"messages?", "message"),
    (r"statements?", "statement"),
    # Singular only: "Papers" is a collection ("Summary of Papers and Questions ...").
    (r"paper", "paper"),
    (r"agend(?:um|a)", "agendum"),
    (r"submissions?", "submission"),
    (r"appreciations?", "appreciation"),
    (r"directives?", "directive"),
    (r"circulars?", "circular"),
    # Russian vocabulary (Wilson transcripts, Russian headings).
    (r"запись беседы|запись разговора", "record of conversation"),
    (r"шифр(?:ованная )?телеграмма|шифртелеграмма|шифровка", "cable"),
    (r"телеграмма", "telegram"),
    (r"письмо", "letter"),
    (r"докладная записка|служебная записка|памятная записка", "memorandum"),
    (r"записка", "note"),
    (r"справка", "report"),
    (r"доклад|отч[её]т|донесение", "report"),
    (r"протокол", "minutes"),
    (r"постановление|решение|резолюция", "resolution"),
    (r"указ", "decree"),
    (r"дневник", "diary"),
    (r"речь|выступление", "speech"),
    (r"сообщение|послание", "message"),
    (r"директива|указание|инструкция", "instruction"),
    (r"циркуляр", "circular"),
    (r"памятка|меморандум", "aide-memoire"),
)

_TYPE_RE = re.compile(
    r"(?<!\w)(?:" + "|".join(f"({pattern})" for pattern, _ in _TYPE_TERMS) + r")(?!\w)",
    re.IGNORECASE,
)
_CANONICAL = tuple(name for _, name in _TYPE_TERMS)

# The "head" of a title is the part naming the document itself, before who sent it
# to whom: "Incoming Cable No. 16" in "Incoming Cable No. 16, Malik to Cde. Stalin".
# Type words further on ("... to Department of External Affairs: note on ...") are
# about something else.
_HEAD_END = re.compile(
    r"[,:;(\[\n]|\s(?:from|by|to|between|prepared|for|at|on|of the|concerning|regarding"
    r"|with|от|с|к|о|об|по|для)\s",
    re.IGNORECASE,
)
_MAX_HEAD = 120


def _title_head(text: str) -> str:
    text = text.strip()[: _MAX_HEAD * 2]
    end = _HEAD_END.search(text)
    head = text[: end.start()] if end else text
    return head[:_MAX_HEAD]


def _find_type(head: str) -> tuple[str, re.Match[str]] | None:
    """The first type word in ``head``; "circular" only when nothing more specific follows."""
    fallback: tuple[str, re.Match[str]] | None = None
    for match in _TYPE_RE.finditer(head):
        assert match.lastindex is not None
        name = _CANONICAL[match.lastindex - 1]
        if name == "circular":
            fallback = fallback or (name, match)
            continue
        return name, match
    return fallback


def classify_type(text: str) -> str | None:
    """The document type a title or heading line names, as a lowercase canonical word.

    Only the head of the title is read (up to the first comma, "from", "by", "to"...),
    so "Ballard to Evatt" has no type and "Memorandum prepared for Delegation to
    Imperial Conference" is a memorandum. Returns None when no type word is there.
    """
    found = _find_type(_title_head(text))
    return found[0] if found else None


@dataclass
class TitleParts:
    type: str | None
    number: str | None
    senders: list[Person] = field(default_factory=list)
    recipients: list[Person] = field(default_factory=list)


# A document number right after the type word: "No. 16", "Nos. 663 and 669", "91", "H29".
_NUMBER_RE = re.compile(
    r"\s*(?:(?:Nos?\.?|Number|№|#)\s*)?(?P<number>[A-ZА-Я]{0,4}[-/.]?\d[\w/.\-]*)",
    re.IGNORECASE,
)
# Honorifics are not part of a name (the brief: Cde./Comrade/Mr/Mrs/Sir/Dr./Tovarishch).
_HONORIFIC_RE = re.compile(
    r"^(?:(?:Mr|Mrs|Ms|Miss|Messrs|Sir|Dr|Cde|Comrade|Comrades|Tovarishch|Tov|Herr|Mme"
    r"|тов|товарищ|г-н|господин)\.?\s+)+",
    re.IGNORECASE,
)
# "X, role, to Y" (DFAT), "... (Smith) to ..." (FRUS), plain "X to Y". A bare number
# before "to" is a harvester's footnote marker: "..., 100 to Lt Col W. R. Hodgson".
_COMMA_TO_RE = re.compile(r",\s*(?:\d+\s+)?to\s+", re.IGNORECASE)
_PAREN_TO_RE = re.compile(r"\)\s+to\s+", re.IGNORECASE)
_PLAIN_TO_RE = re.compile(r"\s+(?:\d+\s+)?to\s+")
_LEADING_RE = re.compile(r"^(?:(?:from|by|the)\s+)+", re.IGNORECASE)
# "Memorandum prepared for Delegation to ...": a description, not correspondents.
_DESCRIPTION_RE = re.compile(
    r"^(?:prepared|drafted|submitted|written|presented|compiled|approved|adopted|issued"
    r"|on|of|for|between|at|in|concerning|regarding)\b",
    re.IGNORECASE,
)
_DESCRIBED_RE = re.compile(r"\s(?:by|submitted|prepared|drafted|written)\s")
_CORRESPONDENT_START_RE = re.compile(r"^(?:from|to)\s", re.IGNORECASE)
_BY_RE = re.compile(r"^(?:[\w.]+\s+){0,3}?by\s+", re.IGNORECASE)
_FRUS_NAME_RE = re.compile(r"^(?P<role>.*?)\s*\((?P<name>[A-ZА-ЯЁ][^()]*)\)\s*$")
# "Curtin to Churchill (in Quebec)": where the person was, kept as the role.
_WHERE_RE = re.compile(r"^(?P<name>.*?)\s*\((?P<where>[a-z][^()]*)\)\s*$")
_TRAILING_NOTE_RE = re.compile(r"[\s,]+\d+$")
_FOOTNOTE_MARK_RE = re.compile(r"\s*\[\d+\]")
# Harvest residue naming the volume: "Beasley to Evatt (1944 - Volume 7)".
_VOLUME_SUFFIX_RE = re.compile(r"\s*\([^()]*\bVolume\s+\d+\)\s*$")
# Harvest residue after the recipient: "Stuart to Burton SINGAPORE, 27 January 1948",
# "Mackay to Evatt Dispatch Delhi 40/46", "McDougall to Bruce Letter WASHINGTON, ...".
_TRAILING_DATELINE_RE = re.compile(r"\s+\[?[A-Z]{3,}[A-Z .]*\]?,\s*\[?\d.*$")
_TRAILING_TYPE_RE = re.compile(
    r"\s+(?:Cablegrams?|Letter|Dispatch|Despatch|Memorandum|Minute|Note|Savingram|Telegram"
    r"|Teleprinter|Submission|Agendum)\b.*$"
)
# FRUS summaries go on after the recipient: "Memorandum from Bundy to Seaborg, August 8.
# Resumption of tests ...".
_TRAILING_SUMMARY_RE = re.compile(
    r",\s+(?:January|February|March|April|May|June|July|August|September|October|November"
    r"|December)\s+\d.*$|(?<=[a-z]{3})\.\s+[A-Z].*$"
)
# A role ends where the title goes on about the subject: "..., of Meeting of ...".
_ROLE_TAIL_RE = re.compile(r",\s+(?:of|on|regarding|concerning|about|for|at|with)\s.*$")
_ROLE_FOOTNOTE_RE = re.compile(r"\s\d{1,4}(?=\s[A-Z])")
_LIST_SPLIT_RE = re.compile(r"\s*,\s*(?:and\s+)?|\s+and\s+|\s*&\s*")
_AND_RE = re.compile(r"\s+and\s+|\s*&\s*")
_COMMA_AND_RE = re.compile(r",\s+and\s+(?:to\s+)?")
_PAREN_AND_RE = re.compile(r"\)\s*,?\s+and\s+")
_CAPITALISED_WORD = re.compile(r"^(?:[A-ZА-ЯЁ][\w'’.-]*|[A-ZА-ЯЁ]\.|de|van|von|da|du|le)$")
# Words that make a capitalised phrase an organisation, not a list of people.
_ORGANISATION_WORDS = frozenset(
    (
        "delegation",
        "council",
        "department",
        "government",
        "office",
        "committee",
        "commission",
        "embassy",
        "legation",
        "mission",
        "assembly",
        "conference",
        "nations",
        "affairs",
        "ministry",
        "staff",
        "chiefs",
        "cabinet",
        "secretariat",
        "board",
        "branch",
        "section",
        "division",
        "bank",
        "union",
    )
)
_MAX_NAME_WORDS = 4


def parse_title(title: str) -> TitleParts:
    """Type, number, senders and recipients as a title states them."""
    title = _FOOTNOTE_MARK_RE.sub("", " ".join(title.split()))
    title = _VOLUME_SUFFIX_RE.sub("", title)
    found = _find_type(_title_head(title))
    doc_type, rest, number = None, title, None
    if found:
        doc_type, match = found
        rest = title[match.end() :]
        number_match = _NUMBER_RE.match(rest)
        if number_match:
            number = number_match.group("number").rstrip(".,")
            rest = rest[number_match.end() :]
        rest = rest.lstrip(" ,:;-–—")
        if _names_no_one(rest):
            return TitleParts(doc_type, number)
    senders_text, recipients_text = _split_correspondents(rest)
    if _DESCRIBED_RE.search(senders_text):
        # "Summary of Papers ... submitted by Delegation to Imperial Conference"
        return TitleParts(doc_type, number)
    for residue in (_TRAILING_DATELINE_RE, _TRAILING_SUMMARY_RE, _TRAILING_TYPE_RE):
        recipients_text = residue.sub("", recipients_text)
    return TitleParts(
        type=doc_type,
        number=number,
        senders=_parse_people(senders_text),
        recipients=_parse_people(recipients_text),
    )


def _names_no_one(rest: str) -> bool:
    """After the type word: a description ("prepared for Delegation to ...") rather than
    correspondents, which start with a capitalised name, "by", "from" or "to"."""
    if _BY_RE.match(rest) or _CORRESPONDENT_START_RE.match(rest):
        return False
    if _DESCRIPTION_RE.match(rest):
        return True
    return bool(rest) and not rest[:1].isupper()


def _split_correspondents(rest: str) -> tuple[str, str]:
    by = _BY_RE.match(rest)
    sender_only = bool(by) or rest.lower().startswith("from ")
    # "Note by X, role, of Conversation with Y ...": the subject is not a recipient.
    rest = _ROLE_TAIL_RE.sub("", rest[by.end() :]) if by else _LEADING_RE.sub("", rest)
    for pattern in (_COMMA_TO_RE, _PAREN_TO_RE):
        match = pattern.search(rest)
        if match:
            cut = match.start() + (1 if pattern is _PAREN_TO_RE else 0)
            return rest[:cut], rest[match.end() :]
    match = _PLAIN_TO_RE.search(rest)
    if match:
        return rest[: match.start()], rest[match.end() :]
    # No recipient: "Note by X" and "Despatch From X" name a sender; a bare phrase
    # names no one.
    if sender_only:
        for residue in (_TRAILING_DATELINE_RE, _TRAILING_SUMMARY_RE):
            rest = residue.sub("", rest)
        return rest, ""
    return "", ""


def _parse_people(text: str) -> list[Person]:
    text = _LEADING_RE.sub("", _TRAILING_NOTE_RE.sub("", text.strip(" ,.;:")))
    if not text:
        return []
    if _PAREN_AND_RE.search(text):
        # FRUS: "the Secretary of the Treasury (Humphrey) and the Under Secretary (Hoover)"
        parts = [part + ")" for part in _PAREN_AND_RE.split(text)[:-1]]
        parts.append(_PAREN_AND_RE.split(text)[-1])
    elif _is_name_list(text):
        parts = _LIST_SPLIT_RE.split(text)
    elif _COMMA_AND_RE.search(text):
        # "Mr Chifley, Prime Minister, and Dr Evatt, Minister for External Affairs"
        parts = _COMMA_AND_RE.split(text)
    elif "," not in text and _is_name_list(text):
        parts = _AND_RE.split(text)
    else:
        parts = [text]
    people = [_parse_person(part) for part in parts]
    return [person for person in people if person is not None]


def _is_name_list(text: str) -> bool:
    """ "Forde and Evatt", "Hood, Beasley, Critchley and Gollan", "Mr Chifley and Dr Evatt"
    are lists; "Department of Trade and Customs", "Mr X, Treasurer" and "Australian
    Delegation, Economic and Social Council" are not."""
    parts = _LIST_SPLIT_RE.split(text)
    if len(parts) < 2:
        return False
    # "X, role": a comma without a closing "and" is a role, unless three or more short
    # names are listed ("Addison, Mountbatten, Fraser, Evatt").
    closing_and = _AND_RE.search(text.rsplit(",", 1)[-1])
    if not closing_and and (len(parts) < 3 or any(len(part.split()) > 2 for part in parts)):
        return False
    for part in parts:
        words = _HONORIFIC_RE.sub("", part.strip()).split()
        if not words or len(words) > _MAX_NAME_WORDS:
            return False
        if not all(_CAPITALISED_WORD.match(word) for word in words):
            return False
        if any(word.lower() in _ORGANISATION_WORDS for word in words):
            return False
    return True


def _parse_person(text: str) -> Person | None:
    text = text.strip(" ,.;:")
    if not text:
        return None
    name, _, role = text.partition(",")
    role = _ROLE_FOOTNOTE_RE.sub("", _ROLE_TAIL_RE.sub("", role)).strip(" ,")
    where = _WHERE_RE.match(name)
    if where:
        name, role = where.group("name"), role or where.group("where")
    frus = _FRUS_NAME_RE.match(name)
    if frus and not role:
        # FRUS: "the Ambassador in the Soviet Union (Smith)"
        name, role = frus.group("name"), _LEADING_RE.sub("", frus.group("role"))
    name = _HONORIFIC_RE.sub("", _LEADING_RE.sub("", name.strip())).strip()
    # "[Quinn]": the editors supplied the name; the brackets are theirs, not the name's.
    name = name.replace("[", "").replace("]", "").strip()
    if not name:
        return None
    return Person(name=name, role=role or None)
