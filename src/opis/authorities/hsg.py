"""The Office of the Historian's authority data: hsg-people and POCOM.

hsg-people records tie a person to the FRUS persons-list entries they were
built from (``names/originals/original/source-url`` ending in
``historicaldocuments/<volume>/persons#<key>``) and to POCOM
(``departmenthistory/people/<pocom-id>``); those links are the only way
records from different sources are merged. POCOM gives US officials with
dated appointments: chiefs of mission per country or organisation and the
Department's principal officers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from opis.authorities.frus import add_frus_key, parse_roles
from opis.authorities.names import name_slug, script_of, slug
from opis.model import Authority, AuthorityName, AuthorityRole

_PERSONS_URL = re.compile(r"historicaldocuments/(?P<volume>[^/#]+)/persons#(?P<key>[\w.\-]+)")
_POCOM_URL = re.compile(r"departmenthistory/people/(?P<id>[a-z0-9\-]+)$")
_YEAR = re.compile(r"^\d{3,4}")


@dataclass
class ReadErrors:
    """One line per file that could not be read: ``path: position: reason``."""

    lines: list[str] = field(default_factory=list)

    def add(self, path: Path, exc: Exception) -> None:
        position = ""
        if isinstance(exc, etree.XMLSyntaxError) and exc.position:
            position = f"line {exc.position[0]}, column {exc.position[1]}: "
        self.lines.append(f"{path}: {position}{type(exc).__name__}: {exc}")


def _parse(path: Path) -> etree._Element:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    return etree.parse(str(path), parser).getroot()


def _text(element: etree._Element | None, path: str) -> str:
    if element is None:
        return ""
    found = element.find(path)
    if found is None:
        return ""
    return " ".join("".join(found.itertext()).split())


def _name(name: str, kind: str, source: str | None) -> AuthorityName:
    return AuthorityName(name=name, kind=kind, script=script_of(name), source=source)


def frus_source(url: str) -> tuple[str, str] | None:
    """(volume id, persons-list key) of a FRUS persons-list address."""
    match = _PERSONS_URL.search(url)
    return (match.group("volume"), match.group("key")) if match else None


def _role_source(url: str) -> str:
    frus = frus_source(url)
    return f"frus:{frus[0]}" if frus else url


# --- hsg-people


def read_hsg_person(path: Path) -> Authority:
    """One hsg-people file as an authority (id from the preferred name; build.py de-duplicates)."""
    root = _parse(path)
    hsg_id = (root.findtext("id") or "").strip()
    preferred = _text(root, "names/preferred/name")
    if not hsg_id or not preferred:
        raise ValueError("no id or preferred name")
    names = [_name(preferred, "preferred", "hsg-people")]
    for alternate in root.iterfind("names/alternates/name"):
        text = " ".join("".join(alternate.itertext()).split())
        if text:
            names.append(_name(text, "variant", "hsg-people"))
    identifiers = {"hsg-people": hsg_id}
    for authority in root.iterfind("authorities/authority"):
        value = (authority.text or "").strip()
        if value and authority.get("service"):
            identifiers[str(authority.get("service"))] = value
    for original in root.iterfind("names/originals/original"):
        text = _text(original, "name")
        urls = [(u.text or "").strip() for u in original.iterfind("source-url")]
        for url in urls:
            if frus := frus_source(url):
                add_frus_key(identifiers, *frus)
            elif pocom := _POCOM_URL.search(url):
                identifiers.setdefault("pocom", pocom.group("id"))
        if text:
            names.append(_name(text, "original", _role_source(urls[0]) if urls else None))
    roles: list[AuthorityRole] = []
    descriptions: list[str] = []
    for remark in root.iterfind("remarks/remark"):
        text = _text(remark, "p")
        url = (remark.findtext("source-url") or "").strip()
        if not text:
            continue
        descriptions.append(text)
        roles.extend(parse_roles(text, _role_source(url) if url else "hsg-people"))
    birth = (root.findtext("birth-year") or "").strip() or None
    death = (root.findtext("death-year") or "").strip() or None
    return Authority(
        id=f"person/{name_slug(preferred)}",
        kind="person",
        name=preferred,
        names=_unique_names(names),
        roles=roles,
        identifiers=identifiers,
        birth=birth,
        death=death,
        description=max(descriptions, key=len) if descriptions else None,
        sources=["hsg-people"],
    )


def read_hsg_people(root: Path, errors: ReadErrors) -> Iterator[Authority]:
    for path in sorted(root.rglob("*.xml")):
        try:
            yield read_hsg_person(path)
        except Exception as exc:  # bad input is normal: one line, go on
            errors.add(path, exc)


# --- POCOM


def _dated(element: etree._Element, tag: str) -> str | None:
    value = (element.findtext(f"{tag}/date") or "").strip()
    return value or None


def _parsed(paths: Iterable[Path], errors: ReadErrors) -> Iterator[etree._Element]:
    """Each file's root element; a file that cannot be read is one error line, then the next."""
    for path in paths:
        try:
            yield _parse(path)
        except Exception as exc:  # bad input is normal: one line, go on
            errors.add(path, exc)


def _xml_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.xml")) if folder.is_dir() else []


def _role_names(roles: Iterable[etree._Element]) -> dict[str, str]:
    """role-title-id -> singular title, from roles-country-chiefs and positions-principals."""
    titles: dict[str, str] = {}
    for role in roles:
        role_id = (role.findtext("id") or "").strip()
        singular = _text(role, "names/singular")
        if role_id and singular:
            titles[role_id] = singular
    return titles


def territory_name(territory_id: str) -> str:
    """``united-kingdom`` -> "United Kingdom"; a ``-1946``-style year suffix is dropped."""
    words = [w for w in territory_id.split("-") if not w.isdigit()]
    small = {"and", "of", "the"}
    return " ".join(w if w in small else w.capitalize() for w in words)


def _org_name(mission_title: str) -> str:
    """ "Representative of the U.S.A. to the United Nations" -> "United Nations"."""
    match = re.search(r"\b(?:to|on|at)\s+(?:the\s+)?(?:Council of the\s+)?(.+)$", mission_title)
    return match.group(1).strip() if match else mission_title


@dataclass
class Pocom:
    people: dict[str, Authority]
    """pocom person id -> authority (id ``person/<pocom-id>``)."""
    places: dict[str, Authority]
    """territory id -> place authority."""
    orgs: dict[str, Authority]
    """missions-orgs id -> org authority."""


def read_pocom(root: Path, errors: ReadErrors) -> Pocom:
    positions = list(_parsed(_xml_files(root / "positions-principals"), errors))
    titles = _role_names(_parsed(_xml_files(root / "roles-country-chiefs"), errors))
    titles.update(_role_names(positions))
    people: dict[str, Authority] = {}
    for path in sorted((root / "people").rglob("*.xml")):
        try:
            person = _pocom_person(_parse(path))
        except Exception as exc:
            errors.add(path, exc)
            continue
        if person is not None:
            people[person.identifiers["pocom"]] = person
    places: dict[str, Authority] = {}
    orgs: dict[str, Authority] = {}
    for mission in _parsed(sorted((root / "missions-countries").glob("*.xml")), errors):
        for chief in mission.iterfind("chiefs/chief"):
            territory = (chief.findtext("contemporary-territory-id") or "").strip()
            territory = territory or (mission.findtext("territory-id") or "").strip()
            if territory and territory not in places:
                places[territory] = _place(territory)
            title = titles.get((chief.findtext("role-title-id") or "").strip(), "Chief of Mission")
            place = territory_name(territory) if territory else None
            _add_role(people, chief, f"{title}, {place}" if place else title, None, place)
    for mission in _parsed(sorted((root / "missions-orgs").glob("*.xml")), errors):
        mission_id = (mission.findtext("id") or "").strip()
        mission_title = _text(mission, "names/singular")
        if not mission_id or not mission_title:
            continue
        org_name = _org_name(mission_title)
        orgs[mission_id] = Authority(
            id=f"org/{slug(org_name)}",
            kind="org",
            name=org_name,
            names=[_name(org_name, "preferred", "pocom")],
            identifiers={"pocom": mission_id},
            sources=["pocom"],
        )
        for chief in mission.iterfind("chiefs/chief"):
            _add_role(people, chief, mission_title, org_name, None)
    for position in positions:
        title = _text(position, "names/singular")
        for principal in position.iterfind("principals/principal"):
            _add_role(people, principal, title, "Department of State", None)
    return Pocom(people, places, orgs)


def _pocom_person(root: etree._Element) -> Authority | None:
    pocom_id = (root.findtext("id") or "").strip()
    surname = _text(root, "persName/surname")
    if not pocom_id or not surname:
        return None
    forename = _text(root, "persName/forename")
    generation = _text(root, "persName/genName")
    preferred = f"{surname}, {forename}" if forename else surname
    if generation:
        preferred = f"{preferred}, {generation}"
    names = [_name(preferred, "preferred", "pocom")]
    for alt in root.iterfind("persName/altname"):
        text = " ".join("".join(alt.itertext()).split())
        if text:
            names.append(_name(text, "variant", "pocom"))
    birth = _YEAR.match((root.findtext("birth") or "").strip())
    death = _YEAR.match((root.findtext("death") or "").strip())
    return Authority(
        id=f"person/{pocom_id}",
        kind="person",
        name=preferred,
        names=_unique_names(names),
        identifiers={"pocom": pocom_id},
        birth=birth.group() if birth else None,
        death=death.group() if death else None,
        sources=["pocom"],
    )


def _add_role(
    people: dict[str, Authority],
    appointment: etree._Element,
    title: str,
    organisation: str | None,
    place: str | None,
) -> None:
    person = people.get((appointment.findtext("person-id") or "").strip())
    if person is None:
        return
    start = _dated(appointment, "started") or _dated(appointment, "appointed")
    person.roles.append(
        AuthorityRole(
            title=title,
            organisation=organisation,
            place=place,
            start=start,
            end=_dated(appointment, "ended"),
            source="pocom",
        )
    )


def _place(territory: str) -> Authority:
    name = territory_name(territory)
    return Authority(
        id=f"place/{territory}",
        kind="place",
        name=name,
        names=[_name(name, "preferred", "pocom")],
        identifiers={"pocom": territory},
        sources=["pocom"],
    )


def _unique_names(names: list[AuthorityName]) -> list[AuthorityName]:
    seen: set[str] = set()
    unique: list[AuthorityName] = []
    for name in names:
        if name.name not in seen:
            seen.add(name.name)
            unique.append(name)
    return unique
