"""The record model: what opis knows about one document.

Readers build these from raw bytes, analysers enrich them, stores keep them,
search indexes them. The JSON form (``Record.to_json``) is the public record
format documented in ``docs/record.md``; ``from`` is a Python keyword, so the
field is ``sender`` in code and ``from`` in JSON.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = 1


class _Model(BaseModel):
    model_config = ConfigDict(populate_by_name=True, extra="forbid")


class Person(_Model):
    """A person or office as the document names it (not yet an authority)."""

    name: str
    role: str | None = None
    """Office or description as stated, e.g. "Chargé in the Soviet Union"."""
    key: str | None = None
    """Source-local identifier, e.g. a FRUS persons-list id ``p_KGF1``."""
    authority_id: str | None = None


class Place(_Model):
    name: str
    role: str | None = None
    """Why the place is named: ``dateline``, ``sent``, ``received``, ``header``."""


class TransmissionEvent(_Model):
    """One step in the handling chain of a cable, in document order."""

    event: str
    """``sent``, ``received``, ``deciphered``, ``printed``, ``registered``..."""
    place: str | None = None
    date: str | None = None
    """EDTF, with time of day when the document states it."""
    purpose: str | None = None
    """E.g. ``decipherment`` for "Received in Sochi for decipherment"."""
    copies: int | None = None
    agent: str | None = None
    """Who did it (a cipher clerk's name, an office)."""
    reference: str | None = None
    """A registry number stated with the event, e.g. ``16/sh``."""
    text: str
    """The phrase the event was read from."""


class Annotation(_Model):
    """Marginalia, resolutions, editorial brackets: kept out of the running text."""

    kind: str
    """``handwritten``, ``typed``, ``stamp``, ``illegible``, ``signature``, ``editorial``."""
    text: str
    """The annotation's content without its label ("Cde Stalin approves. P.")."""
    raw: str
    """The bracketed text exactly as in the source."""
    category: str | None = None
    """What it does: ``approval``, ``authorship``, ``instruction``, ``receipt``..."""
    hand: str | None = None
    """Who wrote it where the document says or signs it."""
    position: int = 0
    """Character offset in ``body`` where the annotation stood."""
    order: int = 0


class Citation(_Model):
    """An archival citation: the original text plus the parts a grammar found."""

    text: str
    family: str | None = None
    """``russian-archive``, ``us-state-central-files``, ``us-lot-file``, ``naa``, ``us-nara``..."""
    repository: str | None = None
    fond: str | None = None
    opis: str | None = None
    delo: str | None = None
    folios: str | None = None
    """Leaves as a normalised range, e.g. ``52-53``."""
    series: str | None = None
    control_symbol: str | None = None
    barcode: str | None = None
    file: str | None = None
    """US decimal or central file number, e.g. ``783A.00/1-1658``."""
    lot: str | None = None
    box: str | None = None
    folder: str | None = None
    item: str | None = None
    collection: str | None = None
    """Named record group / papers / collection within the repository."""
    medium: str | None = None
    """What the source note says the original is: ``Telegram``, ``Memorandum``..."""


class Contributor(_Model):
    name: str
    role: str
    """``contributor``, ``translator``, ``editor``, ``compiler``, ``harvester``."""


class Footnote(_Model):
    key: str
    """The marker or id, e.g. ``1`` or ``d475fn44``."""
    text: str
    position: int | None = None
    """Character offset in ``body`` of the marker."""


class Page(_Model):
    number: int
    """1-based page index within the source."""
    label: str | None = None
    """Printed page number where it differs from the index (FRUS ``pb/@n``)."""
    offset: int = 0
    """Character offset in ``body`` where the page starts."""
    has_text: bool = True
    facs: str | None = None


class Mention(_Model):
    """A name in the document: marked up by the source or found by analysis.

    The link from a mention to its authority record is not kept here but in
    the store's entity links, so curators can merge and split authorities
    without rewriting records.
    """

    text: str
    type: str
    """``person``, ``place``, ``org``, ``term`` or the source's own tag."""
    key: str | None = None
    """Source-local identifier (FRUS ``p_AD1``, a History Lab entity number)."""
    position: int | None = None
    """Character offset of the mention in ``body`` (None: title, note or header)."""
    end: int | None = None
    """Offset just past the mention in ``body``."""
    origin: str | None = None
    """Who found it: ``markup`` (the source), ``header``, ``ner`` (spaCy/natasha)."""


class Reference(_Model):
    """A pointer from this document to another one.

    Resolution to a held record (or to a "referenced, not held" placeholder)
    is kept in the store's reference links; ``record_id`` is set only where
    the source itself links (a FRUS ``ref/@target`` within the volume).
    """

    text: str
    kind: str
    """``telegram``, ``letter``, ``note``, ``proposals``, ``memorandum``,
    ``meeting``, ``document``, ``frus-ref``..."""
    target: str | None = None
    """What the source links to (``#d12``, ``frus1969-76v04#d189``)."""
    numbers: list[str] = Field(default_factory=list)
    date: str | None = None
    """EDTF date the text gives (``1947-09-04``); a window goes in start/end."""
    date_start: str | None = None
    date_end: str | None = None
    sender: str | None = None
    """Author as stated or implied ("Shtykov's telegrams"; "your 567": the recipient)."""
    recipient: str | None = None
    position: int | None = None
    """Character offset in ``body``."""
    record_id: str | None = None


class Source(_Model):
    """Where a record came from; the bytes themselves live in the store."""

    format: str
    sha256: str
    filename: str
    size: int
    path: str | None = None
    """Where the file sat, relative to the folder that was ingested (``gt/unittest/x.txt``)."""
    part: str | None = None
    """Which record inside a multi-record source (``d475``, CSV row ``12``)."""
    media_type: str | None = None
    encoding: str | None = None


class Collection(_Model):
    """A volume, fond or collection that records belong to."""

    id: str
    title: str
    kind: str
    """``frus-volume``, ``dfat-volume``, ``wilson-collection``..."""
    description: str | None = None
    rights: str | None = None
    metadata: dict[str, Any] = Field(default_factory=dict)
    """Format-specific lists kept for later linking: FRUS ``persons``, ``terms``."""
    source: Source | None = None


class Record(_Model):
    id: str
    title: str
    type: str | None = None
    number: str | None = None
    date: str | None = None
    """EDTF: ``1947-09-12``, ``1947-09``, ``1947~``, ``1947-09-12T03:50``."""
    date_precision: str | None = None
    """``minute``, ``day``, ``month``, ``year``, ``decade``."""
    date_start: str | None = None
    """ISO 8601 lower bound (inclusive) derived from ``date``, for range queries."""
    date_end: str | None = None
    """ISO 8601 upper bound (inclusive)."""
    sender: list[Person] = Field(default_factory=list, alias="from")
    to: list[Person] = Field(default_factory=list)
    signers: list[Person] = Field(default_factory=list)
    places: list[Place] = Field(default_factory=list)
    classification: str | None = None
    languages: list[str] = Field(default_factory=list)
    body: str = ""
    summary: str | None = None
    transmission: list[TransmissionEvent] = Field(default_factory=list)
    annotations: list[Annotation] = Field(default_factory=list)
    citation: Citation | None = None
    other_citations: list[Citation] = Field(default_factory=list)
    contributors: list[Contributor] = Field(default_factory=list)
    rights: str | None = None
    attribution: str | None = None
    """Credit line a reuse must show (DFAT's CC BY)."""
    collection: str | None = None
    """``Collection.id`` this record belongs to."""
    source_record_id: str | None = None
    """The publisher's own id for the document, where it has one."""
    source_url: str | None = None
    footnotes: list[Footnote] = Field(default_factory=list)
    pages: list[Page] = Field(default_factory=list)
    mentions: list[Mention] = Field(default_factory=list)
    references: list[Reference] = Field(default_factory=list)
    metadata_only: bool = False
    """A catalogue entry without the document's text."""
    needs_ocr: bool = False
    extra: dict[str, Any] = Field(default_factory=dict)
    """Source fields with no place above, kept rather than dropped."""
    source: Source

    def to_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json", by_alias=True)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Record:
        return cls.model_validate(data)

    def content_hash(self) -> str:
        """Hash of the record's JSON: equal hashes mean nothing changed."""
        encoded = json.dumps(self.to_json(), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class RawSource:
    """The exact bytes a record was read from, as the store keeps them.

    Readers yield these only when the input carries other files' bytes
    (an opis backup export); otherwise the ingester makes one per file.
    """

    sha256: str
    content: bytes
    filename: str
    format: str


def record_json_schema() -> dict[str, Any]:
    return Record.model_json_schema(by_alias=True)


# ---------------------------------------------------------------------------
# Authorities: one record per real person, place or organisation.


class AuthorityName(_Model):
    name: str
    kind: str = "variant"
    """``preferred``, ``variant``, ``original`` (as a source printed it),
    ``pseudonym`` (Filippov for Stalin), ``transliteration``, ``abbreviation``
    (AEC, from a FRUS terms list)."""
    script: str | None = None
    """ISO 15924: ``Latn``, ``Cyrl``."""
    source: str | None = None


class AuthorityRole(_Model):
    title: str
    """As the source gives it: "Secretary of State", "Ambassador to the Soviet Union"."""
    organisation: str | None = None
    place: str | None = None
    start: str | None = None
    """EDTF or ISO date."""
    end: str | None = None
    source: str | None = None


class Authority(_Model):
    """An authority record. ``id`` is stable: ``person/eden-anthony``, ``place/moscow``."""

    id: str
    kind: str
    """``person``, ``place`` or ``org``."""
    name: str
    """Preferred form, "Surname, Forenames" for people."""
    names: list[AuthorityName] = Field(default_factory=list)
    roles: list[AuthorityRole] = Field(default_factory=list)
    identifiers: dict[str, str] = Field(default_factory=dict)
    """Source identifiers: ``hsg-people``, ``pocom``, ``viaf``, and ``frus:<volume>``
    (that volume's persons-list key)."""
    birth: str | None = None
    death: str | None = None
    description: str | None = None
    status: str = "authority"
    """``authority`` (from a reference source or a curator) or ``candidate``
    (created by the linker from an unmatched mention, awaiting review)."""
    merged_into: str | None = None
    """Set when a curator merged this record into another; links follow it."""
    sources: list[str] = Field(default_factory=list)


class EntityLink(_Model):
    """A stored decision: mention ``mention`` of record ``record_id`` is ``authority_id``."""

    record_id: str
    mention: int
    """Index into the record's ``mentions`` (or -1 for sender/recipient fields)."""
    text: str
    type: str
    authority_id: str
    confidence: float
    method: str
    """``key`` (source markup), ``name``, ``context``, ``candidate``, ``curator``."""
    field: str = "mentions"
    """Where the name sits: ``mentions``, ``from``, ``to``, ``signers``, ``transmission``
    (the agent of the transmission event ``mention``)."""


class ReferenceLink(_Model):
    """A stored resolution of ``record_id``'s reference number ``reference``."""

    record_id: str
    reference: int
    """Index into the record's ``references``."""
    ordinal: int = 0
    """Which of the reference's numbers ("telegrams Nos. 663 and 669": 0 and 1)."""
    target_id: str | None = None
    """The record it names, when the archive holds it."""
    placeholder_id: str | None = None
    """Otherwise the "referenced, not held" placeholder that gathers its citers."""
    confidence: float = 0.0
    method: str = ""


class Placeholder(_Model):
    """A document the archive does not hold but its records cite."""

    id: str
    """Deterministic from the parsed reference: ``ref/telegram/shtykov/663``."""
    kind: str
    label: str
    """Human-readable: "Shtykov's telegram No. 663 (1947)"."""
    numbers: list[str] = Field(default_factory=list)
    sender: str | None = None
    recipient: str | None = None
    date: str | None = None
    date_start: str | None = None
    date_end: str | None = None
