"""The search interface every backend implements (tantivy now, PostgreSQL later).

Backends share one behaviour suite in ``tests/search/test_conformance.py``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from opis.model import Record

FACET_FIELDS = (
    "year", "decade", "type", "from", "to", "place", "archive", "fond", "collection", "lang",
    "classification",
)  # fmt: skip
"""Fields a result can be counted by (and filtered on, with the values it reports)."""

SORTS = ("relevance", "date", "-date")


class SearchError(ValueError):
    """A search request that cannot be run (unknown facet or sort, bad limit)."""


@dataclass(frozen=True)
class Hit:
    id: str
    title: str
    date: str | None
    type: str | None
    score: float | None
    """Relevance score; None when sorted by date."""
    snippet: str
    """HTML: the matching passage, escaped, with matches in ``<b>``."""

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "date": self.date,
            "type": self.type,
            "score": self.score,
            "snippet": self.snippet,
        }


@dataclass(frozen=True)
class FacetValue:
    value: str
    count: int


@dataclass(frozen=True)
class SearchResult:
    total: int
    hits: list[Hit]
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """``{"total", "hits": [{id, title, date, type, score, snippet}], "facets"}``."""
        return {
            "total": self.total,
            "hits": [hit.to_json() for hit in self.hits],
            "facets": {
                name: [{"value": v.value, "count": v.count} for v in values]
                for name, values in self.facets.items()
            },
        }


class SearchBackend(Protocol):
    def index(self, items: Iterable[tuple[Record, int]]) -> int:
        """Add or replace records (each with its store version); visible after commit().

        Returns how many were queued.
        """

    def delete(self, ids: Iterable[str]) -> None: ...

    def commit(self) -> None:
        """Make queued changes durable and visible, then record their versions."""

    def search(
        self,
        query: str,
        *,
        facets: Sequence[str] = (),
        filters: Mapping[str, Sequence[str]] = {},
        sort: str = "relevance",
        limit: int = 10,
        offset: int = 0,
    ) -> SearchResult:
        """Run a query; raises QuerySyntaxError for a bad query, SearchError for bad options.

        An empty query matches every document (narrowed by ``filters``): browsing.
        """

    def generation(self) -> int:
        """A value that changes with every commit, by this or any other process.

        Answers computed from the index (search pages, facet counts) stay right while
        it stays the same: the reading room caches them under it.
        """

    def indexed_versions(self) -> dict[str, int]:
        """Record id -> store version the committed index holds."""

    def clear(self) -> None:
        """Drop every document (committed at once)."""

    def close(self) -> None: ...
