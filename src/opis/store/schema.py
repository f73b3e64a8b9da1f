"""Table definitions shared by every SQL backend (SQLite now, PostgreSQL later).

The full record JSON is the truth (``data``); the other record columns are
copies kept for listing, filtering and statistics without parsing JSON.
Migrations in ``migrations/versions`` must create exactly these tables.
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

sources = sa.Table(
    "sources",
    metadata,
    sa.Column("sha256", sa.String(64), primary_key=True),
    sa.Column("content", sa.LargeBinary, nullable=False),
    sa.Column("size", sa.Integer, nullable=False),
    sa.Column("filename", sa.Text, nullable=False),
    sa.Column("format", sa.String(40), nullable=False),
    sa.Column("stored_at", sa.String(32), nullable=False),
)

records = sa.Table(
    "records",
    metadata,
    sa.Column("id", sa.String(200), primary_key=True),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("content_hash", sa.String(64), nullable=False),
    sa.Column("source_sha256", sa.String(64), nullable=False),
    sa.Column("format", sa.String(40), nullable=False),
    sa.Column("collection", sa.String(200)),
    sa.Column("type", sa.String(80)),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("date_start", sa.String(40)),
    sa.Column("date_end", sa.String(40)),
    sa.Column("metadata_only", sa.Boolean, nullable=False),
    sa.Column("data", sa.Text, nullable=False),
    sa.Column("created_at", sa.String(32), nullable=False),
    sa.Column("updated_at", sa.String(32), nullable=False),
    sa.Index("ix_records_updated_at", "updated_at"),
    sa.Index("ix_records_collection", "collection"),
    sa.Index("ix_records_date_start", "date_start"),
)

record_versions = sa.Table(
    "record_versions",
    metadata,
    sa.Column("record_id", sa.String(200), primary_key=True),
    sa.Column("version", sa.Integer, primary_key=True),
    sa.Column("content_hash", sa.String(64), nullable=False),
    sa.Column("source_sha256", sa.String(64), nullable=False),
    sa.Column("data", sa.Text, nullable=False),
    sa.Column("stored_at", sa.String(32), nullable=False),
)

collections = sa.Table(
    "collections",
    metadata,
    sa.Column("id", sa.String(200), primary_key=True),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("kind", sa.String(40), nullable=False),
    sa.Column("data", sa.Text, nullable=False),
    sa.Column("updated_at", sa.String(32), nullable=False),
)

ingested_files = sa.Table(
    "ingested_files",
    metadata,
    sa.Column("path", sa.Text, primary_key=True),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("reader_version", sa.String(40), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("records", sa.Integer, nullable=False, default=0),
    sa.Column("message", sa.Text),
    sa.Column("seen_at", sa.String(32), nullable=False),
)

# --- document intelligence (migration 0002) ---------------------------------
# Authorities and the stored decisions that tie records to them and to each
# other. Links are kept, not recomputed on read, so curators can correct them.

authorities = sa.Table(
    "authorities",
    metadata,
    sa.Column("id", sa.String(200), primary_key=True),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("merged_into", sa.String(200)),
    sa.Column("data", sa.Text, nullable=False),
    sa.Column("updated_at", sa.String(32), nullable=False),
    sa.Index("ix_authorities_kind", "kind"),
)

authority_names = sa.Table(
    "authority_names",
    metadata,
    sa.Column("key", sa.String(200), primary_key=True),
    sa.Column("authority_id", sa.String(200), primary_key=True),
    sa.Index("ix_authority_names_authority", "authority_id"),
)

entity_links = sa.Table(
    "entity_links",
    metadata,
    sa.Column("record_id", sa.String(200), primary_key=True),
    sa.Column("field", sa.String(16), primary_key=True),
    sa.Column("mention", sa.Integer, primary_key=True),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("type", sa.String(16), nullable=False),
    sa.Column("authority_id", sa.String(200), nullable=False),
    sa.Column("confidence", sa.Float, nullable=False),
    sa.Column("method", sa.String(16), nullable=False),
    sa.Index("ix_entity_links_authority", "authority_id"),
)

reference_links = sa.Table(
    "reference_links",
    metadata,
    sa.Column("record_id", sa.String(200), primary_key=True),
    sa.Column("reference", sa.Integer, primary_key=True),
    sa.Column("ordinal", sa.Integer, primary_key=True),
    sa.Column("target_id", sa.String(200)),
    sa.Column("placeholder_id", sa.String(200)),
    sa.Column("confidence", sa.Float, nullable=False),
    sa.Column("method", sa.String(32), nullable=False),
    sa.Index("ix_reference_links_target", "target_id"),
    sa.Index("ix_reference_links_placeholder", "placeholder_id"),
)

placeholders = sa.Table(
    "placeholders",
    metadata,
    sa.Column("id", sa.String(200), primary_key=True),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("label", sa.Text, nullable=False),
    sa.Column("data", sa.Text, nullable=False),
    sa.Column("updated_at", sa.String(32), nullable=False),
)

link_ledger = sa.Table(
    "link_ledger",
    metadata,
    sa.Column("record_id", sa.String(200), primary_key=True),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("linked_at", sa.String(32), nullable=False),
)

link_state = sa.Table(
    "link_state",
    metadata,
    sa.Column("key", sa.String(80), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)

embeddings = sa.Table(
    "embeddings",
    metadata,
    sa.Column("record_id", sa.String(200), primary_key=True),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("model", sa.String(80), nullable=False),
    sa.Column("vector", sa.LargeBinary, nullable=False),
)

curations = sa.Table(
    "curations",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("action", sa.String(16), nullable=False),
    sa.Column("data", sa.Text, nullable=False),
    sa.Column("created_at", sa.String(32), nullable=False),
)

deleted_records = sa.Table(
    "deleted_records",
    metadata,
    sa.Column("id", sa.String(200), primary_key=True),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("collection", sa.String(200)),
    sa.Column("repository", sa.String(200)),
    sa.Column("deleted_at", sa.String(32), nullable=False),
    sa.Column("data", sa.Text, nullable=False),
    sa.Index("ix_deleted_records_deleted_at", "deleted_at"),
)
