"""Overviews of a search result: how many documents per year or month, and who
wrote to whom how often.

The counts come from the index's aggregations (no record is read), so an
overview of the whole archive costs a few milliseconds. Pure builders
(``build_timeline``, ``build_network``) turn raw counts into what is shown.

    timeline = result_timeline(backend, "Stalin", by="month")
    network = result_network(backend, "Stalin", top=25)
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from opis.export.results import ExportError, tantivy_query

if TYPE_CHECKING:
    from opis.search import SearchBackend

PERIODS = ("year", "month")
MAX_MONTH_YEARS = 200
"""A month timeline over a longer span than this is refused (use years)."""
NETWORK_TOP = 25
MAX_NETWORK_TOP = 100
PAIR_BUCKETS = 300
"""Senders (and recipients per sender) the index is asked for: enough to rank the top people."""

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


class OverviewError(ValueError):
    """An overview that cannot be made (bad period, bad size, unsupported backend)."""


@dataclass(frozen=True)
class Bin:
    key: str
    """``1947`` or ``1947-09``: also a ``date:`` value of the query language."""
    label: str
    count: int


@dataclass(frozen=True)
class Timeline:
    total: int
    """Documents the query matches."""
    dated: int
    """Of those, documents with a date (the bins count these)."""
    by: str
    bins: list[Bin] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "dated": self.dated,
            "by": self.by,
            "bins": [{"key": b.key, "label": b.label, "count": b.count} for b in self.bins],
        }


@dataclass(frozen=True)
class Correspondent:
    name: str
    sent: int
    received: int

    @property
    def letters(self) -> int:
        return self.sent + self.received


@dataclass(frozen=True)
class Edge:
    sender: str
    recipient: str
    count: int


@dataclass(frozen=True)
class Network:
    total: int
    people: list[Correspondent]
    """The top correspondents, most letters first."""
    edges: list[Edge]
    """Letters between two of ``people``, most first."""

    def to_json(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "people": [
                {"name": p.name, "sent": p.sent, "received": p.received} for p in self.people
            ],
            "edges": [{"from": e.sender, "to": e.recipient, "count": e.count} for e in self.edges],
        }


# -- pure builders --------------------------------------------------------------


def build_timeline(counts: Mapping[str, int], by: str, total: int) -> Timeline:
    """Bins from ``counts`` (``YYYY`` or ``YYYY-MM`` keys), every period between the
    first and last filled so the axis has no holes."""
    if by not in PERIODS:
        raise OverviewError(f"unknown period {by!r}; use one of: {', '.join(PERIODS)}")
    filled = {key: n for key, n in counts.items() if n > 0}
    if not filled:
        return Timeline(total, 0, by, [])
    keys = sorted(filled)
    bins = [Bin(key, period_label(key), filled.get(key, 0)) for key in periods(keys[0], keys[-1])]
    return Timeline(total, sum(filled.values()), by, bins)


def periods(first: str, last: str) -> list[str]:
    """Every year (``1945``..``1947``) or month (``1945-11``..``1946-02``) from first to last."""
    if len(first) == 4:
        return [f"{year:04d}" for year in range(int(first), int(last) + 1)]
    year, month = int(first[:4]), int(first[5:7])
    out = []
    while f"{year:04d}-{month:02d}" <= last:
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def period_label(key: str) -> str:
    return key if len(key) == 4 else f"{_MONTHS[int(key[5:7]) - 1]} {key[:4]}"


def build_network(pairs: Mapping[tuple[str, str], int], top: int, total: int) -> Network:
    """The ``top`` people by letters sent plus received, and the letters among them.

    Ties are broken by name, so the same counts always give the same network.
    """
    if not 1 <= top <= MAX_NETWORK_TOP:
        raise OverviewError(f"top must be between 1 and {MAX_NETWORK_TOP}")
    sent: Counter[str] = Counter()
    received: Counter[str] = Counter()
    for (sender, recipient), n in pairs.items():
        if sender == recipient:
            continue
        sent[sender] += n
        received[recipient] += n
    letters = sent + received
    names = sorted(letters, key=lambda name: (-letters[name], name))
    chosen = names[:top]
    kept = set(chosen)
    people = [Correspondent(name, sent[name], received[name]) for name in chosen]
    edges = sorted(
        (
            Edge(sender, recipient, n)
            for (sender, recipient), n in pairs.items()
            if sender in kept and recipient in kept and sender != recipient and n > 0
        ),
        key=lambda e: (-e.count, e.sender, e.recipient),
    )
    return Network(total, people, edges)


# -- from the index -------------------------------------------------------------


def result_timeline(
    backend: SearchBackend,
    query: str,
    filters: Mapping[str, Sequence[str]] | None = None,
    *,
    by: str = "year",
) -> Timeline:
    """Documents per year or month among those ``query`` matches (empty: the archive)."""
    if by not in PERIODS:
        raise OverviewError(f"unknown period {by!r}; use one of: {', '.join(PERIODS)}")
    searcher, compiled = _compiled(backend, query, filters or {})
    total = searcher.search(compiled, 1, count=True).count
    raw = searcher.aggregate(compiled, {"y": {"terms": {"field": "f_year", "size": 10_000}}})
    years = {str(b["key"]): int(b["doc_count"]) for b in raw.get("y", {}).get("buckets", [])}
    if by == "year" or not years:
        return build_timeline(years, "year", total)
    first, last = min(years, key=int), max(years, key=int)
    if int(last) - int(first) >= MAX_MONTH_YEARS:
        raise OverviewError(
            f"the result spans {first}-{last}: too long for months (at most {MAX_MONTH_YEARS} "
            "years); narrow the query or count by year"
        )
    months = periods(f"{int(first):04d}-01", f"{int(last):04d}-12")
    ranges = [{"key": key, "from": _nanos(key), "to": _nanos(_next_month(key))} for key in months]
    raw = searcher.aggregate(compiled, {"m": {"range": {"field": "date_start", "ranges": ranges}}})
    counts = {str(b["key"]): int(b["doc_count"]) for b in raw.get("m", {}).get("buckets", [])}
    return build_timeline(counts, "month", total)


def result_network(
    backend: SearchBackend,
    query: str,
    filters: Mapping[str, Sequence[str]] | None = None,
    *,
    top: int = NETWORK_TOP,
) -> Network:
    """Who wrote to whom among the documents ``query`` matches, from their from/to names."""
    if not 1 <= top <= MAX_NETWORK_TOP:
        raise OverviewError(f"top must be between 1 and {MAX_NETWORK_TOP}")
    searcher, compiled = _compiled(backend, query, filters or {})
    total = searcher.search(compiled, 1, count=True).count
    aggs = {
        "from": {
            "terms": {"field": "f_from", "size": PAIR_BUCKETS},
            "aggs": {"to": {"terms": {"field": "f_to", "size": PAIR_BUCKETS}}},
        }
    }
    raw = searcher.aggregate(compiled, aggs)
    pairs: dict[tuple[str, str], int] = {}
    for sender in raw.get("from", {}).get("buckets", []):
        for recipient in sender.get("to", {}).get("buckets", []):
            pairs[(str(sender["key"]), str(recipient["key"]))] = int(recipient["doc_count"])
    return build_network(pairs, top, total)


def _compiled(
    backend: SearchBackend, query: str, filters: Mapping[str, Sequence[str]]
) -> tuple[Any, Any]:
    try:
        return tantivy_query(backend, query, filters)
    except ExportError as exc:
        raise OverviewError(str(exc)) from exc


def _next_month(key: str) -> str:
    year, month = int(key[:4]), int(key[5:7])
    return f"{year + 1:04d}-01" if month == 12 else f"{year:04d}-{month + 1:02d}"


def _nanos(key: str) -> float:
    # tantivy's range aggregation compares date fast fields in nanoseconds.
    when = datetime(int(key[:4]), int(key[5:7]), 1, tzinfo=UTC)
    return when.timestamp() * 1e9


__all__ = [
    "PERIODS",
    "Bin",
    "Correspondent",
    "Edge",
    "Network",
    "OverviewError",
    "Timeline",
    "build_network",
    "build_timeline",
    "period_label",
    "periods",
    "result_network",
    "result_timeline",
]
