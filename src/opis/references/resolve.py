"""Resolving a record's references to the records the archive holds, or to placeholders.

The resolver works from ``RecordKey``s, compact descriptors of every held record
(a store scan gives them in seconds; ``add`` takes one more as it is ingested), so
resolving the whole corpus's references takes seconds and a document ingested
later turns an earlier placeholder into a link on the next resolution.

Rules, strictest first; precision matters more than recall, so anything unsure
stays a placeholder:

* FRUS markup: a ``frus-ref`` with ``record_id`` or a ``#dN`` / ``frus...#dN``
  target names the document outright.
* Edition references ("Document 45", "vol. XI, Document 183"): the document of
  that number in that volume (``<volume>-dN`` for FRUS, ``dfat-vX-N`` for DFAT).
* Numbered cables ("Shtykov's telegrams Nos. 663 and 669", "Embtel 1234", "your 567"):
  a held record carrying that cable number, dated inside the reference's window
  (the date it gives, else the year before the citing document), whose sender (or
  recipient) is the party the reference names. A number with no named party must
  also share a correspondent with the citing document and be recent.
* Dated papers ("Molotov's letter of 4 September"): a held record of a compatible
  type by that sender dated that day.

One ``Resolution`` per number of the reference (``resolve_all``).
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from opis.analysis.dates import MONTH_NAMES
from opis.analysis.references import is_department_of_state, normalise_number
from opis.model import Placeholder, Record, Reference, ReferenceLink

# --- compact descriptors of held records --------------------------------------------

_CABLE_TYPES = frozenset({"telegram", "cable", "cablegram", "airgram", "despatch", "dispatch",
                          "message", "telex", "teletype"})  # fmt: skip
# A FRUS telegram's own number opens its text: "1793. Paris for USRO.", "A–58. ReContel".
_LEADING_NUMBER = re.compile(r"\s*(?:[A-Z][a-z]{2,6}\s+)?(?P<num>(?:[A-Z]{1,2}[-–])?\d{1,7})\.\s")
_TITLE_NUMBER = re.compile(
    r"\b(?:Telegram|Cable|Cablegram|Airgram|Despatch|Dispatch)s?\s+(?:No\.\s*)?"
    r"(?P<num>(?:[A-Z]{1,2}[-–])?\d{1,7})\b"
)
_HISTORYLAB_NUMBER = re.compile(r"(?P<year>\d{4})(?P<place>[A-Z]+)(?P<num>\d+)")
_DOCUMENT_NUMBER = re.compile(r"d?(?P<num>\d{1,5})")


@dataclass(frozen=True)
class RecordKey:
    """What resolution needs to know about one held record."""

    id: str
    collection: str | None
    type: str | None
    number: str | None
    date_start: str | None
    date_end: str | None
    senders: tuple[str, ...]
    """"Name (Role)" labels, as ``find_references`` writes implied parties."""
    recipients: tuple[str, ...]
    title: str
    source_record_id: str | None
    cable_numbers: tuple[str, ...] = ()
    """Numbers the document carries as a cable (normalised), not its edition number."""
    document_number: str | None = None
    """Its number within its edition (FRUS ``d12`` -> ``12``, DFAT document 55)."""
    places: tuple[str, ...] = ()
    """Where it was sent from: dateline and sending places."""
    metadata_only: bool = False
    pages: tuple[str, ...] = ()
    """Printed page labels it covers, first the one it starts on (FRUS "p. 730" links)."""

    @classmethod
    def from_record(cls, record: Record) -> RecordKey:
        document_number = None
        match = _DOCUMENT_NUMBER.fullmatch(record.source_record_id or "")
        if match is not None and record.collection:
            document_number = match["num"]
        cable_numbers: list[str] = []
        places = [p.name for p in record.places if p.role in ("dateline", "sent", None)]
        number = record.number
        historylab = _HISTORYLAB_NUMBER.fullmatch(number or "")
        if historylab is not None:
            cable_numbers.append(normalise_number(historylab["num"]))
            places.append(historylab["place"].title())
        elif number and not (record.source_record_id or "").startswith("d"):
            # A FRUS record's number is its place in the volume (source id "d12"), not a cable's.
            cable_numbers.extend(cable_number_forms(number))
        if (record.type or "").lower() in _CABLE_TYPES or record.type is None:
            for pattern, text in (
                (_TITLE_NUMBER, record.title),
                (_LEADING_NUMBER, record.body[:40]),
            ):
                found = pattern.match(text) if pattern is _LEADING_NUMBER else pattern.search(text)
                if found is not None and found["num"] != "1":
                    cable_numbers.append(normalise_number(found["num"]))
        return cls(
            id=record.id,
            collection=record.collection,
            type=(record.type or "").lower() or None,
            number=number,
            date_start=record.date_start,
            date_end=record.date_end,
            senders=tuple(_label(p.name, p.role) for p in record.sender),
            recipients=tuple(_label(p.name, p.role) for p in record.to),
            title=record.title,
            source_record_id=record.source_record_id,
            cable_numbers=tuple(dict.fromkeys(cable_numbers)),
            document_number=document_number,
            places=tuple(dict.fromkeys(places)),
            metadata_only=record.metadata_only,
            pages=tuple(page.label for page in record.pages if page.label),
        )


_NUMBER_TOKEN = re.compile(r"(?P<prefix>[A-Za-z]{0,5})[-–\s]?(?P<digits>\d{1,7})(?:/\d+)?")


def cable_number_forms(number: str) -> list[str]:
    """How citers may write a cable's number: "UN787" also as "787"; "360 LONDON, ?" as "360";
    "Hag 130" as "130"; "1289, 6" as "1289" and "6"."""
    forms: list[str] = []
    for match in _NUMBER_TOKEN.finditer(number):
        digits = match["digits"].lstrip("0") or "0"
        if match["prefix"]:
            forms.append(normalise_number(match["prefix"] + digits))
        forms.append(digits)
    return list(dict.fromkeys(forms))


def _label(name: str, role: str | None) -> str:
    return f"{name} ({role})" if role else name


# --- parties ---------------------------------------------------------------------------

_STOP = frozenset(
    [
        "the",
        "of",
        "in",
        "at",
        "to",
        "for",
        "and",
        "on",
        "from",
        "by",
        "with",
        "embassy",
        "legation",
        "consulate",
        "consul",
        "general",
        "mission",
        "delegation",
        "ambassador",
        "minister",
        "chargé",
        "charge",
        "affaires",
        "secretary",
        "department",
        "government",
        "office",
        "acting",
        "high",
        "commissioner",
        "representative",
        "united",
        "states",
        "prime",
        "president",
        "mr",
        "mrs",
        "sir",
        "lord",
        "cde",
        "comrade",
        "deputy",
        "assistant",
        "special",
        "political",
        "adviser",
        "chief",
        "station",
        "headquarters",
        "foreign",
        "relations",
        "ministry",
        "republic",
        "people",
        "peoples",
        "s",
    ]
)
_WORD = re.compile(r"[^\W\d_]+")
_LOCATION_AFTER = re.compile(r"\b(?:in|at|to)\s+(?:the\s+)?(?P<where>[^,;()]+)")


def _tokens(text: str) -> set[str]:
    return {w for w in (m.group(0).lower() for m in _WORD.finditer(text))
            if len(w) > 2 and w not in _STOP}  # fmt: skip


def party_tokens(label: str | None) -> frozenset[str]:
    """Comparable words of a party: "Kirk (Ambassador in Belgium)" -> {kirk, belgium}."""
    if not label:
        return frozenset()
    name, _, role = label.partition(" (")
    role = role.rstrip(")")
    if is_department_of_state(name):
        return frozenset({"#dos"})
    lowered = name.lower()
    if "external affairs" in lowered:
        return frozenset({"#dea"})
    if "dominion" in lowered:
        return frozenset({"#dominions"})
    tokens = _tokens(name)
    # DFAT: the Australian Prime Minister speaks as the Commonwealth Government.
    if "commonwealth government" in lowered or "prime minister's department" in lowered:
        tokens = {"#cwlth"}
    if role.strip().lower() == "prime minister":
        tokens.add("#cwlth")
    if role:
        if "external affairs" in role.lower():
            tokens.add("#dea")
        for where in _LOCATION_AFTER.finditer(role):
            tokens |= _tokens(where["where"])
    return frozenset(tokens)


def _parties(labels: Iterable[str]) -> frozenset[str]:
    out: set[str] = set()
    for label in labels:
        out |= party_tokens(label)
    return frozenset(out)


# --- results ------------------------------------------------------------------------


@dataclass(frozen=True)
class Resolution:
    """Where one number of a reference points: a held record, a placeholder, or nowhere."""

    target_id: str | None
    placeholder: Placeholder | None
    confidence: float
    method: str
    """``markup``, ``document-number``, ``page``, ``cable-number``, ``dated-paper``,
    ``placeholder``, ``unresolved`` (nothing to go on: "reftel" with no number)."""
    ordinal: int = 0
    number: str | None = None

    def link(self, record_id: str, reference_index: int) -> ReferenceLink:
        return ReferenceLink(
            record_id=record_id,
            reference=reference_index,
            ordinal=self.ordinal,
            target_id=self.target_id,
            placeholder_id=self.placeholder.id if self.placeholder else None,
            confidence=self.confidence,
            method=self.method,
        )


# --- placeholders ------------------------------------------------------------------

_INITIAL = re.compile(r"^(?:[A-Z]\.)+$|^[A-Z]\.?$")
_TITLE_WORDS = frozenset(["cde", "comrade", "mr", "mrs", "lord", "sir", "dr"])


def party_slug(label: str | None) -> str:
    if not label:
        return ""
    name = label.partition(" (")[0]
    if is_department_of_state(name):
        return "department-of-state"
    words = [w for w in re.split(r"[\s]+", name) if w and not _INITIAL.match(w)]
    words = [w for w in words if w.lower().strip(".") not in _TITLE_WORDS]
    text = unicodedata.normalize("NFKD", " ".join(words))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return "-".join(re.findall(r"\w+", text))


def _human_date(iso: str) -> str:
    try:
        day = date.fromisoformat(iso[:10])
    except ValueError:
        return iso
    return f"{day.day} {MONTH_NAMES[day.month - 1]} {day.year}"


_NATIONALITIES = frozenset(
    [
        "soviet",
        "american",
        "british",
        "french",
        "chinese",
        "korean",
        "japanese",
        "australian",
        "indian",
        "dutch",
        "indonesian",
        "italian",
        "german",
        "russian",
        "canadian",
        "turkish",
        "greek",
        "iranian",
        "egyptian",
        "israeli",
        "pakistani",
        "polish",
        "czech",
        "us",
        "u.s.",
        "uk",
        "u.k.",
        "allied",
    ]
)


def _whose(sender: str, noun: str) -> str:
    """ "Shtykov's telegram", but "Soviet proposals"."""
    if sender.lower() in _NATIONALITIES:
        return f"{sender} {noun}"
    return f"{sender}'s {noun}"


def _year_of(reference: Reference, citing: Record) -> str | None:
    for value in (reference.date, reference.date_end, citing.date_start):
        if value:
            return value[:4]
    return None


def placeholder_for(citing: Record, reference: Reference, number: str | None) -> Placeholder | None:
    """The "referenced, not held" record for one number of a reference (None: too vague)."""
    kind = reference.kind if reference.kind != "frus-ref" else "document"
    sender = reference.sender.partition(" (")[0] if reference.sender else None
    recipient = reference.recipient.partition(" (")[0] if reference.recipient else None
    if reference.kind in ("document", "frus-ref"):
        collection, page = _edition_target(citing, reference)
        if collection is None or (number is None and page is None):
            return None
        part = number or f"p{page}"
        label = f"{collection}, Document {number}" if number else f"{collection}, page {page}"
        return Placeholder(id=f"ref/document/{collection}/{part}", kind="document", label=label,
                           numbers=[number] if number else [])  # fmt: skip
    party = party_slug(reference.sender) or (
        f"to-{party_slug(reference.recipient)}" if reference.recipient else ""
    )
    year = _year_of(reference, citing)
    noun = kind
    if number is not None:
        key = f"{party}/{number}" if party else f"unknown/{number}/{year or 'undated'}"
        label = f"{noun.capitalize()} No. {number}"
        if sender:
            label = f"{_whose(sender, noun)} No. {number}"
        elif recipient:
            label += f" to {recipient}"
        label += f" ({year})" if year else ""
    elif reference.date:
        key = f"{party or 'unknown'}/{reference.date}"
        label = f"{_whose(sender, noun) if sender else noun.capitalize()}"
        label += f" of {_human_date(reference.date)}"
        if recipient and not sender:
            label += f" to {recipient}"
    else:
        return None
    return Placeholder(
        id=f"ref/{kind}/{key}",
        kind=kind,
        label=label,
        numbers=[number] if number else [],
        sender=reference.sender,
        recipient=reference.recipient,
        date=reference.date,
        date_start=reference.date_start,
        date_end=reference.date_end,
    )


# --- the resolver ----------------------------------------------------------------------

_FRUS_TARGET = re.compile(r"(?P<volume>[\w.-]*)#d(?P<num>\d+)(?:fn\d+)?")
_PAGE_TARGET = re.compile(r"(?P<volume>[\w.-]*)#pg_(?P<page>\w+)")
# Which held types a dated paper may be.
_COMPATIBLE = {
    "letter": {"letter", "message", "note", "cable", "telegram", "cablegram"},
    "note": {"note", "aide-memoire", "letter", "memorandum"},
    "message": {"message", "letter", "cable", "telegram", "cablegram"},
    "telegram": _CABLE_TYPES,
    "despatch": {"despatch", "dispatch"},
    "airgram": {"airgram"},
    "memorandum": {"memorandum", "memorandum of conversation", "paper", "minute"},
    "report": {"report", "memorandum", "despatch", "dispatch"},
    "statement": {"statement", "speech"},
    "proposals": {"proposals", "note", "memorandum", "paper", "letter"},
    "meeting": {"minutes", "memorandum of conversation", "record of conversation", "minute"},
    "instructions": {"telegram", "cable", "cablegram", "letter", "directive", "instructions"},
}
_RECENT_DAYS = 60
_NUMBER_YEAR_DAYS = 240
_DATE_SLACK_DAYS = 3


def _day(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


@dataclass
class _Window:
    first: date
    last: date

    def holds(self, key: RecordKey) -> bool:
        start, end = _day(key.date_start), _day(key.date_end)
        if start is None or end is None:
            return False
        return start <= self.last and end >= self.first


@dataclass
class ReferenceResolver:
    """Resolves references against the held records' keys; ``add`` keeps it current."""

    keys: dict[str, RecordKey] = field(default_factory=dict)
    _by_cable: dict[str, list[RecordKey]] = field(default_factory=lambda: defaultdict(list))
    _by_document: dict[tuple[str, str], list[RecordKey]] = field(
        default_factory=lambda: defaultdict(list)
    )
    _by_day: dict[date, list[RecordKey]] = field(default_factory=lambda: defaultdict(list))
    _by_page: dict[tuple[str, str], list[RecordKey]] = field(
        default_factory=lambda: defaultdict(list)
    )
    _collections: set[str] = field(default_factory=set)

    @classmethod
    def from_keys(cls, keys: Iterable[RecordKey]) -> ReferenceResolver:
        resolver = cls()
        for key in keys:
            resolver.add(key)
        return resolver

    @classmethod
    def from_records(cls, records: Iterable[Record]) -> ReferenceResolver:
        return cls.from_keys(RecordKey.from_record(record) for record in records)

    def add(self, key: RecordKey) -> None:
        """Take in a held record (again: a newer version replaces the older)."""
        if key.id in self.keys:
            self.remove(key.id)
        self.keys[key.id] = key
        for number in key.cable_numbers:
            self._by_cable[number].append(key)
        if key.collection:
            self._collections.add(key.collection)
            if key.document_number:
                self._by_document[(key.collection, key.document_number)].append(key)
            for label in key.pages:
                self._by_page[(key.collection, label)].append(key)
        start, end = _day(key.date_start), _day(key.date_end)
        if start is not None and start == end:
            self._by_day[start].append(key)

    def remove(self, record_id: str) -> None:
        key = self.keys.pop(record_id, None)
        if key is None:
            return
        for index in (self._by_cable, self._by_document, self._by_day, self._by_page):
            for bucket in index.values():
                if key in bucket:
                    bucket.remove(key)

    def holds(self, record_id: str) -> bool:
        return record_id in self.keys

    # -- entry points -----------------------------------------------------------------

    def resolve(self, citing: Record, reference: Reference) -> Resolution:
        """The resolution of the reference's first number (or of the reference itself)."""
        return self.resolve_all(citing, reference)[0]

    def resolve_all(self, citing: Record, reference: Reference) -> list[Resolution]:
        """One resolution per number of the reference; one when it has no number."""
        if reference.kind == "frus-ref":
            return [self._markup(citing, reference)]
        if reference.kind == "document":
            return self._edition(citing, reference)
        numbers: list[str | None] = list(reference.numbers) or [None]
        results: list[Resolution] = []
        for ordinal, number in enumerate(numbers):
            if number is not None:
                found = self._numbered(citing, reference, number)
            elif reference.date:
                found = self._dated(citing, reference)
            else:
                found = None
            results.append(self._result(citing, reference, number, ordinal, found))
        return results

    def resolve_record(self, record: Record) -> list[tuple[int, Resolution]]:
        """Every reference of ``record``: (index in ``record.references``, resolution)."""
        return [
            (index, resolution)
            for index, reference in enumerate(record.references)
            for resolution in self.resolve_all(record, reference)
        ]

    # -- rules -------------------------------------------------------------------------

    def _result(
        self,
        citing: Record,
        reference: Reference,
        number: str | None,
        ordinal: int,
        found: tuple[RecordKey, float, str] | None,
    ) -> Resolution:
        if found is not None:
            key, confidence, method = found
            return Resolution(key.id, None, confidence, method, ordinal, number)
        placeholder = placeholder_for(citing, reference, number)
        if placeholder is None:
            return Resolution(None, None, 0.0, "unresolved", ordinal, number)
        return Resolution(None, placeholder, 0.0, "placeholder", ordinal, number)

    def _document(self, collection: str, number: str) -> RecordKey | None:
        keys = self._by_document.get((collection, number), [])
        full = [key for key in keys if not key.metadata_only]
        chosen = full if full else keys
        return chosen[0] if len(chosen) == 1 else None

    def _page(self, collection: str, page: str) -> RecordKey | None:
        keys = [key for key in self._by_page.get((collection, page), []) if not key.metadata_only]
        if len(keys) > 1:  # the page ends one document and starts another: the one it starts
            keys = [key for key in keys if key.pages[0] == page]
        return keys[0] if len(keys) == 1 else None

    def _markup(self, citing: Record, reference: Reference) -> Resolution:
        if reference.record_id:
            if reference.record_id == citing.id:
                return Resolution(None, None, 0.0, "unresolved")
            if reference.record_id in self.keys:
                return Resolution(reference.record_id, None, 1.0, "markup")
            volume, _, number = reference.record_id.rpartition("-d")
            placeholder = Placeholder(
                id=f"ref/document/{volume}/{number}",
                kind="document",
                label=f"{volume}, Document {number}",
                numbers=[number],
            )
            return Resolution(None, placeholder, 0.0, "placeholder", 0, number)
        match = _FRUS_TARGET.fullmatch(reference.target or "")
        if match is None:
            if _PAGE_TARGET.fullmatch(reference.target or ""):
                return self._edition(citing, reference)[0]
            return Resolution(None, None, 0.0, "unresolved")
        collection = match["volume"] or citing.collection
        if not collection:
            return Resolution(None, None, 0.0, "unresolved")
        key = self._document(collection, match["num"])
        if key is not None and key.id == citing.id:
            return Resolution(None, None, 0.0, "unresolved")  # a note of its own
        if key is not None:
            return Resolution(key.id, None, 1.0, "markup", 0, match["num"])
        placeholder = Placeholder(
            id=f"ref/document/{collection}/{match['num']}",
            kind="document",
            label=f"{collection}, Document {match['num']}",
            numbers=[match["num"]],
        )
        return Resolution(None, placeholder, 0.0, "placeholder", 0, match["num"])

    def _edition(self, citing: Record, reference: Reference) -> list[Resolution]:
        collection, page = _edition_target(citing, reference)
        results: list[Resolution] = []
        if page is not None and not reference.numbers:
            if collection is None:
                return [Resolution(None, None, 0.0, "unresolved")]
            if collection not in self._collections:
                return [self._result(citing, reference, None, 0, None)]
            # A held volume: the document printed on that page, if only one is.
            key = self._page(collection, page)
            if key is None or key.id == citing.id:
                return [Resolution(None, None, 0.0, "unresolved")]
            return [Resolution(key.id, None, 0.85, "page")]
        for ordinal, number in enumerate(reference.numbers):
            key = self._document(collection, number) if collection else None
            found = (key, 0.95, "document-number") if key and key.id != citing.id else None
            results.append(self._result(citing, reference, number, ordinal, found))
        return results or [Resolution(None, None, 0.0, "unresolved")]

    def _numbered(
        self, citing: Record, reference: Reference, number: str
    ) -> tuple[RecordKey, float, str] | None:
        candidates = self._by_cable.get(normalise_number(number), [])
        if not candidates:
            return None
        window = _window(citing, reference)
        if window is None:
            return None
        sender = party_tokens(reference.sender)
        recipient = party_tokens(reference.recipient)
        citing_parties = _parties(
            [_label(p.name, p.role) for p in [*citing.sender, *citing.to]]
            + [p.name for p in citing.places if p.role in ("dateline", "sent")]
        )
        confidence = 0.9
        matches: list[RecordKey] = []
        for key in candidates:
            if key.id == citing.id or not window.holds(key):
                continue
            key_senders = _parties(key.senders + key.places)
            key_recipients = _parties(key.recipients)
            if sender:
                if not sender & key_senders:
                    continue
            elif recipient:
                if not recipient & key_recipients:
                    continue
            else:
                # No party named: the cable must be between the citer's correspondents
                # and recent ("telegram 1248" in a footnote of the same exchange).
                if not citing_parties & (key_senders | key_recipients):
                    continue
                last_day = _day(key.date_end)
                citing_day = _day(citing.date_start)
                if last_day is None or citing_day is None:
                    continue
                if (citing_day - last_day).days > _RECENT_DAYS:
                    continue
                confidence = 0.75
            matches.append(key)
        chosen = _latest(_prefer_recipient(matches, recipient), citing)
        return (chosen, confidence, "cable-number") if chosen else None

    def _dated(self, citing: Record, reference: Reference) -> tuple[RecordKey, float, str] | None:
        when = _day(reference.date)
        sender = party_tokens(reference.sender)
        if when is None or not sender:
            return None
        allowed = _COMPATIBLE.get(reference.kind, set())
        recipient = party_tokens(reference.recipient)
        # The day itself first; a day either side (sent late, dated on receipt) only
        # when nothing matches on the day.
        for offsets in ((0,), (-1, 1)):
            matches: list[RecordKey] = []
            for offset in offsets:
                for key in self._by_day.get(when + timedelta(days=offset), []):
                    if key.id == citing.id or (key.type and key.type not in allowed):
                        continue
                    if sender & _parties(key.senders + key.places):
                        matches.append(key)
            if matches:
                chosen = _only(_prefer_recipient(matches, recipient), citing)
                return (chosen, 0.8, "dated-paper") if chosen else None
        return None


def _prefer_recipient(matches: list[RecordKey], recipient: frozenset[str]) -> list[RecordKey]:
    """Of several matches, those addressed to the implied recipient, if any are."""
    if len(matches) < 2 or not recipient:
        return matches
    addressed = [key for key in matches if recipient & _parties(key.recipients)]
    return addressed or matches


_CLEAR_LEAD_DAYS = 90


def _latest(matches: list[RecordKey], citing: Record) -> RecordKey | None:
    """Of several cables bearing one number, the latest when the others are clearly older.

    Posts number their cables afresh each year or so: "your 360" in May 1940 is
    the 360 of May 1940, not that of August 1939.
    """
    unique = _only(matches, citing)
    if unique is not None or len(matches) < 2:
        return unique
    dated = sorted(
        ((_day(key.date_end), key) for key in matches if _day(key.date_end) is not None),
        key=lambda pair: pair[0],  # type: ignore[arg-type, return-value]
        reverse=True,
    )
    if len(dated) < 2:
        return None
    (latest_day, latest), (second_day, _second) = dated[0], dated[1]
    assert latest_day is not None and second_day is not None
    if (latest_day - second_day).days > _CLEAR_LEAD_DAYS:
        return latest
    return None


def _only(matches: list[RecordKey], citing: Record) -> RecordKey | None:
    """The one match; of several, only a full text beside catalogue entries of it."""
    unique = list({key.id: key for key in matches}.values())
    if len(unique) > 1:
        unique = [key for key in unique if not key.metadata_only]
    return unique[0] if len(unique) == 1 else None


def _window(citing: Record, reference: Reference) -> _Window | None:
    """Dates a cited cable may bear: the reference's own, else the year before the citer."""
    slack = timedelta(days=_DATE_SLACK_DAYS)
    first, last = _day(reference.date_start), _day(reference.date_end)
    if first is not None and last is not None:
        return _Window(first - slack, last + slack)
    citing_day = _day(citing.date_end) or _day(citing.date_start)
    if citing_day is None:
        return None
    return _Window(citing_day - timedelta(days=_NUMBER_YEAR_DAYS), citing_day + timedelta(days=1))


def _edition_target(citing: Record, reference: Reference) -> tuple[str | None, str | None]:
    """(collection, page) an edition reference names; the citer's volume by default."""
    target = reference.target or ""
    document = _FRUS_TARGET.fullmatch(target)
    if document is not None:
        return document["volume"] or citing.collection, None
    page = _PAGE_TARGET.fullmatch(target)
    if page is not None:
        return page["volume"] or citing.collection, page["page"]
    return citing.collection, None


__all__ = [
    "RecordKey",
    "ReferenceResolver",
    "Resolution",
    "party_slug",
    "party_tokens",
    "placeholder_for",
]
