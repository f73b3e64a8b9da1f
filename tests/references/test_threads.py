"""Rebuilding exchanges: the walk over references, and a real DFAT exchange of 1939."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from opis.analysis.references import find_references
from opis.model import Record
from opis.readers.base import make_source
from opis.readers.registry import by_format
from opis.references import ReferenceResolver, exchange


def _graph(edges: list[tuple[str, str]]) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    outgoing: dict[str, list[str]] = defaultdict(list)
    incoming: dict[str, list[str]] = defaultdict(list)
    for source, target in edges:
        outgoing[source].append(target)
        incoming[target].append(source)
    return outgoing, incoming


def test_exchange_orders_by_date_with_undated_last() -> None:
    # The chain: telegrams 663 and 669 -> Malik's draft -> approval -> instructions.
    edges = [("draft", "t663"), ("draft", "t669"), ("instructions", "draft"),
             ("note", "instructions"), ("unrelated", "elsewhere")]  # fmt: skip
    dates = {"t663": "1947-09-02", "t669": "1947-09-05", "draft": "1947-09-12",
             "instructions": "1947-09-13", "elsewhere": "1947-09-01", "note": None}  # fmt: skip
    outgoing, incoming = _graph(edges)
    chain = exchange("draft", outgoing.__getitem__, incoming.__getitem__, dates.get)
    assert chain == ["t663", "t669", "draft", "instructions", "note"]
    # From any member the same chain.
    assert exchange("t669", outgoing.__getitem__, incoming.__getitem__, dates.get) == chain


def test_exchange_stops_at_the_limit() -> None:
    hub = [("hub", f"d{n:03d}") for n in range(500)]
    outgoing, incoming = _graph(hub)
    chain = exchange("hub", outgoing.__getitem__, incoming.__getitem__, lambda _id: None, limit=50)
    assert len(chain) == 50
    assert chain[0] == "hub"  # undated throughout: the walk's order


def test_exchange_of_a_real_dfat_cable(corpus: Path) -> None:
    records: list[Record] = []
    for path in sorted((corpus / "dfat" / "volumes" / "volume-2-1939").glob("*.md")):
        raw = path.read_bytes()
        items = by_format("dfat-markdown").read(raw, make_source(raw, path.name, "dfat-markdown"))
        records.extend(item for item in items if isinstance(item, Record))
    by_id = {record.id: record for record in records}
    resolver = ReferenceResolver.from_records(records)
    outgoing: dict[str, list[str]] = defaultdict(list)
    incoming: dict[str, list[str]] = defaultdict(list)
    for record in records:
        cited = record.model_copy(update={"references": find_references(record)})
        for _index, resolution in resolver.resolve_record(cited):
            if resolution.target_id and resolution.target_id not in outgoing[record.id]:
                outgoing[record.id].append(resolution.target_id)
                incoming[resolution.target_id].append(record.id)

    def date_of(record_id: str) -> str | None:
        return by_id[record_id].date_start

    chain = exchange("dfat-v2-59", outgoing.__getitem__, incoming.__getitem__, date_of)
    # Stirling's cablegram 69 of 24 March, answered by "Reference your 69" on 29 March.
    assert "dfat-v2-55" in chain
    assert chain.index("dfat-v2-55") < chain.index("dfat-v2-59")
    dated = [date_of(record_id) or "" for record_id in chain]
    assert dated == sorted(dated)
