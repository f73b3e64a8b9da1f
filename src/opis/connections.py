"""What the archive knows about a record's connections, as plain JSON-ready data.

One place for the views the CLI (``opis entities/authority/refs/thread``) and
the web layer (API and pages) both show: a record's names with their
authorities, its outgoing and incoming references (resolved or placeholders),
an authority with its documents and correspondents, a record's exchange.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from opis.model import Authority, Person, Record, Reference
from opis.store.links import LinkStore
from opis.store.sql import SqlStore


@dataclass
class LinkedName:
    text: str
    type: str
    field: str
    """``mentions``, ``from``, ``to`` or ``signers``."""
    position: int | None
    authority_id: str | None
    authority_name: str | None
    status: str | None
    """``authority`` or ``candidate``."""
    confidence: float | None
    method: str | None
    origin: str | None = None
    end: int | None = None
    """Where the name ends in the body (with ``position``, for mentions)."""


@dataclass
class ReferenceView:
    text: str
    kind: str
    numbers: list[str]
    date: str | None
    sender: str | None
    recipient: str | None
    position: int | None
    targets: list[dict[str, Any]] = field(default_factory=list)
    """Each: ``{"record_id"|"placeholder_id", "title"/"label", "confidence", "method"}``."""


@dataclass
class Citer:
    record_id: str
    title: str | None
    date: str | None
    text: str
    """How the citing record refers to this one."""


@dataclass
class ReferencesView:
    record_id: str
    outgoing: list[ReferenceView]
    incoming: list[Citer]


def _people(record: Record, field_name: str) -> list[Person]:
    if field_name == "from":
        return record.sender
    if field_name == "to":
        return record.to
    if field_name == "signers":
        return record.signers
    return []


def record_entities(store: SqlStore, links: LinkStore, record: Record) -> list[LinkedName]:
    """Every name in ``record`` with the authority it is linked to (None when unlinked)."""
    by_place = {(link.field, link.mention): link for link in links.entity_links(record.id)}
    names: list[LinkedName] = []
    authorities: dict[str, Authority | None] = {}

    def authority(authority_id: str) -> Authority | None:
        if authority_id not in authorities:
            authorities[authority_id] = links.get_authority(authority_id)
        return authorities[authority_id]

    def add(text: str, type_: str, field_name: str, index: int, position: int | None,
            origin: str | None, end: int | None = None) -> None:  # fmt: skip
        link = by_place.get((field_name, index))
        found = authority(link.authority_id) if link else None
        names.append(
            LinkedName(
                text=text,
                type=type_,
                field=field_name,
                position=position,
                authority_id=found.id if found else None,
                authority_name=found.name if found else None,
                status=found.status if found else None,
                confidence=link.confidence if link else None,
                method=link.method if link else None,
                origin=origin,
                end=end,
            )
        )

    for field_name in ("from", "to", "signers"):
        for index, person in enumerate(_people(record, field_name)):
            add(person.name, "person", field_name, index, None, "header")
    for index, event in enumerate(record.transmission):
        if event.agent:
            add(event.agent, "person", "transmission", index, None, "header")
    for index, mention in enumerate(record.mentions):
        end = mention.end
        if end is None and mention.position is not None:
            end = mention.position + len(mention.text)
        add(mention.text, mention.type, "mentions", index, mention.position, mention.origin, end)
    return names


def record_references(store: SqlStore, links: LinkStore, record: Record) -> ReferencesView:
    outgoing = [_reference_view(r) for r in record.references]
    for link in links.reference_links(record.id):
        if not 0 <= link.reference < len(outgoing):
            continue
        target: dict[str, Any] = {"confidence": link.confidence, "method": link.method}
        if link.target_id:
            stored = store.get(link.target_id)
            target.update(
                record_id=link.target_id,
                title=stored.record.title if stored else None,
                date=stored.record.date if stored else None,
            )
        elif link.placeholder_id:
            placeholder = links.get_placeholder(link.placeholder_id)
            target.update(
                placeholder_id=link.placeholder_id,
                label=placeholder.label if placeholder else link.placeholder_id,
            )
        outgoing[link.reference].targets.append(target)
    return ReferencesView(record.id, outgoing, citers(store, links, record.id))


def citers(store: SqlStore, links: LinkStore, target_id: str) -> list[Citer]:
    """Records whose references resolve to ``target_id`` (a record or a placeholder)."""
    found: list[Citer] = []
    for link in links.citing(target_id):
        stored = store.get(link.record_id)
        if stored is None:
            continue
        refs = stored.record.references
        text = refs[link.reference].text if 0 <= link.reference < len(refs) else ""
        found.append(Citer(link.record_id, stored.record.title, stored.record.date, text))
    return found


def _reference_view(reference: Reference) -> ReferenceView:
    return ReferenceView(
        text=reference.text,
        kind=reference.kind,
        numbers=list(reference.numbers),
        date=reference.date or reference.date_start,
        sender=reference.sender,
        recipient=reference.recipient,
        position=reference.position,
    )


def record_thread(store: SqlStore, links: LinkStore, record_id: str, limit: int = 200) -> list[str]:
    """The exchange ``record_id`` belongs to, oldest first (references and replies)."""
    from opis.references.threads import exchange

    def outgoing(rid: str) -> list[str]:
        return [link.target_id for link in links.reference_links(rid) if link.target_id]

    def incoming(rid: str) -> list[str]:
        return [link.record_id for link in links.citing(rid)]

    def date_of(rid: str) -> str | None:
        stored = store.get(rid)
        if stored is None:
            return None
        return stored.record.date_start or stored.record.date

    return exchange(record_id, outgoing, incoming, date_of, limit=limit)


@dataclass
class AuthorityView:
    authority: dict[str, Any]
    documents: list[dict[str, Any]]
    document_count: int
    observed_names: list[tuple[str, int]]
    correspondents: list[dict[str, Any]]


def find_authority(links: LinkStore, name_or_id: str) -> list[Authority]:
    """By id, or by any variant of its name in any script."""
    from opis.authorities.names import lookup_keys

    found = links.get_authority(name_or_id)
    if found is not None:
        return [found]
    seen: dict[str, Authority] = {}
    for kind in ("person", "place", "org"):
        for key in lookup_keys(name_or_id, kind):
            for authority in links.find_authorities(key):
                seen.setdefault(authority.id, authority)
    return list(seen.values())


def authority_view(
    store: SqlStore, links: LinkStore, authority: Authority, *, limit: int = 100, offset: int = 0
) -> AuthorityView:
    documents: list[dict[str, Any]] = []
    counterparts: dict[str, dict[str, Any]] = {}
    for doc in links.authority_documents(authority.id, limit=limit, offset=offset):
        stored = store.get(doc.record_id)
        if stored is None:
            continue
        record = stored.record
        documents.append(
            {
                "record_id": record.id,
                "title": record.title,
                "date": record.date,
                "date_start": record.date_start,
                "type": record.type,
                "mentions": doc.mentions,
            }
        )
        _count_correspondents(links, record, authority.id, counterparts)
    documents.sort(key=lambda d: (d["date_start"] or "9999", d["record_id"]))
    correspondents = sorted(counterparts.values(), key=lambda c: (-c["documents"], c["name"]))
    return AuthorityView(
        authority=authority.model_dump(mode="json"),
        documents=documents,
        document_count=links.authority_document_count(authority.id),
        observed_names=links.observed_names(authority.id),
        correspondents=correspondents[:50],
    )


def _count_correspondents(
    links: LinkStore, record: Record, authority_id: str, into: dict[str, dict[str, Any]]
) -> None:
    """People on the other side of a letter or cable the authority sent or received."""
    sides: dict[str, set[str]] = {"from": set(), "to": set()}
    names: dict[str, str] = {}
    for link in links.entity_links(record.id):
        if link.field in sides:
            sides[link.field].add(link.authority_id)
            names[link.authority_id] = link.text
    if authority_id in sides["from"]:
        others = sides["to"]
    elif authority_id in sides["to"]:
        others = sides["from"]
    else:
        return
    for other in others - {authority_id}:
        entry = into.setdefault(
            other, {"authority_id": other, "name": names[other], "documents": 0}
        )
        entry["documents"] += 1


def as_json(value: Any) -> Any:
    """Dataclass views to plain JSON-ready values."""
    if isinstance(value, list):
        return [as_json(v) for v in value]
    if hasattr(value, "__dataclass_fields__"):
        return asdict(value)
    return value
