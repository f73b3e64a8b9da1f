"""What a record contributes to a search index, independent of the engine.

Every backend indexes the same things: the texts (title, header, body), the
name keys for cross-script matching, the keyword fields a query can name, the
date range and the facet values. Texts are returned with ё folded to е.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from opis.model import Citation, Person, Record
from opis.search.names import fold_yo, text_name_keys


@dataclass(frozen=True)
class IndexFields:
    id: str
    title: str
    display_title: str
    header: str
    """Senders, recipients, signers, places, type and number: weighs more than body."""
    body: str
    """Body, summary and annotations as indexed (ё folded); snippets come from it."""
    display_body: str
    """The same text with ё kept: same length as ``body``, character for character."""
    russian: bool
    """The record's first language is Russian: its body takes the Russian stemmer."""
    names: str
    """Space-separated name keys of the capitalised words in title, header and body."""
    keywords: dict[str, str]
    """Query fields -> text: from, to, person, place, type, archive, fond, lang..."""
    keyword_names: dict[str, str]
    """from/to/person/place -> name keys, so from:Сталин finds "Stalin"."""
    facets: dict[str, list[str]]
    date_start: datetime | None
    date_end: datetime | None
    display_date: str | None
    type: str | None


def _people(people: list[Person]) -> str:
    return "; ".join(f"{p.name}, {p.role}" if p.role else p.name for p in people)


def parse_iso(value: str | None, *, end: bool = False) -> datetime | None:
    """ISO date or datetime -> UTC datetime; a bare date's end is 23:59:59."""
    if not value:
        return None
    text = value.strip().rstrip("Z")
    try:
        if len(text) == 4:
            moment = datetime(int(text), 12 if end else 1, 31 if end else 1)
        elif len(text) == 7:
            year, month = int(text[:4]), int(text[5:7])
            if end:
                nxt = datetime(year + month // 12, month % 12 + 1, 1)
                moment = datetime.fromordinal(nxt.toordinal() - 1)
            else:
                moment = datetime(year, month, 1)
        else:
            moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if end and len(text) <= 10:
        moment = moment.replace(hour=23, minute=59, second=59)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def _title_case(value: str) -> str:
    return " ".join(word.capitalize() for word in value.split())


AUTHORITY_ORIGIN = "authority"
"""``Mention.origin`` of names the index sync adds from linked authority records."""


def fond_label(citation: Citation) -> str | None:
    """The fond-level unit a document is filed in, with its repository: "RGASPI f. 558",
    "NAA A1838" (a series): what an archivist browses by."""
    unit = f"f. {citation.fond}" if citation.fond else citation.series
    if not unit:
        return None
    return f"{citation.repository} {unit}" if citation.repository else unit


def index_fields(record: Record) -> IndexFields:
    senders, recipients = record.sender, record.to
    persons = [*senders, *recipients, *record.signers]
    mentioned = [m.text for m in record.mentions if m.type == "person"]
    places = [p.name for p in record.places]
    mentioned_places = [m.text for m in record.mentions if m.type == "place"]
    # Names of the authorities the record is linked to, in all their variants
    # (added by the index sync): a query for any variant finds the record.
    authority_names = [m.text for m in record.mentions if m.origin == AUTHORITY_ORIGIN]
    citation = record.citation
    repository = citation.repository if citation else None
    fond = citation.fond if citation else None
    fond_unit = fond_label(citation) if citation else None
    header = " \n".join(
        part
        for part in (
            _people(senders),
            _people(recipients),
            _people(record.signers),
            "; ".join(places),
            record.type or "",
            record.number or "",
        )
        if part
    )
    extra = [record.summary or "", *(a.text for a in record.annotations)]
    display_body = "\n\n".join(part for part in (record.body, *extra) if part)
    body = fold_yo(display_body)
    person_text = "; ".join(
        [_people(persons), *mentioned, *(a.hand or "" for a in record.annotations)]
    )
    keywords = {
        "from": _people(senders),
        "to": _people(recipients),
        "person": person_text,
        "place": "; ".join([*places, *mentioned_places]),
        "type": record.type or "",
        "archive": repository or "",
        # The fond number alone (fond:558) and the unit with its repository, which
        # for NAA is the series (fond:"NAA A1838", fond:A1838).
        "fond": "; ".join(part for part in (fond, fond_unit) if part),
        "lang": " ".join(record.languages),
        "classification": record.classification or "",
        "collection": record.collection or "",
    }
    keyword_names = {
        name: text_name_keys(keywords[name]) for name in ("from", "to", "person", "place")
    }
    start = parse_iso(record.date_start or record.date)
    end = parse_iso(record.date_end or record.date_start or record.date, end=True)
    if start is not None and (end is None or end < start):
        end = start
    facets: dict[str, list[str]] = {
        "type": [record.type] if record.type else [],
        "from": [p.name for p in senders],
        "to": [p.name for p in recipients],
        "place": places,
        "archive": [repository] if repository else [],
        "fond": [fond_unit] if fond_unit else [],
        "collection": [record.collection] if record.collection else [],
        "lang": list(record.languages),
        "classification": [_title_case(record.classification)] if record.classification else [],
        "year": [str(start.year)] if start else [],
        "decade": [f"{start.year // 10 * 10}s"] if start else [],
    }
    title = fold_yo(record.title)
    return IndexFields(
        id=record.id,
        title=title,
        display_title=record.title,
        header=fold_yo(header),
        body=body,
        display_body=display_body,
        russian=bool(record.languages) and record.languages[0] == "ru",
        names=text_name_keys("\n".join([record.title, header, display_body, *authority_names])),
        keywords={k: fold_yo(v) for k, v in keywords.items()},
        keyword_names=keyword_names,
        facets={k: [v for v in dict.fromkeys(vs) if v] for k, vs in facets.items()},
        date_start=start,
        date_end=end,
        display_date=record.date or record.date_start,
        type=record.type,
    )
