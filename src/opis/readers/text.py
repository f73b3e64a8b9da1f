"""Turning bytes into text the way archive files need: BOMs, cp1251, CRLF."""

from __future__ import annotations

import json
import re
import unicodedata
from typing import Any

from opis.readers.base import ReadError

_BOMS = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)


def decode(raw: bytes, filename: str = "") -> tuple[str, str]:
    """Decode ``raw`` to text with normalised newlines; return (text, encoding).

    UTF-8 (with or without BOM) first, UTF-16 by BOM, then cp1251 when the
    bytes look like Cyrillic text, then cp1252. Binary junk (NUL bytes,
    control characters) raises ``ReadError`` naming the byte offset.
    """
    encoding = "utf-8"
    body = raw
    for bom, name in _BOMS:
        if raw.startswith(bom):
            encoding, body = name, raw[len(bom) :]
            break
    if encoding == "utf-8":
        nul = raw.find(b"\x00")
        if nul != -1:
            raise ReadError("binary data, not text (NUL byte)", f"byte {nul}")
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError as exc:
            text, encoding = _decode_legacy(body, exc)
    else:
        try:
            text = body.decode(encoding)
        except UnicodeDecodeError as exc:
            raise ReadError(f"invalid {encoding}", f"byte {exc.start}") from exc
    _reject_control_junk(text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text), encoding


def _decode_legacy(body: bytes, exc: UnicodeDecodeError) -> tuple[str, str]:
    high = [b for b in body if b >= 0x80]
    # cp1251 Cyrillic letters sit at 0xC0-0xFF; Western text rarely has many.
    cyrillic_first = bool(high) and sum(1 for b in high if b >= 0xC0) / len(high) > 0.6
    for encoding in ("cp1251", "cp1252") if cyrillic_first else ("cp1252", "cp1251"):
        try:
            return body.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise ReadError("not valid UTF-8 and no known legacy encoding", f"byte {exc.start}") from exc


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _reject_control_junk(text: str) -> None:
    sample = text[:65536]
    junk = _CONTROL.findall(sample)
    if sample and len(junk) > max(8, len(sample) // 200):
        first = _CONTROL.search(sample)
        where = f"char {first.start()}" if first else None
        raise ReadError("binary data, not text (control characters)", where)


def slugify(text: str, max_length: int = 60) -> str:
    """ASCII-ish lowercase slug for readable stable ids (Cyrillic kept)."""
    folded = unicodedata.normalize("NFKD", text)
    folded = "".join(c for c in folded if not unicodedata.combining(c)).lower()
    slug = re.sub(r"[^\w]+", "-", folded).strip("-_")
    return slug[:max_length].rstrip("-_") or "untitled"


def clean_space(text: str) -> str:
    """Collapse runs of white space inside a line-free string."""
    return re.sub(r"\s+", " ", text).strip()


def load_json(text: str) -> Any:
    """Parse JSON text; a syntax error becomes a ``ReadError`` with line and column."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ReadError(
            f"invalid JSON: {exc.msg}", f"line {exc.lineno}, column {exc.colno}"
        ) from exc
