"""What to say about a file no reader claims: junk is an error, other kinds are skipped.

A folder of archive material holds files opis does not read as documents
(authority data, code tables). Those are skipped. But a file that claims to
be a document by its extension and is binary junk or broken XML is bad
input, and the user must hear about it.
"""

from __future__ import annotations

from pathlib import PurePath

from opis.readers.base import ReadError
from opis.readers.tei_common import parse_xml
from opis.readers.text import decode

TEXT_EXTENSIONS = {
    ".txt",
    ".md",
    ".markdown",
    ".csv",
    ".json",
    ".jsonl",
    ".ndjson",
    ".htm",
    ".html",
    ".xml",
    ".tei",
}


def unreadable_reason(filename: str, raw: bytes) -> str | None:
    """An error message when ``raw`` is not what its extension says, else None (skip it)."""
    suffix = PurePath(filename).suffix.lower()
    if suffix == ".pdf" and not raw.startswith(b"%PDF-"):
        return "byte 0: not a PDF (no %PDF- header)"
    if suffix not in TEXT_EXTENSIONS:
        return None
    try:
        text, _ = decode(raw[:65536])
    except ReadError as exc:
        return str(exc)
    stripped = text.lstrip()
    if suffix in {".xml", ".tei"}:
        if not stripped.startswith("<"):
            return "byte 0: not XML (does not start with '<')"
        return _xml_error(raw)
    if suffix in {".json", ".jsonl", ".ndjson"} and stripped[:1] not in ("{", "["):
        return "byte 0: not JSON (does not start with '{' or '[')"
    return None


def _xml_error(raw: bytes) -> str | None:
    try:
        parse_xml(raw)
    except ReadError as exc:
        return str(exc)
    return None
