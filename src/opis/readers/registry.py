"""Which reader handles a file: detection by name and first bytes, or forced by format."""

from __future__ import annotations

import importlib
from functools import cache

from opis.readers.base import Reader

# Most specific first: detection stops at the first reader that claims a file.
READER_MODULES = (
    "opis.readers.jsonl",
    "opis.readers.historylab",
    "opis.readers.webpage",
    "opis.readers.wilson_json",
    "opis.readers.catalog_json",
    "opis.readers.frus_tei",
    "opis.readers.dfat",
    "opis.readers.pdf",
    "opis.readers.image",
)

HEAD_BYTES = 4096


@cache
def all_readers() -> tuple[Reader, ...]:
    readers: list[Reader] = []
    for name in READER_MODULES:
        readers.extend(importlib.import_module(name).READERS)
    return tuple(readers)


def formats() -> list[str]:
    return [reader.format for reader in all_readers()]


def by_format(fmt: str) -> Reader:
    for reader in all_readers():
        if reader.format == fmt:
            return reader
    raise KeyError(f"unknown format {fmt!r}; known: {', '.join(formats())}")


def detect(filename: str, head: bytes) -> Reader | None:
    for reader in all_readers():
        if reader.detect(filename, head[:HEAD_BYTES]):
            return reader
    return None
