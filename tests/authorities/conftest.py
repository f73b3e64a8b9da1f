"""Authorities built once per session from the real corpus (three FRUS volumes to keep it quick)."""

from __future__ import annotations

from pathlib import Path

import pytest

from opis.authorities.build import build_authorities
from opis.authorities.linker import Linker
from opis.model import Authority, Collection, Record
from opis.readers.base import make_source
from opis.readers.frus_tei import read_frus_tei

VOLUMES = ("frus1952-54Guat", "frus1955-57v24", "frus1969-76v01")


@pytest.fixture(scope="session")
def frus_items(corpus: Path) -> dict[str, list[Collection | Record]]:
    items: dict[str, list[Collection | Record]] = {}
    for volume in VOLUMES:
        path = corpus / "frus" / "volumes" / f"{volume}.xml"
        raw = path.read_bytes()
        items[volume] = [
            item
            for item in read_frus_tei(raw, make_source(raw, path.name, "frus-tei"))
            if isinstance(item, Collection | Record)
        ]
    return items


@pytest.fixture(scope="session")
def volumes(frus_items: dict[str, list[Collection | Record]]) -> list[Collection]:
    return [i for items in frus_items.values() for i in items if isinstance(i, Collection)]


@pytest.fixture(scope="session")
def authorities(corpus: Path, volumes: list[Collection]) -> list[Authority]:
    errors: list[str] = []
    built = build_authorities(corpus / "hsg-people", corpus / "hsg-pocom", volumes, errors)
    assert errors == []
    return built


@pytest.fixture(scope="session")
def by_id(authorities: list[Authority]) -> dict[str, Authority]:
    return {a.id: a for a in authorities}


@pytest.fixture()
def linker(authorities: list[Authority]) -> Linker:
    return Linker(authorities)
