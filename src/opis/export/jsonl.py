"""JSON Lines export: one record JSON per line, streamed, in id order.

With ``with_sources`` each record line is preceded (once per source) by a
line ``{"opis_source": {...}}`` carrying the raw bytes in base64, so an
export is a complete backup that ``opis ingest`` restores byte for byte.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import TextIO

from opis.readers.jsonl import SOURCE_KEY
from opis.store.sql import SqlStore


def iter_jsonl(store: SqlStore, *, with_sources: bool = False) -> Iterator[str]:
    written: set[str] = set()
    for stored in store.iter_records():
        record = stored.record
        sha = record.source.sha256
        if with_sources and sha not in written:
            content = store.get_source(sha)
            if content is not None:
                written.add(sha)
                line = {
                    SOURCE_KEY: {
                        "sha256": sha,
                        "filename": record.source.filename,
                        "format": record.source.format,
                        "base64": base64.b64encode(content).decode("ascii"),
                    }
                }
                yield json.dumps(line, ensure_ascii=False) + "\n"
        yield json.dumps(record.to_json(), ensure_ascii=False) + "\n"


def write_jsonl(store: SqlStore, out: TextIO, *, with_sources: bool = False) -> int:
    count = 0
    for line in iter_jsonl(store, with_sources=with_sources):
        out.write(line)
        if not line.startswith('{"' + SOURCE_KEY):
            count += 1
    return count
