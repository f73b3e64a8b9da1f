"""Export a search result (or the whole archive): JSON Lines, CSV, or citations.

Everything streams: the matching ids are read from one index snapshot a page
at a time and each record is loaded only when its line is written, so memory
stays flat whatever the size of the result.

    records = result_records(store, backend, 'Stalin date:1947')
    for chunk in iter_export(records, "csv", collection_of=..., url_for=...):
        out.write(chunk)
"""

from __future__ import annotations

import csv
import io
import itertools
import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TextIO

from opis.export import citations
from opis.model import Collection, Person, Record
from opis.store.base import StoredRecord

if TYPE_CHECKING:
    from opis.search import SearchBackend
    from opis.store.sql import SqlStore

ID_PAGE = 500
"""Ids read from the index per step."""

CITATION_ALIASES = {"chicago": "chicago-bibliography"}
"""A whole result set cited "in Chicago" is a bibliography."""

DATA_FORMATS = ("jsonl", "csv")
EXPORT_FORMATS: tuple[str, ...] = (*DATA_FORMATS, "chicago", *citations.FORMATS)

MEDIA_TYPES: dict[str, str] = {
    "jsonl": "application/x-ndjson",
    "csv": "text/csv",
    **citations.MEDIA_TYPES,
}
FILE_EXTENSIONS: dict[str, str] = {"jsonl": "jsonl", "csv": "csv", **citations.FILE_EXTENSIONS}

CSV_COLUMNS = (
    "id",
    "title",
    "date",
    "date_start",
    "date_end",
    "type",
    "from",
    "to",
    "places",
    "collection",
    "collection_title",
    "repository",
    "archival_citation",
    "citation",
    "translators",
    "languages",
    "summary",
    "rights",
    "url",
    "source_url",
)
"""What a historian's spreadsheet wants: who, when, where it is kept, how to cite it."""

# A cell starting with one of these is a formula in a spreadsheet: documents are
# untrusted, so such cells get a leading apostrophe (OWASP "CSV injection").
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

UrlFor = Callable[[str], str | None]
CollectionOf = Callable[[Record], Collection | None]


class ExportError(ValueError):
    """An export that cannot be made (an unknown format)."""


def export_format(fmt: str) -> str:
    """``fmt`` checked and resolved (``chicago`` is the Chicago bibliography)."""
    if fmt not in EXPORT_FORMATS:
        raise ExportError(f"unknown export format {fmt!r}; known: {', '.join(EXPORT_FORMATS)}")
    return CITATION_ALIASES.get(fmt, fmt)


# -- which records ------------------------------------------------------------


def result_ids(
    backend: SearchBackend,
    query: str,
    filters: Mapping[str, Sequence[str]] | None = None,
    *,
    page: int = ID_PAGE,
) -> Iterator[str]:
    """Ids of every record matching ``query``, best first, from one index snapshot.

    Raises ``QuerySyntaxError`` / ``SearchError`` before yielding anything when
    the query is bad. The tantivy backend is paged from a single searcher, so a
    commit during the export neither repeats nor skips a hit; another backend is
    paged through its ``search``.
    """
    if hasattr(backend, "_filtered") and hasattr(backend, "_searcher"):
        yield from _tantivy_ids(backend, query, filters or {}, page)
        return
    offset = 0
    while True:
        result = backend.search(query, filters=filters or {}, limit=page, offset=offset)
        yield from (hit.id for hit in result.hits)
        offset += len(result.hits)
        if not result.hits or offset >= result.total:
            return


def _tantivy_ids(
    backend: Any, query: str, filters: Mapping[str, Sequence[str]], page: int
) -> Iterator[str]:
    searcher, compiled = tantivy_query(backend, query, filters)
    return _pages(searcher, compiled, page)


def tantivy_query(
    backend: SearchBackend, query: str, filters: Mapping[str, Sequence[str]]
) -> tuple[Any, Any]:
    """A tantivy searcher snapshot and ``query`` compiled with its facet filters.

    An empty query matches everything. Uses the tantivy backend's compiler, as
    ``TantivyBackend.search`` does; other backends are refused with ``ExportError``.
    """
    if not (hasattr(backend, "_filtered") and hasattr(backend, "_searcher")):
        raise ExportError("this search backend cannot be read page by page")
    import tantivy

    from opis.search import FACET_FIELDS, SearchError
    from opis.search.query import parse
    from opis.search.tantivy_query import Compiler

    for name in filters:
        if name not in FACET_FIELDS:
            raise SearchError(f"unknown facet '{name}' (use one of: {', '.join(FACET_FIELDS)})")
    b: Any = backend
    if query.strip():
        compiled = Compiler(b.schema, b.analyze).compile(parse(query))
    else:
        compiled = tantivy.Query.all_query()
    return b._searcher(), b._filtered(compiled, filters)


def _pages(searcher: Any, query: Any, page: int) -> Iterator[str]:
    offset = 0
    while True:
        result = searcher.search(query, page, count=False, offset=offset)
        for _, address in result.hits:
            yield str(searcher.doc(address).get_first("id"))
        if len(result.hits) < page:
            return
        offset += page


def result_records(
    store: SqlStore,
    backend: SearchBackend | None,
    query: str = "",
    filters: Mapping[str, Sequence[str]] | None = None,
) -> Iterator[StoredRecord]:
    """The records a query matches (every record, in id order, for an empty query).

    A hit whose record was deleted since the index was read is skipped.
    """
    if not query.strip() and not filters:
        yield from store.iter_records()
        return
    if backend is None:
        raise ExportError("search is not available, so only a full export (no query) works")
    for record_id in result_ids(backend, query, filters):
        stored = store.get(record_id)
        if stored is not None:
            yield stored


def primed(items: Iterator[StoredRecord]) -> Iterator[StoredRecord]:
    """``items`` with its first element already read: a bad query fails here, before
    a streamed response has sent its status line."""
    first = next(items, None)
    if first is None:
        return iter(())
    return itertools.chain([first], items)


# -- the formats ----------------------------------------------------------------


def iter_export(
    records: Iterable[StoredRecord],
    fmt: str,
    *,
    collection_of: CollectionOf = lambda _: None,
    url_for: UrlFor = lambda _: None,
) -> Iterator[str]:
    """Text chunks of ``records`` in ``fmt`` (one of ``EXPORT_FORMATS``)."""
    fmt = export_format(fmt)
    if fmt == "jsonl":
        return iter_jsonl(records)
    if fmt == "csv":
        return iter_csv(records, collection_of=collection_of, url_for=url_for)
    return iter_citations(records, fmt, collection_of=collection_of, url_for=url_for)


def iter_jsonl(records: Iterable[StoredRecord]) -> Iterator[str]:
    """One ``Record.to_json()`` per line (what ``opis ingest`` reads back)."""
    for stored in records:
        yield json.dumps(stored.record.to_json(), ensure_ascii=False) + "\n"


def iter_csv(
    records: Iterable[StoredRecord],
    *,
    collection_of: CollectionOf = lambda _: None,
    url_for: UrlFor = lambda _: None,
) -> Iterator[str]:
    """A header line of ``CSV_COLUMNS``, then one row per record (RFC 4180, CRLF)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def take() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow(CSV_COLUMNS)
    yield take()
    for stored in records:
        record = stored.record
        row = csv_row(record, collection_of(record), url_for(record.id))
        writer.writerow([_safe_cell(row[column]) for column in CSV_COLUMNS])
        yield take()


def csv_row(record: Record, collection: Collection | None, url: str | None) -> dict[str, str]:
    """One record as the ``CSV_COLUMNS`` cells; several values are joined by "; "."""
    citation = record.citation
    return {
        "id": record.id,
        "title": record.title,
        "date": record.date or "",
        "date_start": record.date_start or "",
        "date_end": record.date_end or "",
        "type": record.type or "",
        "from": _names(record.sender),
        "to": _names(record.to),
        "places": "; ".join(dict.fromkeys(p.name for p in record.places)),
        "collection": record.collection or "",
        "collection_title": collection.title if collection else "",
        "repository": citation.repository or "" if citation else "",
        "archival_citation": citation.text if citation else "",
        "citation": citations.cite(record, "chicago-note", collection, url=url),
        "translators": "; ".join(c.name for c in record.contributors if c.role == "translator"),
        "languages": "; ".join(record.languages),
        "summary": record.summary or "",
        "rights": "; ".join(t for t in (record.rights, record.attribution) if t),
        "url": url or "",
        "source_url": record.source_url or "",
    }


def _names(people: Sequence[Person]) -> str:
    return "; ".join(p.name for p in people)


def _safe_cell(text: str) -> str:
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def iter_citations(
    records: Iterable[StoredRecord],
    fmt: str,
    *,
    collection_of: CollectionOf = lambda _: None,
    url_for: UrlFor = lambda _: None,
) -> Iterator[str]:
    """Every record cited in ``fmt``: BibTeX/RIS entries, a CSL-JSON array, or text lines.

    Text styles (Chicago, MLA, APA) give one citation per line, in result order.
    """
    fmt = export_format(fmt)
    if fmt not in citations.FORMATS:
        raise ExportError(f"{fmt!r} is not a citation format")
    if fmt == "csl-json":
        yield "["
        first = True
        for stored in records:
            item = citations.to_csl(
                stored.record, collection_of(stored.record), url=url_for(stored.record.id)
            )
            yield ("\n" if first else ",\n") + json.dumps(item, ensure_ascii=False)
            first = False
        yield "\n]\n"
        return
    separator = "\n" if fmt in ("bibtex", "ris") else ""
    for stored in records:
        record = stored.record
        text = citations.cite(record, fmt, collection_of(record), url=url_for(record.id))
        yield text.rstrip("\n") + "\n" + separator


def write_export(
    store: SqlStore,
    backend: SearchBackend | None,
    out: TextIO,
    *,
    query: str = "",
    fmt: str = "jsonl",
    url_for: UrlFor = lambda _: None,
) -> int:
    """Write what ``query`` matches (everything when empty) to ``out``; returns the count.

    A bad format or query raises ``ExportError``/``QuerySyntaxError`` before anything
    is written. ``out`` should be opened with ``newline=""`` (CSV rows end in CRLF).
    """
    export_format(fmt)
    counted = _Counted(primed(result_records(store, backend, query)))
    for chunk in iter_export(counted, fmt, collection_of=CollectionCache(store), url_for=url_for):
        out.write(chunk)
    return counted.count


class _Counted:
    def __init__(self, items: Iterator[StoredRecord]) -> None:
        self.items = items
        self.count = 0

    def __iter__(self) -> Iterator[StoredRecord]:
        for item in self.items:
            self.count += 1
            yield item


class CollectionCache:
    """``collection_of`` for an export: each collection read from the store once."""

    def __init__(self, store: SqlStore) -> None:
        self.store = store
        self._seen: dict[str, Collection | None] = {}

    def __call__(self, record: Record) -> Collection | None:
        if not record.collection:
            return None
        if record.collection not in self._seen:
            self._seen[record.collection] = self.store.get_collection(record.collection)
        return self._seen[record.collection]


__all__ = [
    "CSV_COLUMNS",
    "EXPORT_FORMATS",
    "FILE_EXTENSIONS",
    "MEDIA_TYPES",
    "CollectionCache",
    "ExportError",
    "csv_row",
    "export_format",
    "iter_citations",
    "iter_csv",
    "iter_export",
    "iter_jsonl",
    "primed",
    "result_ids",
    "result_records",
    "tantivy_query",
    "write_export",
]
