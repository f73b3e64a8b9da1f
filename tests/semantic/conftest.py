"""Real documents for the semantic tests, and one model shared by the session.

FRUS 1949 vol. VII part 2 (its Korea chapter), FRUS 1961-63 vol. VI (the
Kennedy-Khrushchev exchanges) and DFAT vol. 1 (the 1938 iron ore export ban)
give three subjects far apart; the seed and the Wilson Russian transcript
give a Soviet cable in English and a record in Russian.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from opis.model import Record
from opis.readers.base import make_source
from opis.readers.registry import detect
from opis.semantic.embedder import DIMENSIONS, MODEL_ID, MiniLMEmbedder, Vectors

FRUS_KOREA = "frus/volumes/frus1949v07p2.xml"
FRUS_KENNEDY = "frus/volumes/frus1961-63v06.xml"
FRUS_SUPPLEMENT = "frus/volumes/frus1961-63v07-09mSupp.xml"
DFAT_VOLUME_1 = "dfat/volumes/volume-1-1937-38"
IRON_ORE = (
    "186-sir-earle-page-minister-for-commerce-to-mr-j-a-lyons-prime-minister.md",
    "202-mr-j-a-lyons-prime-minister-to-sir-earle-page-minister-for-commerce.md",
)
SEED = "wilson/000_d6b8fba0548ddb4f.txt"
WILSON_TRANSCRIPT = "wilson/transcript.json"

KOREA_WITHDRAWAL = ("frus1949v07p2-d213", "frus1949v07p2-d240")
"""Muccio on announcing the withdrawal of US forces; the Department on troop withdrawal."""
KOREA_MORE = ("frus1949v07p2-d209", "frus1949v07p2-d210")
"""NSC 8/2 on the US position with respect to Korea; Drumright's observations on Korea."""


def read_records(path: Path) -> list[Record]:
    raw = path.read_bytes()
    reader = detect(path.name, raw[:4096])
    assert reader is not None, path
    source = make_source(raw, path.name, reader.format)
    return [item for item in reader.read(raw, source) if isinstance(item, Record)]


@pytest.fixture(scope="session")
def frus_korea(corpus: Path) -> dict[str, Record]:
    return {r.id: r for r in read_records(corpus / FRUS_KOREA)}


@pytest.fixture(scope="session")
def frus_kennedy(corpus: Path) -> dict[str, Record]:
    return {r.id: r for r in read_records(corpus / FRUS_KENNEDY)}


@pytest.fixture(scope="session")
def iron_ore(corpus: Path) -> list[Record]:
    return [read_records(corpus / DFAT_VOLUME_1 / name)[0] for name in IRON_ORE]


@pytest.fixture(scope="session")
def seed(corpus: Path) -> Record:
    return read_records(corpus / SEED)[0]


@pytest.fixture(scope="session")
def sample(
    frus_korea: dict[str, Record],
    frus_kennedy: dict[str, Record],
    iron_ore: list[Record],
    seed: Record,
) -> list[Record]:
    """Twelve documents: Korea 1949, Kennedy-Khrushchev, iron ore 1938, the seed."""
    korea = [frus_korea[i] for i in (*KOREA_WITHDRAWAL, *KOREA_MORE)]
    kennedy = [r for r in frus_kennedy.values() if r.body][:5]
    return [*korea, *kennedy, *iron_ore, seed]


class CachedEmbedder:
    """The real model; a text's vector is computed once per session (tests re-embed a lot)."""

    model_id = MODEL_ID
    dimensions = DIMENSIONS

    def __init__(self, inner: MiniLMEmbedder) -> None:
        self.inner = inner
        self.cache: dict[str, Vectors] = {}

    def embed(self, texts: Sequence[str]) -> Vectors:
        missing = sorted({t for t in texts if t not in self.cache})
        if missing:
            self.cache.update(zip(missing, self.inner.embed(missing), strict=True))
        if not texts:
            return self.inner.embed([])
        return np.stack([self.cache[t] for t in texts])


class CountingEmbedder:
    """The real model, remembering which texts it was asked to embed."""

    model_id = MODEL_ID
    dimensions = DIMENSIONS

    def __init__(self, inner: CachedEmbedder) -> None:
        self.inner = inner
        self.texts: list[str] = []

    def embed(self, texts: Sequence[str]) -> Vectors:
        self.texts.extend(texts)
        return self.inner.embed(texts)


@pytest.fixture(scope="session")
def model() -> MiniLMEmbedder:
    """The one embedder of the session (the model loads on its first embed)."""
    return MiniLMEmbedder()


@pytest.fixture(scope="session")
def cached(model: MiniLMEmbedder) -> CachedEmbedder:
    return CachedEmbedder(model)


@pytest.fixture
def counting(cached: CachedEmbedder) -> CountingEmbedder:
    return CountingEmbedder(cached)
