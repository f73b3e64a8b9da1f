"""FRUS person linking: link every keyed persName with its key hidden, check the authority.

    .venv/bin/python bench/linking.py [--corpus ../shared/corpus] [--volume frus1955-57v24]

For every ``persName`` with ``@corresp`` in the FRUS volumes (record mentions
and the from/to/signers fields), the linker gets the record with every key
removed (text, volume, date and the other names stay) and must choose the
authority whose ``frus:<volume>`` identifier is the hidden key. Prints accuracy
per volume and overall, how many keys have no persons-list entry, and time.
Target (issue 4): accuracy at least 0.9.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from opis.authorities.build import build_authorities
from opis.authorities.linker import Linker
from opis.model import Authority, Collection, Record
from opis.readers.base import make_source
from opis.readers.frus_tei import read_frus_tei

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Score:
    total: int = 0
    correct: int = 0
    unlisted: int = 0
    """Keys with no entry in the volume's persons list (not scored)."""

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0


def read_volumes(folder: Path, only: list[str]) -> tuple[list[Collection], list[Record]]:
    collections: list[Collection] = []
    records: list[Record] = []
    for path in sorted(folder.glob("*.xml")):
        if only and path.stem not in only:
            continue
        raw = path.read_bytes()
        for item in read_frus_tei(raw, make_source(raw, path.name, "frus-tei")):
            if isinstance(item, Collection):
                collections.append(item)
            elif isinstance(item, Record):
                records.append(item)
    return collections, records


def hide_keys(record: Record) -> Record:
    """The record as the linker sees it in the evaluation: no source keys anywhere."""
    return record.model_copy(
        update={
            "mentions": [m.model_copy(update={"key": None}) for m in record.mentions],
            "sender": [p.model_copy(update={"key": None}) for p in record.sender],
            "to": [p.model_copy(update={"key": None}) for p in record.to],
            "signers": [p.model_copy(update={"key": None}) for p in record.signers],
        }
    )


def carries_key(authority: Authority | None, volume: str, key: str) -> bool:
    if authority is None:
        return False
    scheme = f"frus:{volume}"
    return (
        authority.identifiers.get(scheme) == key
        or authority.identifiers.get(f"{scheme}:{key}") == key
    )


def gold(record: Record) -> list[tuple[str, int, str]]:
    """(field, index, key) of every keyed person name in a record."""
    found = [
        ("mentions", i, m.key)
        for i, m in enumerate(record.mentions)
        if m.type == "person" and m.key
    ]
    for field_name, people in (
        ("from", record.sender),
        ("to", record.to),
        ("signers", record.signers),
    ):
        found.extend((field_name, i, p.key) for i, p in enumerate(people) if p.key)
    return found


def evaluate(
    linker: Linker, records: list[Record], listed: dict[str, set[str]]
) -> tuple[dict[str, Score], float, int]:
    """Scores per volume, seconds spent linking, records linked."""
    scores: dict[str, Score] = {}
    elapsed = 0.0
    linked = 0
    for record in records:
        volume = record.collection or ""
        expected = gold(record)
        if not expected:
            continue
        score = scores.setdefault(volume, Score())
        hidden = hide_keys(record)
        started = time.perf_counter()
        result = linker.link(hidden)
        elapsed += time.perf_counter() - started
        linked += 1
        chosen = {(link.field, link.mention): link.authority_id for link in result.links}
        for field_name, index, key in expected:
            if key not in listed.get(volume, set()):
                score.unlisted += 1
                continue
            score.total += 1
            authority_id = chosen.get((field_name, index))
            authority = linker.authority(authority_id) if authority_id else None
            score.correct += carries_key(authority, volume, key)
    return scores, elapsed, linked


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--volume", action="append", default=[], help="only these volumes")
    args = parser.parse_args()
    started = time.perf_counter()
    collections, records = read_volumes(args.corpus / "frus" / "volumes", args.volume)
    read_seconds = time.perf_counter() - started
    started = time.perf_counter()
    errors: list[str] = []
    authorities = build_authorities(
        args.corpus / "hsg-people", args.corpus / "hsg-pocom", collections, errors
    )
    build_seconds = time.perf_counter() - started
    started = time.perf_counter()
    linker = Linker(authorities)
    index_seconds = time.perf_counter() - started
    listed = {c.id: {p["key"] for p in c.metadata.get("persons") or []} for c in collections}
    scores, link_seconds, linked = evaluate(linker, records, listed)
    for line in errors:
        print(f"FAILED {line}", file=sys.stderr)
    print(f"volumes           {len(collections)} ({len(records)} records)")
    print(
        f"authorities       {len(authorities)} built in {build_seconds:.2f} s "
        f"(volumes read in {read_seconds:.1f} s, linker indexed in {index_seconds:.2f} s)"
    )
    total, correct, unlisted = 0, 0, 0
    for volume, score in sorted(scores.items()):
        total += score.total
        correct += score.correct
        unlisted += score.unlisted
        if score.total or score.unlisted:
            print(
                f"  {volume:<24}{score.correct:>6} / {score.total:<6} {score.accuracy:.3f}"
                f"   ({score.unlisted} keys not in the persons list)"
            )
    accuracy = correct / total if total else 0.0
    print(f"overall           {correct} / {total} = {accuracy:.4f} (target 0.9)")
    print(f"unlisted keys     {unlisted} persName keys with no persons-list entry")
    per_record = link_seconds / linked * 1000 if linked else 0.0
    print(
        f"linking time      {link_seconds:.2f} s for {linked} records, {per_record:.3f} ms/record"
    )
    return 0 if accuracy >= 0.9 else 1


if __name__ == "__main__":
    raise SystemExit(main())
