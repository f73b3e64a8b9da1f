"""The link pass: tie every record's names to authorities and its references to records.

Runs after ingest (``opis ingest`` calls it; ``opis link`` runs it alone). It is
incremental like the index sync: a record is linked again when its version
differs from the one in the link ledger, every record is linked again when the
authority set changed, and a record still citing a placeholder is linked again
when a newly arrived record answers one of its references, so a later ingest
turns gaps into links.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from opis.authorities.build import build_authorities
from opis.authorities.curation import apply_curations
from opis.authorities.linker import Linker
from opis.authorities.names import authority_keys
from opis.model import Authority, Placeholder, Record, ReferenceLink
from opis.references.resolve import RecordKey, ReferenceResolver
from opis.store.links import LinkStore, RecordLinks
from opis.store.sql import SqlStore

AUTHORITY_STATE = "authorities"
"""link_state key: hash of the authority set the current links were made with."""
BATCH = 500


@dataclass
class LinkReport:
    authorities: int = 0
    candidates: int = 0
    linked: int = 0
    """Records whose links were (re)computed."""
    entity_links: int = 0
    references: int = 0
    resolved: int = 0
    placeholders: set[str] = field(default_factory=set)
    forgotten: int = 0
    relinked: list[str] = field(default_factory=list)
    """Ids of the records whose links were written (their index entry may need names)."""


def authority_seed_folders(paths: Iterable[Path]) -> tuple[Path | None, Path | None]:
    """The hsg-people and hsg-pocom folders at or just under the given paths."""
    people: Path | None = None
    pocom: Path | None = None
    for path in paths:
        if not path.is_dir():
            continue
        for folder in (path, *sorted(p for p in path.iterdir() if p.is_dir())):
            if folder.name == "hsg-people":
                people = folder
            elif folder.name == "hsg-pocom":
                pocom = folder
    return people, pocom


SEEDS_STATE = "authority-seeds"
"""link_state key: the hsg-people and hsg-pocom folders authorities were last built from."""


def load_authorities(
    store: SqlStore,
    links: LinkStore,
    *,
    hsg_people: Path | None = None,
    pocom: Path | None = None,
) -> int:
    """Build authorities from the reference sources and the FRUS persons lists; store them.

    Folders not given are those of the last build (remembered in the store), so a
    later ingest of more FRUS volumes rebuilds with the same reference sources.
    Candidates the linker created are kept; reference authorities are replaced
    by the new build (their ids are stable, so links stay valid).
    """
    remembered = json.loads(links.state(SEEDS_STATE) or "{}")
    hsg_people = hsg_people or _existing(remembered.get("hsg-people"))
    pocom = pocom or _existing(remembered.get("hsg-pocom"))
    volumes = [c for c in store.iter_collections() if c.kind == "frus-volume"]
    # Curators' merges and splits of reference authorities apply to each new build.
    built = apply_curations(build_authorities(hsg_people, pocom, volumes), links.curations())
    links.put_authorities([(a, authority_keys(a)) for a in built])
    seeds = {"hsg-people": str(hsg_people or ""), "hsg-pocom": str(pocom or "")}
    links.set_state(SEEDS_STATE, json.dumps(seeds))
    return len(built)


def _existing(path: str | None) -> Path | None:
    return Path(path) if path and Path(path).is_dir() else None


def _authority_hash(authorities: Sequence[Authority]) -> str:
    digest = hashlib.sha256()
    for authority in sorted(authorities, key=lambda a: a.id):
        if authority.status != "candidate":
            digest.update(authority.model_dump_json().encode())
    return digest.hexdigest()


def link_archive(
    store: SqlStore,
    links: LinkStore,
    *,
    full: bool = False,
    on_record: Callable[[str], None] | None = None,
) -> LinkReport:
    """Bring every record's stored links in step with its current version."""
    report = LinkReport()
    authorities = list(links.iter_authorities())
    report.authorities = sum(1 for a in authorities if a.status != "candidate")
    generation = _authority_hash(authorities)
    if links.state(AUTHORITY_STATE) != generation:
        full = True
    current = store.versions()
    linked = links.linked_versions()
    gone = [i for i in linked if i not in current]
    links.forget(gone)
    report.forgotten = len(gone)
    changed = sorted(i for i, v in current.items() if full or linked.get(i) != v)
    new_ids = [i for i in current if i not in linked]
    todo = set(changed)
    if new_ids and not full:
        # A new record may be what an old placeholder was waiting for.
        todo.update(_waiting_for(store, links, new_ids, current, todo))

    if not todo:
        links.set_state(AUTHORITY_STATE, generation)
        report.candidates = sum(1 for a in authorities if a.status == "candidate")
        return report
    linker = Linker([a for a in authorities if a.merged_into is None])
    resolver = ReferenceResolver.from_keys(_record_keys(store))
    pending: list[RecordLinks] = []
    new_candidates: dict[str, Authority] = {}
    for record_id in sorted(todo):
        stored = store.get(record_id)
        if stored is None:
            continue
        item = link_record(stored.record, stored.version, linker, resolver)
        for candidate in item.candidates:
            new_candidates.setdefault(candidate.id, candidate)
        pending.append(item.links)
        report.relinked.append(record_id)
        report.linked += 1
        report.entity_links += len(item.links.entities)
        report.references += len(item.links.references)
        report.resolved += sum(1 for r in item.links.references if r.target_id)
        report.placeholders.update(p.id for p in item.links.placeholders)
        if on_record:
            on_record(record_id)
        if len(pending) >= BATCH:
            _flush(links, new_candidates, pending)
    _flush(links, new_candidates, pending)
    # Counted in SQL: reading every authority again cost seconds at corpus size.
    counts = links.authority_counts()
    report.candidates = sum(n for kind, n in counts.items() if kind.endswith("/candidate"))
    links.set_state(AUTHORITY_STATE, generation)
    return report


def _waiting_for(
    store: SqlStore,
    links: LinkStore,
    new_ids: Sequence[str],
    current: dict[str, int],
    todo: set[str],
) -> set[str]:
    """Records still citing a placeholder that one of the new records now answers.

    Only those are linked again (and re-indexed): relinking every record with an
    unresolved reference made a one-document ingest into the whole corpus cost a
    minute (3,740 records). A reference resolves differently only if a new record
    matches it, which a resolver over the new records' keys alone tells.
    """
    fresh_keys = []
    for record_id in new_ids:
        stored = store.get(record_id)
        if stored is not None:
            fresh_keys.append(RecordKey.from_record(stored.record))
    fresh = ReferenceResolver.from_keys(fresh_keys)
    waiting: set[str] = set()
    for record_id in links.unresolved_records():
        if record_id in todo or record_id not in current:
            continue
        stored = store.get(record_id)
        if stored is None:
            continue
        record = stored.record
        if any(
            resolution.target_id
            for reference in record.references
            for resolution in fresh.resolve_all(record, reference)
        ):
            waiting.add(record_id)
    return waiting


def _flush(links: LinkStore, candidates: dict[str, Authority], pending: list[RecordLinks]) -> None:
    # Candidates first, so a link never points at an authority that is not stored.
    if candidates:
        links.put_authorities([(a, authority_keys(a)) for a in candidates.values()])
        candidates.clear()
    if pending:
        links.write_links(pending)
        pending.clear()


@dataclass
class LinkedRecord:
    links: RecordLinks
    candidates: list[Authority]


def link_record(
    record: Record, version: int, linker: Linker, resolver: ReferenceResolver
) -> LinkedRecord:
    """One record's entity links, candidates, reference links and placeholders."""
    result = linker.link(record)
    references: list[ReferenceLink] = []
    placeholders: dict[str, Placeholder] = {}
    for index, reference in enumerate(record.references):
        for resolution in resolver.resolve_all(record, reference):
            if resolution.target_id is None and resolution.placeholder is None:
                continue  # nothing to go on ("reftel" with no number)
            if resolution.target_id is None and resolution.placeholder is not None:
                placeholders[resolution.placeholder.id] = resolution.placeholder
            references.append(resolution.link(record.id, index))
    return LinkedRecord(
        RecordLinks(
            record.id,
            version,
            entities=list(result.links),
            references=references,
            placeholders=list(placeholders.values()),
        ),
        list(result.candidates),
    )


def _record_keys(store: SqlStore) -> list[RecordKey]:
    return [RecordKey.from_record(s.record) for s in store.iter_records()]


@dataclass
class AfterIngest:
    authorities: int | None
    """Authorities built, or None when nothing asked for a rebuild."""
    link: LinkReport


def after_ingest(
    store: SqlStore, links: LinkStore, paths: Sequence[Path], *, collections_changed: bool
) -> AfterIngest:
    """Rebuild authorities when their sources came in, then run the link pass."""
    people, pocom = authority_seed_folders(paths)
    built = None
    if people or pocom or collections_changed or links.state(SEEDS_STATE) is None:
        built = load_authorities(store, links, hsg_people=people, pocom=pocom)
    return AfterIngest(built, link_archive(store, links))
