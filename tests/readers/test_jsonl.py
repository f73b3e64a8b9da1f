"""opis JSON Lines: records from real DFAT files survive to_json -> JSONL -> reader."""

from __future__ import annotations

import base64
import hashlib
import io
import json
from pathlib import Path

import pytest

from opis.model import RawSource, Record
from opis.readers.base import ReadError, make_source
from opis.readers.dfat import read_markdown
from opis.readers.jsonl import READERS, SOURCE_KEY, detect, read_jsonl, read_jsonl_stream

SAMPLE_FILES = (
    "volume-11-1947-indonesia/1-ballard-to-evatt.md",
    "volume-11-1947-indonesia/134-ballard-to-department-of-external-affairs.md",
    "volume-1-1937-38/72-mr-s-m-bruce-high-commissioner-in-london-to-mr-j-a-lyons-prime-minister.md",
    "volume-16-1948-49-australia-and-the-postwar-world-beyond-the-region/377-chifley-to-shedden.md",
)


@pytest.fixture(scope="module")
def dfat_records(corpus: Path) -> list[Record]:
    records = []
    for name in SAMPLE_FILES:
        raw = (corpus / "dfat" / "volumes" / name).read_bytes()
        for item in read_markdown(raw, make_source(raw, name, "dfat-markdown")):
            if isinstance(item, Record):
                records.append(item)
    assert len(records) == len(SAMPLE_FILES)
    return records


def to_jsonl(records: list[Record]) -> bytes:
    lines = [json.dumps(r.to_json(), ensure_ascii=False) for r in records]
    return ("\n".join(lines) + "\n").encode("utf-8")


def read(raw: bytes, name: str = "export.jsonl") -> list[Record]:
    items = list(read_jsonl(raw, make_source(raw, name, "opis-jsonl")))
    assert all(isinstance(i, Record) for i in items)
    return [i for i in items if isinstance(i, Record)]


def test_reader_format() -> None:
    assert [r.format for r in READERS] == ["opis-jsonl"]


def test_round_trip_equal(dfat_records: list[Record]) -> None:
    back = read(to_jsonl(dfat_records))
    assert back == dfat_records
    for original, restored in zip(dfat_records, back, strict=True):
        for name in Record.model_fields:
            assert getattr(restored, name) == getattr(original, name), name
        assert restored.content_hash() == original.content_hash()
    assert back[0].sender[0].name == "Ballard"
    assert back[1].transmission[0].event == "received"


def source_line(content: bytes, sha256: str | None = None) -> str:
    entry = {
        "sha256": sha256 or hashlib.sha256(content).hexdigest(),
        "filename": "1-ballard-to-evatt.md",
        "format": "dfat-markdown",
        "base64": base64.b64encode(content).decode(),
    }
    return json.dumps({SOURCE_KEY: entry})


def test_source_lines_restore_raw_bytes_and_blank_lines_are_skipped(
    corpus: Path, dfat_records: list[Record]
) -> None:
    content = (corpus / "dfat" / "volumes" / SAMPLE_FILES[0]).read_bytes()
    raw = (source_line(content) + "\n\n").encode() + to_jsonl(dfat_records[:2]) + b"\n   \n"
    items = list(read_jsonl(raw, make_source(raw, "backup.jsonl", "opis-jsonl")))
    sources = [i for i in items if isinstance(i, RawSource)]
    assert [s.content for s in sources] == [content]
    assert sources[0].sha256 == dfat_records[0].source.sha256
    assert [i.id for i in items if isinstance(i, Record)] == [r.id for r in dfat_records[:2]]
    assert detect("backup.jsonl", raw[:4096])


def test_source_line_whose_bytes_do_not_match_their_hash_is_an_error(corpus: Path) -> None:
    content = (corpus / "dfat" / "volumes" / SAMPLE_FILES[0]).read_bytes()
    raw = source_line(content, sha256="0" * 64).encode()
    with pytest.raises(ReadError) as error:
        list(read_jsonl(raw, make_source(raw, "backup.jsonl", "opis-jsonl")))
    assert error.value.position == "line 1"


def test_streamed_reading_gives_the_same_items(dfat_records: list[Record]) -> None:
    raw = to_jsonl(dfat_records)
    source = make_source(raw, "export.jsonl", "opis-jsonl")
    assert list(read_jsonl_stream(io.BytesIO(raw), source)) == list(read_jsonl(raw, source))


def test_bad_line_is_an_error_with_its_number(dfat_records: list[Record]) -> None:
    raw = to_jsonl(dfat_records[:2]) + b'{"id": "x", "source": \n'
    with pytest.raises(ReadError) as error:
        read(raw)
    assert error.value.position is not None and error.value.position.startswith("line 3")


def test_object_that_is_not_a_record_is_an_error() -> None:
    raw = b'{"id": "x", "source": {"format": "pdf"}}\n'
    with pytest.raises(ReadError) as error:
        read(raw)
    assert error.value.position == "line 1"
    assert "not an opis record" in error.value.message


def test_non_object_line_is_an_error() -> None:
    with pytest.raises(ReadError, match="JSON object"):
        read(b"[1, 2, 3]\n")


def test_detect(dfat_records: list[Record], corpus: Path) -> None:
    raw = to_jsonl(dfat_records)
    assert detect("export.jsonl", raw[:4096])  # a first line longer than the head
    assert detect("export.ndjson", to_jsonl(dfat_records[1:2])[:100_000])
    assert not detect("export.json", raw[:4096])
    assert not detect("other.jsonl", b'{"name": "x"}\n')
    wilson = (corpus / "wilson" / "collection.json").read_bytes()[:4096]
    assert not detect("collection.jsonl", wilson)
