"""What every reader is: a pure function from raw bytes to records.

A reader never touches the store or the file system. It gets the bytes, the
original file name and a ``Source`` already filled in (format, sha256, size),
and yields ``Record`` and ``Collection`` objects. Bad input raises
``ReadError`` with a position, so the CLI can print one line and go on.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

from opis.model import Collection, RawSource, Record, Source

Item = Record | Collection | RawSource


class ReadError(Exception):
    """The input cannot be read; ``position`` says where (line:col, byte, row...)."""

    def __init__(self, message: str, position: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.position = position

    def __str__(self) -> str:
        return f"{self.position}: {self.message}" if self.position else self.message


class NotADocument(Exception):
    """The file is of a known kind that holds no documents (authority data, code tables)."""


ReadFunction = Callable[[bytes, Source], Iterator[Item]]
StreamFunction = Callable[[BinaryIO, Source], Iterator[Item]]
"""For inputs of any size: read from an open binary file instead of bytes."""
DetectFunction = Callable[[str, bytes], bool]
"""(file name, first bytes) -> whether this reader claims the file."""


@dataclass(frozen=True)
class Reader:
    format: str
    description: str
    detect: DetectFunction
    read: ReadFunction
    media_type: str = "application/octet-stream"
    read_stream: StreamFunction | None = None
    keep_container: bool = True
    """Keep the file's own bytes as a source; False for backups whose records carry theirs."""


def make_source(
    raw: bytes,
    filename: str,
    fmt: str,
    media_type: str | None = None,
    path: str | None = None,
) -> Source:
    return Source(
        format=fmt,
        sha256=hashlib.sha256(raw).hexdigest(),
        filename=filename,
        size=len(raw),
        path=path,
        media_type=media_type,
    )


def part_source(source: Source, part: str) -> Source:
    """The same source, naming one record inside it."""
    return source.model_copy(update={"part": part})


def repeated_id(record_id: str, occurrence: int) -> str:
    """The id of the ``occurrence``-th (2, 3...) document a source numbers ``record_id``:
    DFAT's volume 5 has two documents 8, ``dfat-v5-8`` and ``dfat-v5-8-2``."""
    return f"{record_id}-{occurrence}"
