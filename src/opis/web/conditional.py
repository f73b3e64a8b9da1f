"""Conditional GET: ETags from record versions, Last-Modified from ``updated_at``."""

from __future__ import annotations

from datetime import datetime
from email.utils import format_datetime, parsedate_to_datetime

from starlette.requests import Request

from opis.store.base import StoredRecord


def etag(stored: StoredRecord, variant: str = "") -> str:
    """A strong ETag: the store version plus the start of the content hash."""
    suffix = f"-{variant}" if variant else ""
    return f'"v{stored.version}-{stored.record.content_hash()[:16]}{suffix}"'


def last_modified(stored: StoredRecord) -> str:
    when = datetime.fromisoformat(stored.updated_at.replace("Z", "+00:00"))
    return format_datetime(when.replace(microsecond=0), usegmt=True)


def not_modified(request: Request, tag: str, modified: str) -> bool:
    """True when the client's copy is current (RFC 9110: If-None-Match wins)."""
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None:
        candidates = [t.strip() for t in if_none_match.split(",")]
        bare = tag.removeprefix("W/")
        return any(c == "*" or c.removeprefix("W/") == bare for c in candidates)
    if_modified_since = request.headers.get("if-modified-since")
    if if_modified_since is None:
        return False
    try:
        since = parsedate_to_datetime(if_modified_since)
        return parsedate_to_datetime(modified) <= since
    except (TypeError, ValueError):
        return False


def cache_headers(tag: str, modified: str) -> dict[str, str]:
    return {"ETag": tag, "Last-Modified": modified, "Cache-Control": "no-cache"}
