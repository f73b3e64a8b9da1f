"""A temporary archive of real corpus documents behind a TestClient.

Holds the Wilson seed cable, two DFAT documents, the FRUS World War I public
diplomacy volume, and a copy of the seed page edited at test time so that its
title, summary and body carry script tags and event-handler attributes; authorities
are built from hsg-people and POCOM and the link pass has run.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from opis.archive import open_archive
from opis.ingest import ingest
from opis.linking import link_archive, load_authorities
from opis.web import create_app

SEED = Path("wilson") / "000_d6b8fba0548ddb4f.txt"
SEED_ID = "wilson-1947-09-12-incoming-cable-no-16-malik-to-cde-stalin"
DFAT_DIR = Path("dfat") / "volumes" / "volume-11-1947-indonesia"
DFAT = [
    DFAT_DIR / "1-ballard-to-evatt.md",
    DFAT_DIR / "100-ballard-to-department-of-external-affairs.md",
]
FRUS = Path("frus") / "volumes" / "frus1917-72PubDip.xml"

XSS_TITLE_TAIL = ' <script>alert("title")</script><img src=x onerror="alert(1)">'
XSS_BODY = '<script>alert("body")</script> <b onmouseover="alert(2)">bold</b>'
XSS_SUMMARY = "<iframe src=javascript:alert(3)></iframe>"


@dataclass(frozen=True)
class Site:
    client: TestClient
    home: Path
    corpus: Path
    xss_id: str


def hostile_copy(corpus: Path, folder: Path) -> Path:
    """The seed page with markup injected into its title line, summary and body."""
    text = (corpus / SEED).read_text(encoding="utf-8")
    title = "Incoming Cable No. 16, Malik to Cde. Stalin"
    assert text.count(title) == 1
    text = text.replace(title, title + XSS_TITLE_TAIL)
    text = text.replace("Cde Molotov agrees.", "Cde Molotov agrees. " + XSS_BODY)
    text = text.replace(
        "Stalin agrees to Malik's proposal", XSS_SUMMARY + " Stalin agrees to Malik's proposal"
    )
    path = folder / "hostile_seed.txt"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="package")
def site(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    home = tmp_path_factory.mktemp("web-archive")
    hostile = hostile_copy(corpus, tmp_path_factory.mktemp("hostile"))
    archive = open_archive(home)
    before = set(archive.store.ids())
    for paths, fmt in (
        ([corpus / SEED], "webpage-text"),
        ([hostile], "webpage-text"),
        ([corpus / p for p in DFAT], None),
        ([corpus / FRUS], None),
    ):
        report = ingest(archive.store, paths, fmt=fmt)
        assert not report.failed, report.failed
        if paths == [hostile]:
            new = set(archive.store.ids()) - before
            assert len(new) == 1, new
            xss_id = new.pop()
        before = set(archive.store.ids())
    load_authorities(
        archive.store, archive.links, hsg_people=corpus / "hsg-people", pocom=corpus / "hsg-pocom"
    )
    link_archive(archive.store, archive.links)
    archive.close()
    with TestClient(create_app(home)) as client:
        yield Site(client, home, corpus, xss_id)
