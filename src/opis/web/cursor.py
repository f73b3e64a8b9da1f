"""Opaque page cursors for ``/api/documents`` and ``/api/search``: where the next
page starts.

A cursor holds the offset of the next row, the id of the last row served and what
the listing was (a collection, or a fingerprint of the query), base64url-encoded
JSON; a client treats it as an opaque string.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass


class BadCursor(ValueError):
    pass


@dataclass(frozen=True)
class Cursor:
    offset: int
    last_id: str
    collection: str | None = None
    query: str | None = None
    """Fingerprint of the search (query and sort) the cursor pages through."""


def encode(cursor: Cursor) -> str:
    data: dict[str, object] = {"o": cursor.offset, "l": cursor.last_id, "c": cursor.collection}
    if cursor.query is not None:
        data["q"] = cursor.query
    raw = json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def decode(text: str) -> Cursor:
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        data = json.loads(raw.decode("utf-8"))
        offset, last_id, collection = data["o"], data["l"], data.get("c")
        query = data.get("q")
    except (binascii.Error, ValueError, UnicodeDecodeError, KeyError, TypeError) as exc:
        raise BadCursor(f"invalid cursor {text!r}") from exc
    if not isinstance(offset, int) or offset < 0 or not isinstance(last_id, str):
        raise BadCursor(f"invalid cursor {text!r}")
    if any(v is not None and not isinstance(v, str) for v in (collection, query)):
        raise BadCursor(f"invalid cursor {text!r}")
    return Cursor(offset, last_id, collection, query)
