"""What the web layer asks of opis: one object over the store, the citations and search.

Routes call these methods and render what they return; the archive logic lives
in ``opis.store``, ``opis.export.citations`` and ``opis.search``.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import mimetypes
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar, cast

from markupsafe import Markup

from opis.archive import Archive
from opis.export import citations, overview, results
from opis.model import Collection, Record
from opis.store.base import StoredRecord
from opis.web.cursor import Cursor, decode, encode

if TYPE_CHECKING:
    from opis.search import SearchBackend, SearchResult

T = TypeVar("T")

MAX_LIMIT = 500
CURSOR_WINDOW = 50
"""How far (in hits) a cursor's last hit is looked for when the index changed."""
CACHE_SIZE = 2048
"""Search answers kept per process (a few KB each)."""
# tantivy allocates room for offset + limit hits: a huge offset aborts the process.
MAX_OFFSET = 25_000


class NotFound(LookupError):
    pass


class BadRequest(ValueError):
    pass


@dataclass(frozen=True)
class DocumentPage:
    items: list[dict[str, Any]]
    next_cursor: str | None


@dataclass(frozen=True)
class SearchPage:
    result: SearchResult
    next_cursor: str | None


@dataclass(frozen=True)
class SourceFile:
    content: bytes
    media_type: str
    filename: str


class Library:
    def __init__(self, archive: Archive, *, search_enabled: bool = True) -> None:
        self.archive = archive
        self.store = archive.store
        self._search_enabled = search_enabled
        self._backend: SearchBackend | None = None
        self._search_lock = threading.Lock()
        self._cache = AnswerCache(CACHE_SIZE)

    # -- documents -----------------------------------------------------------

    def document(self, record_id: str) -> StoredRecord:
        stored = self.store.get(record_id)
        if stored is None:
            raise NotFound(f"no document with id {record_id!r}")
        return stored

    def collection_of(self, record: Record) -> Collection | None:
        return self.store.get_collection(record.collection) if record.collection else None

    def collection(self, collection_id: str) -> Collection:
        found = self.store.get_collection(collection_id)
        if found is None:
            raise NotFound(f"no collection with id {collection_id!r}")
        return found

    def collections(self) -> list[tuple[Collection, int]]:
        counts = self.store.stats().by_collection
        return [(c, counts.get(c.id, 0)) for c in self.store.iter_collections()]

    def count(self) -> int:
        return self.store.count()

    def source(self, record: Record) -> SourceFile:
        content = self.store.get_source(record.source.sha256)
        if content is None:
            raise NotFound(f"the source bytes of {record.id!r} are not stored")
        guessed, _ = mimetypes.guess_type(record.source.filename)
        media_type = record.source.media_type or guessed or "application/octet-stream"
        return SourceFile(content, media_type, record.source.filename)

    def list_documents(
        self, *, limit: int, cursor: str | None = None, collection: str | None = None
    ) -> DocumentPage:
        if not 1 <= limit <= MAX_LIMIT:
            raise BadRequest(f"limit must be between 1 and {MAX_LIMIT}")
        offset = 0
        rows: list[dict[str, Any]] | None = None
        if cursor:
            try:
                position = decode(cursor)
            except ValueError as exc:
                raise BadRequest(str(exc)) from exc
            if position.collection != collection:
                raise BadRequest("the cursor belongs to another listing (collection differs)")
            offset = position.offset
            # The page starts after the cursor's last id even if records were added
            # or removed before it since: check the row before the offset.
            rows = self.store.list_records(
                limit=limit + 2, offset=max(offset - 1, 0), collection=collection
            )
            if offset > 0 and rows and rows[0]["id"] == position.last_id:
                rows = rows[1:]
            else:
                offset = self._rank_after(position.last_id, collection)
                rows = None
        if rows is None:
            rows = self.store.list_records(limit=limit + 1, offset=offset, collection=collection)
        more = len(rows) > limit
        rows = rows[:limit]
        next_cursor = (
            encode(Cursor(offset + limit, rows[-1]["id"], collection)) if more and rows else None
        )
        return DocumentPage(rows, next_cursor)

    def _rank_after(self, last_id: str, collection: str | None) -> int:
        """How many listed ids sort at or before ``last_id`` (the next page's offset)."""
        if collection is None:
            ids = self.store.ids()
        else:
            rows = self.store.list_records(limit=2**31 - 1, collection=collection)
            ids = [str(row["id"]) for row in rows]
        return bisect.bisect_right(ids, last_id)

    # -- citations -----------------------------------------------------------

    def citation(self, record: Record, fmt: str, *, url: str | None = None) -> str:
        if fmt not in citations.FORMATS:
            raise BadRequest(
                f"unknown citation format {fmt!r}; known: {', '.join(citations.FORMATS)}"
            )
        return citations.cite(record, fmt, self.collection_of(record), url=url)

    def citations(self, record: Record, *, url: str | None = None) -> dict[str, Markup]:
        """Every format as HTML for the "cite this" block.

        ``citations.render(as_html=True)`` escapes all text and adds only ``<i>``.
        """
        item = citations.to_csl(record, self.collection_of(record), url=url)
        return {fmt: Markup(citations.render(item, fmt, as_html=True)) for fmt in citations.FORMATS}

    # -- search --------------------------------------------------------------

    def search_backend(self) -> SearchBackend | None:
        """The search index, opened and brought in step with the store on first use."""
        if not self._search_enabled:
            return None
        with self._search_lock:
            if self._backend is None:
                self._backend = self.archive.search_index()
            return self._backend

    def index_generation(self) -> int | None:
        """The search index's generation (see ``SearchBackend.generation``), or None."""
        backend = self.search_backend()
        return None if backend is None else backend.generation()

    def search(
        self,
        query: str,
        *,
        facets: Sequence[str] = (),
        filters: Mapping[str, Sequence[str]] | None = None,
        sort: str = "relevance",
        limit: int = 20,
        offset: int = 0,
    ) -> SearchResult | None:
        """One page of hits (and facet counts), answered from the cache when the
        same request was seen since the index last changed."""
        if not 0 <= offset <= MAX_OFFSET:
            raise BadRequest(f"offset must be between 0 and {MAX_OFFSET}")
        backend = self.search_backend()
        if backend is None:
            return None
        from opis.search import search

        key = ("search", query, tuple(facets), _frozen(filters), sort, limit, offset)
        return self._cached(
            backend,
            key,
            lambda: search(
                backend,
                query,
                facets=facets,
                filters=filters,
                sort=sort,
                limit=limit,
                offset=offset,
            ),
        )

    def search_page(
        self,
        query: str,
        *,
        facets: Sequence[str] = (),
        sort: str = "relevance",
        limit: int = 20,
        offset: int = 0,
        cursor: str | None = None,
    ) -> SearchPage | None:
        """One page of hits and the cursor of the next (None on the last page).

        A cursor carries the id of the last hit served: when the index changed since
        (records added, deleted or re-ranked before it), the page starts right after
        that hit wherever it now stands, so paging neither repeats nor skips hits
        near the cut.
        """
        fingerprint = _fingerprint(query, sort)
        start, last_id = offset, None
        if cursor is not None:
            if offset:
                raise BadRequest("give a cursor or an offset, not both")
            try:
                position = decode(cursor)
            except ValueError as exc:
                raise BadRequest(str(exc)) from exc
            if position.query != fingerprint or position.offset < 1:
                raise BadRequest("the cursor belongs to another search (q or sort differ)")
            start, last_id = position.offset, position.last_id
        if last_id is None:
            result = self.search(query, facets=facets, sort=sort, limit=limit, offset=start)
            if result is None:
                return None
        else:
            found = self._after(query, facets, sort, limit, start, last_id)
            if found is None:
                return None
            start, result = found
        end = start + len(result.hits)
        more = bool(result.hits) and end < result.total
        next_cursor = encode(Cursor(end, result.hits[-1].id, query=fingerprint)) if more else None
        return SearchPage(result, next_cursor)

    def _after(
        self, query: str, facets: Sequence[str], sort: str, limit: int, start: int, last_id: str
    ) -> tuple[int, SearchResult] | None:
        """(offset, page) of the ``limit`` hits after ``last_id``, expected at ``start - 1``."""
        from opis.search import SearchResult

        result = self.search(query, facets=facets, sort=sort, limit=limit + 1, offset=start - 1)
        if result is None:
            return None
        if not (result.hits and result.hits[0].id == last_id):
            # The index changed: look for the last hit served near where it was.
            low = max(0, start - 1 - CURSOR_WINDOW)
            window = self.search(query, sort=sort, limit=2 * CURSOR_WINDOW + limit, offset=low)
            ids = [hit.id for hit in window.hits] if window is not None else []
            if window is not None and last_id in ids:
                at = ids.index(last_id) + 1
                return low + at, SearchResult(
                    result.total, window.hits[at : at + limit], result.facets
                )
            # It is gone: the page goes on from the same place.
        return start, SearchResult(result.total, result.hits[1:], result.facets)

    def timeline(
        self,
        query: str,
        *,
        filters: Mapping[str, Sequence[str]] | None = None,
        by: str = "year",
    ) -> overview.Timeline | None:
        backend = self.search_backend()
        if backend is None:
            return None
        key = ("timeline", query, _frozen(filters), by)
        return self._cached(
            backend, key, lambda: overview.result_timeline(backend, query, filters, by=by)
        )

    def network(
        self,
        query: str,
        *,
        filters: Mapping[str, Sequence[str]] | None = None,
        top: int = overview.NETWORK_TOP,
    ) -> overview.Network | None:
        backend = self.search_backend()
        if backend is None:
            return None
        key = ("network", query, _frozen(filters), top)
        return self._cached(
            backend, key, lambda: overview.result_network(backend, query, filters, top=top)
        )

    def export(
        self,
        query: str,
        fmt: str,
        *,
        filters: Mapping[str, Sequence[str]] | None = None,
        url_for: results.UrlFor = lambda _: None,
    ) -> Iterator[str]:
        """The export as text chunks; a bad format or query raises here, not mid-stream."""
        try:
            results.export_format(fmt)
            backend = self.search_backend() if query.strip() or filters else None
            if (query.strip() or filters) and backend is None:
                raise BadRequest("search is not available, so only a full export (no q) works")
            records = results.primed(results.result_records(self.store, backend, query, filters))
        except _SEARCH_ERRORS as exc:
            raise BadRequest(str(exc)) from exc
        return results.iter_export(
            records, fmt, collection_of=results.CollectionCache(self.store), url_for=url_for
        )

    def _cached(
        self, backend: SearchBackend, key: tuple[Hashable, ...], compute: Callable[[], T]
    ) -> T:
        # The index generation (its meta file's stamp) is part of the key: a commit by
        # an ingest or a deletion makes every older answer unreachable.
        generation = backend.generation()
        full_key = (generation, *key)
        found = self._cache.get(full_key)
        if found is not None:
            return cast(T, found)
        try:
            answer = compute()
        except _SEARCH_ERRORS as exc:
            raise BadRequest(str(exc)) from exc
        self._cache.put(full_key, answer)
        return answer

    def close(self) -> None:
        if self._backend is not None:
            close = getattr(self._backend, "close", None)
            if callable(close):
                close()
        self.archive.close()


def _fingerprint(query: str, sort: str) -> str:
    """A short fixed-length mark of a search, so a cursor is not used for another."""
    digest = hashlib.sha256(json.dumps([query, sort]).encode("utf-8")).hexdigest()
    return digest[:16]


def _frozen(filters: Mapping[str, Sequence[str]] | None) -> tuple[tuple[str, tuple[str, ...]], ...]:
    return tuple(sorted((name, tuple(values)) for name, values in (filters or {}).items()))


def _search_errors() -> tuple[type[Exception], ...]:
    from opis.search import QuerySyntaxError, SearchError

    return (QuerySyntaxError, SearchError, results.ExportError, overview.OverviewError)


_SEARCH_ERRORS = _search_errors()


class AnswerCache:
    """A thread-safe LRU of computed answers (immutable results only)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[Hashable, object] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> object | None:
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def put(self, key: Hashable, value: object) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)
