"""Wilson Center Digital Archive API responses: collections and transcripts.

* A collection object (``id``, ``name``, ``description`` HTML, ``slug``, timestamps)
  becomes a ``Collection``.
* A transcript object (``id``, ``asset_id``, ``html``/``raw`` Word-exported HTML)
  becomes a ``Record`` whose body is the transcript's text. The API gives nothing
  about the document but the text, so title, type and date come from the text's own
  heading lines when it has them and stay empty otherwise.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from opis.analysis.annotations import extract_annotations
from opis.analysis.dates import ParsedDate, find_dates, record_date_fields
from opis.analysis.header import classify_type
from opis.analysis.language import guess_language
from opis.model import Collection, Person, Record, Source
from opis.readers.base import Item, Reader, ReadError
from opis.readers.text import decode, load_json
from opis.readers.webpage import html_paragraphs

_COLLECTION_KEYS = (b'"slug"', b'"short_description"', b'"first_published_at"')
_TRANSCRIPT_KEYS = (b'"asset_id"', b'"content_type"')
_TRANSCRIPT_URL = re.compile(rb'"url"\s*:\s*"/transcripts/')

_HREF = re.compile(r"""href=["']([^"']+)["']""")
_METADATA_KEYS = (
    "slug",
    "value",
    "short_description",
    "is_inactive",
    "source_created_at",
    "source_updated_at",
    "first_published_at",
    "main_src",
    "thumb_src",
)
_TRANSCRIPT_EXTRA_KEYS = (
    "filename",
    "content_type",
    "extension",
    "asset_id",
    "url",
    "source_created_at",
    "source_updated_at",
)

# A heading line: short, no sentence end. "ЗАПИСЬ БЕСЕДЫ", "посла СССР ... с Мао Цзэдуном".
_MAX_HEADING = 200
_MAX_HEADING_LINES = 4
_SENTENCE_END = re.compile(r"(?<![\s\d]г)[.!?;…]\s*$")  # "1950 г." is a year, not an end
# A signature: initials and a surname ("Н. Рощин", "A. Gromyko").
_SIGNATURE_NAME = re.compile(r"^(?:[A-ZА-ЯЁ]\.\s*){1,2}[A-ZА-ЯЁ][a-zа-яё'’-]+\.?$")
_MAX_SIGNATURE_ROLE = 120


def detect(filename: str, head: bytes) -> bool:
    if not filename.lower().endswith(".json"):
        return False
    if all(key in head for key in _COLLECTION_KEYS):
        return True
    return all(key in head for key in _TRANSCRIPT_KEYS) and bool(_TRANSCRIPT_URL.search(head))


def read(raw: bytes, source: Source) -> Iterator[Item]:
    text, encoding = decode(raw, source.filename)
    source = source.model_copy(update={"encoding": encoding})
    data = load_json(text)
    if not isinstance(data, dict):
        raise ReadError("expected a JSON object from the Digital Archive API", "line 1, column 1")
    if "asset_id" in data or ("html" in data and "content_type" in data):
        yield transcript_record(data, source)
    elif "slug" in data and "name" in data:
        yield collection(data, source)
    else:
        raise ReadError("neither a Digital Archive collection nor a transcript", "line 1, column 1")


def _required_id(data: dict[str, Any]) -> str:
    value = data.get("id")
    if not isinstance(value, str | int) or str(value).strip() == "":
        raise ReadError("the object has no id", "key 'id'")
    return str(value).strip()


def collection(data: dict[str, Any], source: Source) -> Collection:
    collection_id = _required_id(data)
    name = data.get("name") or data.get("value")
    if not isinstance(name, str) or not name.strip():
        raise ReadError("the collection has no name", "key 'name'")
    description_html = data.get("description")
    description = None
    if isinstance(description_html, str) and description_html.strip():
        description = "\n\n".join(html_paragraphs(description_html)) or None
    metadata = {key: data[key] for key in _METADATA_KEYS if data.get(key) not in (None, "")}
    if isinstance(description_html, str):
        links = _HREF.findall(description_html)
        if links:
            metadata["links"] = links
    metadata["source_id"] = collection_id
    return Collection(
        id=f"wilson-collection-{collection_id}",
        title=name.strip(),
        kind="wilson-collection",
        description=description,
        metadata=metadata,
        source=source,
    )


def transcript_record(data: dict[str, Any], source: Source) -> Record:
    transcript_id = _required_id(data)
    markup = data.get("html") or data.get("raw")
    if not isinstance(markup, str) or not markup.strip():
        raise ReadError("the transcript has no html or raw text", "key 'html'")
    paragraphs = html_paragraphs(markup)
    heading = _heading(paragraphs)
    date = _stated_date(heading or paragraphs[:1])
    body, annotations = extract_annotations("\n\n".join(paragraphs))
    language = guess_language(body)
    extra = {key: data[key] for key in _TRANSCRIPT_EXTRA_KEYS if data.get(key) not in (None, "")}
    return Record(
        id=f"wilson-transcript-{transcript_id}",
        title=" ".join(heading) if heading else f"Transcript {transcript_id}",
        type=classify_type(" ".join(heading)) if heading else None,
        **record_date_fields(date),
        signers=_signers(paragraphs),
        languages=[language] if language else [],
        body=body,
        annotations=annotations,
        source_record_id=transcript_id,
        extra=extra,
        source=source,
    )


def _heading(paragraphs: list[str]) -> list[str]:
    """The document's own heading lines: leading short lines without a sentence end,
    the first of them naming a document type or set in capitals ("ЗАПИСЬ БЕСЕДЫ")."""
    if not paragraphs:
        return []
    first = paragraphs[0]
    if len(first) > _MAX_HEADING or _SENTENCE_END.search(first):
        return []
    if classify_type(first) is None and not (first.isupper() and len(first) > 3):
        return []
    heading = [first]
    for paragraph in paragraphs[1:_MAX_HEADING_LINES]:
        if len(paragraph) > _MAX_HEADING or _SENTENCE_END.search(paragraph):
            break
        heading.append(paragraph)
    return heading


def _stated_date(lines: list[str]) -> ParsedDate | None:
    """The first date in the heading (or, without one, the opening paragraph).

    Years mentioned further into the text ("the first half of 1950") are about
    something else, so the rest of the body is not searched.
    """
    for line in lines:
        dates = find_dates(line)
        if dates:
            return dates[0]
    return None


def _signers(paragraphs: list[str]) -> list[Person]:
    """The signature block closing the text: "Посол СССР в Китае" / "Н. Рощин"."""
    if len(paragraphs) < 2 or not _SIGNATURE_NAME.match(paragraphs[-1]):
        return []
    role = paragraphs[-2]
    if len(role) > _MAX_SIGNATURE_ROLE or _SENTENCE_END.search(role):
        return [Person(name=paragraphs[-1].rstrip("."))]
    return [Person(name=paragraphs[-1].rstrip("."), role=role)]


READERS: list[Reader] = [
    Reader(
        format="wilson-json",
        description="Wilson Center Digital Archive API response (collection or transcript)",
        detect=detect,
        read=read,
        media_type="application/json",
    ),
]
