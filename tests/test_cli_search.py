"""`opis search` and `opis reindex` end to end, on real documents."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from opis.archive import open_archive
from opis.model import RawSource, Record
from opis.readers.base import make_source
from opis.readers.registry import detect

SEED = "wilson/000_d6b8fba0548ddb4f.txt"
DFAT = "dfat/volumes/volume-11-1947-indonesia/1-ballard-to-evatt.md"


def opis(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "opis.cli", *args],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "OPIS_HOME": str(home)},
    )


def test_search_json_shape_facets_and_errors(corpus: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    ingested = opis(home, "ingest", str(corpus / SEED), str(corpus / DFAT))
    assert ingested.returncode == 0 and "search index: 2 records indexed" in ingested.stdout
    result = opis(home, "search", "Сталин", "--facet", "type", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) == {"total", "hits", "facets"}
    assert data["total"] == 1
    assert set(data["hits"][0]) == {"id", "title", "date", "type", "score", "snippet"}
    assert data["hits"][0]["id"].startswith("wilson-1947-09-12")
    assert data["facets"]["type"] == [{"value": "cable", "count": 1}]
    dated = json.loads(opis(home, "search", "date:1947-01", "--json").stdout)
    assert [h["id"] for h in dated["hits"]] == ["dfat-v11-1"]
    broken = opis(home, "search", '"stalin approves')
    assert broken.returncode == 2 and "unbalanced quote" in broken.stderr
    unknown = opis(home, "search", "nosuchfield:x")
    assert unknown.returncode == 2 and "unknown field" in unknown.stderr


def test_search_repairs_an_index_the_store_ran_ahead_of(corpus: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert opis(home, "ingest", str(corpus / SEED)).returncode == 0
    # What a crash between the store write and the index update leaves behind:
    # the record is in the store, the index never heard of it.
    raw = (corpus / DFAT).read_bytes()
    reader = detect(DFAT, raw)
    assert reader is not None
    source = make_source(raw, Path(DFAT).name, reader.format)
    items = list(reader.read(raw, source))
    archive = open_archive(home)
    archive.store.write(items, [RawSource(source.sha256, raw, source.filename, source.format)])
    archive.close()
    found = json.loads(opis(home, "search", "Ballard Evatt", "--json").stdout)
    assert [h["id"] for h in found["hits"]] == [r.id for r in items if isinstance(r, Record)]
    rebuilt = opis(home, "reindex")
    assert rebuilt.returncode == 0 and "2 records indexed" in rebuilt.stdout
