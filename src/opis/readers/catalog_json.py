"""Catalogue records in JSON: State Department FOIA search results, Bush Library memcons.

Both files are a top-level list of objects, one per document, without the
document's text: every element becomes a metadata-only record.

* ``foia_raw.json``: raw Virtual Reading Room search results (``casenumber``,
  ``pdfLink``, ``subject``, ``docdate``, ``doctype`` codes such as ``TE``...).
* ``memcons.json``: a compiled list of George H. W. Bush Library memoranda and
  telephone conversations (``id``, ``naid``, ``releaseStatus``, ``participants``...).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import PurePosixPath
from typing import Any

from pydantic import ValidationError

from opis.analysis.dates import ParsedDate, from_iso
from opis.analysis.header import classify_type
from opis.model import Citation, Mention, Person, Place, Record, Source
from opis.readers.base import Item, Reader, ReadError, part_source
from opis.readers.text import clean_space, decode, load_json, slugify

FOIA_RIGHTS = "Document: US public domain (US Department of State FOIA release)."
BUSH_RIGHTS = "Document: US public domain (George H. W. Bush Presidential Library)."
FOIA_READING_ROOM = "https://foia.state.gov/searchapp/"

FOIA_KEYS = frozenset({"casenumber", "pdfLink"})
MEMCON_KEYS = frozenset({"naid", "releaseStatus"})

# Virtual Reading Room codes whose meaning is certain; others are kept lower-cased.
FOIA_DOCTYPES = {"TE": "telegram", "ME": "memorandum"}
FOIA_CLASSIFICATIONS = {
    "U": "unclassified",
    "UNCLASS": "unclassified",
    "UNCLASSIFIED": "unclassified",
    "C": "confidential",
    "S": "secret",
    "TS": "top secret",
}
MEMCON_TYPES = {"telcon": "telephone conversation", "memcon": "memorandum of conversation"}
_NOT_A_NAME = frozenset({"", "n/a", "na", "none", "unknown"})
_DOCUMENT_NUMBER = re.compile(r"^C\d{8}$", re.IGNORECASE)
_SHAPE_HEAD = re.compile(rb"^\s*\[\s*\{")


# --- shared -------------------------------------------------------------------


def parse_elements(raw: bytes, source: Source) -> list[Any]:
    text, _encoding = decode(raw, source.filename)
    data = load_json(text)
    if not isinstance(data, list):
        raise ReadError("expected a JSON list of catalogue records", "line 1")
    return data


def date_fields(date: ParsedDate | None) -> dict[str, str | None]:
    return {
        "date": date.edtf if date else None,
        "date_precision": date.precision if date else None,
        "date_start": date.start if date else None,
        "date_end": date.end if date else None,
    }


def day_of(value: Any) -> ParsedDate | None:
    """ "1986-11-13T00:00:00" -> 1986-11-13: midnight is the API's placeholder, not a time."""
    if not isinstance(value, str) or not value.strip():
        return None
    day = value.strip()[:10]
    return None if day.startswith("0001") else from_iso(day)


def text_of(value: Any) -> str:
    return clean_space(value) if isinstance(value, str) else ""


def read_catalog(raw: bytes, source: Source) -> Iterator[Item]:
    for index, element in enumerate(parse_elements(raw, source), start=1):
        where = f"element {index}"
        if not isinstance(element, dict):
            raise ReadError("a catalogue record must be a JSON object", where)
        try:
            if element.keys() >= FOIA_KEYS:
                yield foia_record(element, part_source(source, where))
            elif element.keys() >= MEMCON_KEYS and "id" in element:
                yield memcon_record(element, part_source(source, where))
            else:
                raise ReadError("neither a FOIA search result nor a memcon record", where)
        except ValidationError as exc:
            raise ReadError(f"unusable record: {exc.errors()[0]['msg']}", where) from exc


# --- State Department FOIA search results --------------------------------------


def person_from(value: Any) -> list[Person]:
    """ "EUR:Thomas, Charles H" -> "Thomas, Charles H" (role "EUR"); "STOCKHOLM" (a post) as is."""
    text = text_of(value)
    if text.lower() in _NOT_A_NAME:
        return []
    office, _, name = text.rpartition(":")
    return [Person(name=name.strip() or text, role=office.strip() or None)]


def foia_type(code: str) -> str | None:
    if not code:
        return None
    return FOIA_DOCTYPES.get(code.upper()) or classify_type(code) or code.lower()


def foia_classification(code: str) -> str | None:
    return FOIA_CLASSIFICATIONS.get(code.upper(), code.lower()) if code else None


_FOIA_EXTRA = (
    "casenumber",
    "casesubject",
    "releasedecision",
    "documentclass",
    "messagenumber",
    "numpages",
    "posteddate",
    "releasedate",
    "classificationdesc",
    "doctype",
    "classification",
)


def foia_record(element: dict[str, Any], source: Source) -> Record:
    # Some links use Windows separators: "DOCUMENTS\\StateChile3\\00006E3E.pdf".
    link = text_of(element.get("pdfLink")).replace("\\", "/")
    stem = PurePosixPath(link).stem
    if not stem:
        raise ReadError("FOIA record without a pdfLink", source.part)
    key = foia_key(link)
    doctype = text_of(element.get("doctype"))
    extra = {key: element[key] for key in _FOIA_EXTRA if element.get(key) not in (None, "")}
    extra["pdf_link"] = link
    return Record(
        id="foia-" + slugify(key),
        title=text_of(element.get("subject")) or stem,
        type=foia_type(doctype),
        number=_message_number(element.get("messagenumber")),
        **date_fields(day_of(element.get("docdate"))),
        sender=person_from(element.get("from")),
        to=person_from(element.get("to")),
        classification=foia_classification(text_of(element.get("classification"))),
        languages=["en"],
        rights=FOIA_RIGHTS,
        source_record_id=stem,
        source_url=FOIA_READING_ROOM + link.lstrip("/") if link else None,
        metadata_only=True,
        extra=extra,
        source=source,
    )


def foia_key(link: str) -> str:
    """ "C05426367" (the release's document number) or, for the older collections whose
    file names are only unique within a folder, "wallenberg-1f83"."""
    path = PurePosixPath(link)
    if _DOCUMENT_NUMBER.match(path.stem):
        return path.stem
    return f"{path.parent.name}-{path.stem}" if path.parent.name else path.stem


def _message_number(value: Any) -> str | None:
    text = text_of(value)
    return None if text.lower() in _NOT_A_NAME or text.upper() == "DRAFT" else text


# --- Bush Library memcons -------------------------------------------------------

# Fields mapped onto the record; everything else goes to ``extra`` as given.
_MEMCON_MAPPED = frozenset(
    {
        "id",
        "title",
        "date",
        "type",
        "participants",
        "countries",
        "sourceNote",
        "source",
        "localIdentifier",
        "pageCount",
        "catalogUrl",
    }
)


def memcon_type(value: str) -> str | None:
    if not value:
        return None
    return MEMCON_TYPES.get(value.lower()) or classify_type(value) or value.lower()


def memcon_citation(element: dict[str, Any]) -> Citation | None:
    note = text_of(element.get("sourceNote"))
    if not note:
        return None
    source = element.get("source") if isinstance(element.get("source"), dict) else {}
    assert isinstance(source, dict)
    return Citation(
        text=note,
        family="us-presidential-library",
        repository="George Bush Presidential Library",
        collection=text_of(source.get("name")) or None,
        series=text_of(source.get("series")) or None,
        file=text_of(element.get("localIdentifier")) or None,
    )


def memcon_record(element: dict[str, Any], source: Source) -> Record:
    key = text_of(element.get("id"))
    if not key:
        raise ReadError("memcon record without an id", source.part)
    participants = [text_of(p) for p in element.get("participants") or [] if text_of(p)]
    countries = [text_of(c) for c in element.get("countries") or [] if text_of(c)]
    extra = {
        k: v for k, v in element.items() if k not in _MEMCON_MAPPED and v not in (None, "", [])
    }
    extra["participants"] = participants
    if element.get("pageCount") is not None:
        extra["page_count"] = element["pageCount"]
    if isinstance(element.get("source"), dict):
        extra["catalog_source"] = element["source"]
    return Record(
        id="bush41-" + slugify(key),
        title=text_of(element.get("title")) or key,
        type=memcon_type(text_of(element.get("type"))),
        **date_fields(day_of(element.get("date"))),
        places=[Place(name=country, role="subject") for country in countries],
        languages=["en"],
        citation=memcon_citation(element),
        mentions=[Mention(text=name, type="person") for name in participants],
        rights=BUSH_RIGHTS,
        source_record_id=key,
        source_url=text_of(element.get("catalogUrl")) or None,
        metadata_only=True,
        extra=extra,
        source=source,
    )


def detect(filename: str, head: bytes) -> bool:
    if not filename.lower().endswith(".json") or not _SHAPE_HEAD.match(head):
        return False
    foia = b'"casenumber"' in head and b'"pdfLink"' in head
    memcons = b'"naid"' in head and b'"releaseStatus"' in head
    return foia or memcons


READERS: list[Reader] = [
    Reader(
        format="catalog-json",
        description="JSON catalogue records: State FOIA search results, Bush Library memcons",
        detect=detect,
        read=read_catalog,
        media_type="application/json",
    )
]
