"""References between documents: resolution to held records or placeholders, and exchanges.

Detection lives in ``opis.analysis.references`` (a pure function over a record, run
at ingest); this package needs the archive's other records.
"""

from opis.references.resolve import (
    RecordKey,
    ReferenceResolver,
    Resolution,
    party_slug,
    party_tokens,
    placeholder_for,
)
from opis.references.threads import exchange

__all__ = [
    "RecordKey",
    "ReferenceResolver",
    "Resolution",
    "exchange",
    "party_slug",
    "party_tokens",
    "placeholder_for",
]
