"""Build the authority records from hsg-people, POCOM, FRUS persons lists and hand tables.

Records from different sources become one only through an explicit
identifier: an hsg-people original naming a FRUS persons-list entry, an
hsg-people source naming a POCOM person, a hand-table row naming an
hsg-people id or POCOM territory. Two entries that merely share a name stay
two records (curators merge later). Organisations are the exception: a FRUS
terms-list expansion ("AEC: Atomic Energy Commission") joins the organisation or
place whose full name it is, and adds its abbreviation as a variant.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from opis.authorities.frus import (
    add_frus_key,
    organisation_name,
    parse_roles,
    persons_entries,
    terms_entries,
)
from opis.authorities.hsg import Pocom, ReadErrors, read_hsg_people, read_pocom
from opis.authorities.names import DATA, name_slug, plain_key, script_of, slug
from opis.model import Authority, AuthorityName, Collection


class _Registry:
    """Authorities by id, handing out unique readable ids."""

    def __init__(self) -> None:
        self.by_id: dict[str, Authority] = {}

    def add(self, authority: Authority, qualifier: str) -> Authority:
        """Store ``authority``; on an id clash append ``--<qualifier>`` (then a counter)."""
        base = authority.id
        candidate = base
        if candidate in self.by_id:
            suffix = re.sub(r"[^a-z0-9]+", "-", qualifier.lower()).strip("-")
            candidate = f"{base}--{suffix}"
            n = 2
            while candidate in self.by_id:
                candidate = f"{base}--{suffix}-{n}"
                n += 1
            authority = authority.model_copy(update={"id": candidate})
        self.by_id[candidate] = authority
        return authority


def _table_rows(path: Path) -> Iterable[list[str]]:
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            yield [part.strip() for part in line.split("\t")]


def _add_name(authority: Authority, name: str, kind: str, source: str | None) -> None:
    if name and all(n.name != name for n in authority.names):
        authority.names.append(
            AuthorityName(name=name, kind=kind, script=script_of(name), source=source)
        )


def _hand_people(registry: _Registry, by_hsg: dict[str, Authority]) -> None:
    """data/pseudonyms.tsv: people with Russian forms and cover names."""
    for row in _table_rows(DATA / "pseudonyms.tsv"):
        row += [""] * (6 - len(row))
        authority_id, preferred, birth, death, hsg_id, names = row[:6]
        target = by_hsg.get(hsg_id) if hsg_id else None
        if target is None:
            target = registry.add(
                Authority(
                    id=authority_id,
                    kind="person",
                    name=preferred,
                    names=[AuthorityName(name=preferred, kind="preferred", script="Latn")],
                    birth=birth or None,
                    death=death or None,
                    sources=["opis-table"],
                ),
                "table",
            )
        else:
            target.birth = target.birth or birth or None
            target.death = target.death or death or None
            target.sources.append("opis-table")
        for item in filter(None, names.split("|")):
            kind, _, name = item.partition("=")
            _add_name(target, name.strip(), kind.strip() or "variant", "opis-table")


def _hand_places(
    registry: _Registry, pocom_items: dict[str, Authority], table: str, kind: str
) -> None:
    """data/places.tsv, data/orgs.tsv, merged with POCOM territories / org missions by id."""
    merged: set[str] = set()
    for row in _table_rows(DATA / table):
        row += [""] * (4 - len(row))
        authority_id, preferred, pocom_id, variants = row[:4]
        authority = Authority(
            id=authority_id,
            kind=kind,
            name=preferred,
            names=[AuthorityName(name=preferred, kind="preferred", script=script_of(preferred))],
            sources=["opis-table"],
        )
        source = pocom_items.get(pocom_id) if pocom_id else None
        if source is not None:
            merged.add(pocom_id)
            authority.identifiers["pocom"] = pocom_id
            authority.sources.append("pocom")
            for name in source.names:
                _add_name(authority, name.name, "variant", "pocom")
        for variant in filter(None, variants.split("|")):
            _add_name(authority, variant, "variant", "opis-table")
        registry.add(authority, "table")
    for pocom_id, item in sorted(pocom_items.items()):
        if pocom_id not in merged:
            registry.add(item, f"pocom-{pocom_id}")


def build_authorities(
    hsg_people: Path | None,
    pocom: Path | None,
    frus_volumes: Iterable[Collection],
    errors: list[str] | None = None,
) -> list[Authority]:
    """All authority records, sorted by id. Unreadable files go to ``errors`` as one line each."""
    read_errors = ReadErrors()
    registry = _Registry()
    by_hsg: dict[str, Authority] = {}
    for person in read_hsg_people(hsg_people, read_errors) if hsg_people else []:
        stored = registry.add(person, person.identifiers["hsg-people"])
        by_hsg[person.identifiers["hsg-people"]] = stored
    by_pocom = {a.identifiers["pocom"]: a for a in by_hsg.values() if "pocom" in a.identifiers}
    pocom_data = read_pocom(pocom, read_errors) if pocom else Pocom({}, {}, {})
    for pocom_id, person in pocom_data.people.items():
        target = by_pocom.get(pocom_id)
        if target is None:
            registry.add(person, "pocom")
            continue
        # The hsg-people record cites this POCOM person: one authority.
        target.roles.extend(person.roles)
        target.birth = target.birth or person.birth
        target.death = target.death or person.death
        target.sources.append("pocom")
        for name in person.names:
            _add_name(target, name.name, "variant", "pocom")
    _hand_people(registry, by_hsg)
    _hand_places(registry, pocom_data.places, "places.tsv", "place")
    _hand_places(registry, pocom_data.orgs, "orgs.tsv", "org")
    _add_frus_persons(registry, frus_volumes)
    _add_frus_terms(registry, frus_volumes)
    if errors is not None:
        errors.extend(read_errors.lines)
    return sorted(registry.by_id.values(), key=lambda a: a.id)


def _add_frus_persons(registry: _Registry, volumes: Iterable[Collection]) -> None:
    """One authority per persons-list entry, or the hsg-people record that lists it."""
    owners: dict[tuple[str, str], Authority] = {}
    for authority in list(registry.by_id.values()):
        for scheme, value in authority.identifiers.items():
            if scheme.startswith("frus:"):
                owners.setdefault((scheme[5:].split(":")[0], value), authority)
    for entry in persons_entries(volumes):
        source = f"frus:{entry.volume}"
        roles = parse_roles(entry.description, source) if entry.description else []
        owner = owners.get((entry.volume, entry.key))
        if owner is None:
            owner = registry.add(
                Authority(
                    id=f"person/{name_slug(entry.name) or slug(entry.key)}",
                    kind="person",
                    name=entry.name,
                    names=[
                        AuthorityName(
                            name=entry.name,
                            kind="preferred",
                            script=script_of(entry.name),
                            source=source,
                        )
                    ],
                    identifiers={source: entry.key},
                    description=entry.description or None,
                    roles=roles,
                    sources=[source],
                ),
                entry.volume,
            )
            owners[(entry.volume, entry.key)] = owner
            continue
        _add_name(owner, entry.name, "original", source)
        add_frus_key(owner.identifiers, entry.volume, entry.key)
        if source not in owner.sources:
            owner.sources.append(source)
        if not any(role.source == source for role in owner.roles):
            owner.roles.extend(roles)


def _add_frus_terms(registry: _Registry, volumes: Iterable[Collection]) -> None:
    """Organisations from the volumes' terms lists, their abbreviations as variants.

    An expansion naming a known organisation or place in full adds to that record
    ("FRG: Federal Republic of Germany"); other expansions become organisations when
    they read as one (``organisation_name``), and are left out otherwise.
    """
    by_name: dict[str, Authority] = {}
    for authority in registry.by_id.values():
        if authority.kind in ("org", "place"):
            for known in [authority.name, *(n.name for n in authority.names)]:
                by_name.setdefault(plain_key(known), authority)
    for entry in terms_entries(volumes):
        source = f"frus:{entry.volume}"
        existing = by_name.get(plain_key(entry.expansion))
        name = organisation_name(entry.expansion)
        if existing is None and name is not None:
            existing = by_name.get(plain_key(name))
        if existing is None:
            if name is None:
                continue
            existing = registry.add(
                Authority(
                    id=f"org/{slug(name)}",
                    kind="org",
                    name=name,
                    names=[AuthorityName(name=name, kind="preferred", script=script_of(name))],
                    sources=[source],
                ),
                entry.volume,
            )
            by_name[plain_key(name)] = existing
        # "AFL, AFOL": two abbreviations printed as one term.
        for term in re.split(r",\s+(?=[A-Z])", entry.term):
            _add_name(existing, term, "abbreviation", source)
        add_frus_key(existing.identifiers, entry.volume, entry.key)
        if source not in existing.sources:
            existing.sources.append(source)
