"""Score floors of bench/references.py on part of the corpus (precision 0.9, recall 0.7)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from opis.model import Record
from opis.readers.base import make_source
from opis.readers.registry import by_format

BENCH = Path(__file__).resolve().parents[2] / "bench" / "references.py"


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_references", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_frus_footnote_references_meet_the_targets(corpus: Path) -> None:
    bench = _bench()
    volumes = {"frus1961-63v06", "frus1964-68v22"}
    scores, _spent, held = bench.evaluate_frus(corpus, volumes)
    assert held > 2800  # the resolver knows every document of all volumes
    assert set(scores) == volumes
    for volume, score in scores.items():
        assert score.gold > 100, volume
        assert score.precision >= 0.9, (volume, score)
        assert score.recall >= 0.7, (volume, score)


def test_dfat_cable_references_meet_the_targets(corpus: Path) -> None:
    bench = _bench()
    records: list[Record] = []
    for folder in ("volume-2-1939", "volume-3-1940-january-june"):
        for path in sorted((corpus / "dfat" / "volumes" / folder).glob("*.md")):
            raw = path.read_bytes()
            reader = by_format("dfat-markdown")
            items = reader.read(raw, make_source(raw, path.name, "dfat-markdown"))
            records.extend(item for item in items if isinstance(item, Record))
    score, methods, _spent = bench.evaluate_dfat(records)
    assert score.gold > 100
    assert methods["cable-number"] > 50
    assert score.precision >= 0.9, score
    assert score.recall >= 0.7, score
