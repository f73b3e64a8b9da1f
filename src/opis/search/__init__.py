"""Full-text search over the store: one interface, a tantivy backend, one query language.

backend = open_index(home / "index")
sync(store, backend)            # on start: repairs whatever a crash left behind
result = search(backend, 'Stalin "joint commission" date:1947-09', facets=["type"])
print(result.to_json())
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence

from opis.search.base import (
    FACET_FIELDS,
    SORTS,
    FacetValue,
    Hit,
    SearchBackend,
    SearchError,
    SearchResult,
)
from opis.search.names import add_variants
from opis.search.query import QuerySyntaxError, parse
from opis.search.sync import SyncReport, reindex, sync, update
from opis.search.tantivy_backend import TantivyBackend

__all__ = [
    "FACET_FIELDS",
    "SORTS",
    "FacetValue",
    "Hit",
    "QuerySyntaxError",
    "SearchBackend",
    "SearchError",
    "SearchResult",
    "SyncReport",
    "TantivyBackend",
    "add_variants",
    "open_index",
    "parse",
    "reindex",
    "search",
    "sync",
    "update",
]


def open_index(path: str | os.PathLike[str]) -> SearchBackend:
    """Open (or create) the index kept in directory ``path``."""
    return TantivyBackend(path)


def search(
    backend: SearchBackend,
    query: str,
    *,
    facets: Sequence[str] = (),
    filters: Mapping[str, Sequence[str]] | None = None,
    sort: str = "relevance",
    limit: int = 10,
    offset: int = 0,
) -> SearchResult:
    """The call behind ``opis search`` and the web search page."""
    return backend.search(
        query, facets=facets, filters=filters or {}, sort=sort, limit=limit, offset=offset
    )
