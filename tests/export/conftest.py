"""Real records for the export tests: corpus files ingested into a temporary archive."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from opis.archive import Archive, open_archive
from opis.ingest import ingest

SEED = Path("wilson") / "000_d6b8fba0548ddb4f.txt"
SEED_ID = "wilson-1947-09-12-incoming-cable-no-16-malik-to-cde-stalin"
DFAT = Path("dfat") / "volumes" / "volume-11-1947-indonesia" / "1-ballard-to-evatt.md"
FRUS = Path("frus") / "volumes" / "frus1917-72PubDip.xml"


@pytest.fixture(scope="module")
def archive(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Archive]:
    home = tmp_path_factory.mktemp("export-archive")
    archive = open_archive(home)
    report = ingest(archive.store, [corpus / SEED], fmt="webpage-text")
    assert not report.failed, report.failed
    report = ingest(archive.store, [corpus / DFAT, corpus / FRUS])
    assert not report.failed, report.failed
    yield archive
    archive.close()
