"""opis's own JSON Lines export read back: one ``Record.to_json()`` object per line.

An export made with sources (``opis.export.jsonl``) also holds ``{"opis_source":
{...}}`` lines with the raw bytes of each source file; they become ``RawSource``
items, so importing a backup restores every source byte for byte. Exports can be
larger than any file opis reads whole, so the ingester streams them
(``read_jsonl_stream``).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Iterable, Iterator
from typing import Any, BinaryIO

from pydantic import ValidationError

from opis.model import RawSource, Record, Source
from opis.readers.base import Item, Reader, ReadError
from opis.readers.text import decode

SOURCE_KEY = "opis_source"
EXTENSIONS = (".jsonl", ".ndjson")


def parse_line(line: str, number: int) -> dict[str, Any]:
    try:
        value = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ReadError(f"invalid JSON: {exc.msg}", f"line {number}, column {exc.colno}") from exc
    if not isinstance(value, dict):
        raise ReadError("a line must hold a JSON object", f"line {number}")
    return value


def record_from(value: dict[str, Any], number: int) -> Record:
    try:
        return Record.from_json(value)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or "record"
        raise ReadError(f"not an opis record: {field}: {first['msg']}", f"line {number}") from exc


def raw_source_from(value: dict[str, Any], number: int) -> RawSource:
    """A source line of a with-sources export; its bytes must match their hash."""
    entry = value[SOURCE_KEY]
    try:
        content = base64.b64decode(entry["base64"], validate=True)
        sha256, filename, fmt = entry["sha256"], entry["filename"], entry["format"]
    except (KeyError, TypeError, binascii.Error) as exc:
        raise ReadError(f"bad {SOURCE_KEY} line: {exc}", f"line {number}") from exc
    if hashlib.sha256(content).hexdigest() != sha256:
        raise ReadError(f"{SOURCE_KEY} bytes do not match their sha256", f"line {number}")
    return RawSource(sha256=sha256, content=content, filename=filename, format=fmt)


def items_from_lines(lines: Iterable[str]) -> Iterator[Item]:
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        value = parse_line(line, number)
        if SOURCE_KEY in value and len(value) == 1:
            yield raw_source_from(value, number)
        else:
            yield record_from(value, number)


def read_jsonl(raw: bytes, source: Source) -> Iterator[Item]:
    text, _encoding = decode(raw, source.filename)
    yield from items_from_lines(text.split("\n"))


def read_jsonl_stream(handle: BinaryIO, source: Source) -> Iterator[Item]:
    yield from items_from_lines(_decoded_lines(handle))


def _decoded_lines(handle: BinaryIO) -> Iterator[str]:
    for number, line in enumerate(iter(handle.readline, b""), start=1):
        try:
            yield line.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError as exc:
            raise ReadError("invalid UTF-8", f"line {number}, byte {exc.start}") from exc


def _first_object(head: bytes) -> dict[str, Any] | None:
    """The first non-blank line as a JSON object; a long line may be cut at the head's end."""
    text = head.lstrip(b"\xef\xbb\xbf").decode("utf-8", errors="replace")
    first = next((line for line in text.split("\n") if line.strip()), "")
    try:
        value = json.loads(first)
    except json.JSONDecodeError:
        return None
    return value if isinstance(value, dict) else None


def detect(filename: str, head: bytes) -> bool:
    if not filename.lower().endswith(EXTENSIONS):
        return False
    value = _first_object(head)
    if value is not None:
        return ("id" in value and "source" in value) or SOURCE_KEY in value
    # A first line longer than the head: judge by how the record JSON starts.
    start = head.lstrip(b"\xef\xbb\xbf").lstrip()
    return start.startswith((b'{"id":', b'{"' + SOURCE_KEY.encode() + b'":'))


READERS: list[Reader] = [
    Reader(
        format="opis-jsonl",
        description="opis JSON Lines export (one record per line)",
        detect=detect,
        read=read_jsonl,
        media_type="application/x-ndjson",
        read_stream=read_jsonl_stream,
        keep_container=False,
    )
]
