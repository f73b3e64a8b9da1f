"""Document intelligence: authorities, entity and reference links, placeholders,
the link ledger and state, embeddings, and tombstones of deleted records.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "authorities",
        sa.Column("id", sa.String(200), primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("merged_into", sa.String(200)),
        sa.Column("data", sa.Text, nullable=False),
        sa.Column("updated_at", sa.String(32), nullable=False),
    )
    op.create_index("ix_authorities_kind", "authorities", ["kind"])
    op.create_table(
        "authority_names",
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("authority_id", sa.String(200), primary_key=True),
    )
    op.create_index("ix_authority_names_authority", "authority_names", ["authority_id"])
    op.create_table(
        "entity_links",
        sa.Column("record_id", sa.String(200), primary_key=True),
        sa.Column("field", sa.String(16), primary_key=True),
        sa.Column("mention", sa.Integer, primary_key=True),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("type", sa.String(16), nullable=False),
        sa.Column("authority_id", sa.String(200), nullable=False),
        sa.Column("confidence", sa.Float, nullable=False),
        sa.Column("method", sa.String(16), nullable=False),
    )
    op.create_index("ix_entity_links_authority", "entity_links", ["authority_id"])
    op.create_table(
        "reference_links",
        sa.Column("record_id", sa.String(200), primary_key=True),
        sa.Column("reference", sa.Integer, primary_key=True),
        sa.Column("ordinal", sa.Integer, primary_key=True),
        sa.Column("target_id", sa.String(200)),
        sa.Column("placeholder_id", sa.String(200)),
        sa.Column("confidence", sa.Float, nullable=False),
        sa.Column("method", sa.String(32), nullable=False),
    )
    op.create_index("ix_reference_links_target", "reference_links", ["target_id"])
    op.create_index("ix_reference_links_placeholder", "reference_links", ["placeholder_id"])
    op.create_table(
        "placeholders",
        sa.Column("id", sa.String(200), primary_key=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("label", sa.Text, nullable=False),
        sa.Column("data", sa.Text, nullable=False),
        sa.Column("updated_at", sa.String(32), nullable=False),
    )
    op.create_table(
        "link_ledger",
        sa.Column("record_id", sa.String(200), primary_key=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("linked_at", sa.String(32), nullable=False),
    )
    op.create_table(
        "link_state",
        sa.Column("key", sa.String(80), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )
    op.create_table(
        "embeddings",
        sa.Column("record_id", sa.String(200), primary_key=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("model", sa.String(80), nullable=False),
        sa.Column("vector", sa.LargeBinary, nullable=False),
    )
    op.create_table(
        "deleted_records",
        sa.Column("id", sa.String(200), primary_key=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("collection", sa.String(200)),
        sa.Column("repository", sa.String(200)),
        sa.Column("deleted_at", sa.String(32), nullable=False),
        sa.Column("data", sa.Text, nullable=False),
    )
    op.create_index("ix_deleted_records_deleted_at", "deleted_records", ["deleted_at"])


def downgrade() -> None:
    op.drop_table("deleted_records")
    op.drop_table("embeddings")
    op.drop_table("link_state")
    op.drop_table("link_ledger")
    op.drop_table("placeholders")
    op.drop_table("reference_links")
    op.drop_table("entity_links")
    op.drop_table("authority_names")
    op.drop_table("authorities")
