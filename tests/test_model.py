"""The record JSON format: documented schema matches the model."""

from __future__ import annotations

import json
from pathlib import Path

from opis.model import Record, record_json_schema

DOCS = Path(__file__).resolve().parents[1] / "docs"


def test_documented_schema_is_the_generated_one() -> None:
    documented = json.loads((DOCS / "record.schema.json").read_text(encoding="utf-8"))
    assert documented == record_json_schema(), "run: opis schema > docs/record.schema.json"


def test_record_json_uses_from_and_the_documented_top_level_keys() -> None:
    schema = record_json_schema()
    assert "from" in schema["properties"] and "sender" not in schema["properties"]
    doc = (DOCS / "record.md").read_text(encoding="utf-8")
    for key in schema["properties"]:
        assert f"`{key}`" in doc, f"docs/record.md does not describe {key}"


def test_record_json_round_trips() -> None:
    data = {
        "id": "x", "title": "t", "from": [{"name": "Malik"}], "to": [{"name": "Stalin"}],
        "source": {"format": "webpage-text", "sha256": "0" * 64, "filename": "f", "size": 1},
    }
    record = Record.from_json(data)
    assert record.sender[0].name == "Malik"
    assert Record.from_json(record.to_json()) == record
