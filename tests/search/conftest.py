"""Session fixtures: real corpus records and one index of them per backend."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from opis.model import Record
from opis.search import SearchBackend, TantivyBackend
from tests.search.corpus_sample import sample_records

BACKENDS: dict[str, Callable[[Path], SearchBackend]] = {"tantivy": TantivyBackend}


@pytest.fixture(scope="session")
def records(corpus: Path) -> list[Record]:
    return sample_records(corpus)


@pytest.fixture(scope="session")
def by_id(records: list[Record]) -> dict[str, Record]:
    return {r.id: r for r in records}


@pytest.fixture(scope="session", params=sorted(BACKENDS))
def backend(
    request: pytest.FixtureRequest,
    records: list[Record],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[SearchBackend]:
    index = BACKENDS[request.param](tmp_path_factory.mktemp(f"index-{request.param}"))
    index.index((record, 1) for record in records)
    index.commit()
    yield index
    index.close()
