"""deliveries: one row per appeal and authority it was sent to

Revision ID: 0010_deliveries
Revises: 0009_sealing_key
Create Date: 2026-12-06 15:45:00

A new table only: no existing table is rebuilt (batch mode on SQLite copies and drops a parent
table, which cascades to its children).
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_deliveries"
down_revision = "0009_sealing_key"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("appeal_id", sa.Integer(), nullable=False),
        sa.Column("authority_id", sa.Integer(), nullable=False),
        sa.Column("method", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("delivered_on", sa.Date(), nullable=True),
        sa.Column("message_id", sa.String(length=255), nullable=True),
        sa.Column("outbox_message_id", sa.Integer(), nullable=True),
        sa.Column("receipt_document", sa.String(length=255), nullable=True),
        sa.Column("note", sa.Text(), server_default="", nullable=False),
        sa.Column("bounced_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("bounce_reason", sa.Text(), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "method IN ('email', 'hand', 'post', 'fax')", name=op.f("ck_deliveries_method_valid")
        ),
        sa.CheckConstraint(
            "status IN ('queued', 'sent', 'delivered', 'bounced', 'failed')",
            name=op.f("ck_deliveries_status_valid"),
        ),
        sa.CheckConstraint(
            "status <> 'delivered' OR delivered_on IS NOT NULL",
            name=op.f("ck_deliveries_delivered_has_date"),
        ),
        sa.ForeignKeyConstraint(
            ["appeal_id"],
            ["appeals.id"],
            name=op.f("fk_deliveries_appeal_id_appeals"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["authority_id"],
            ["authorities.id"],
            name=op.f("fk_deliveries_authority_id_authorities"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["outbox_message_id"],
            ["outbox_messages.id"],
            name=op.f("fk_deliveries_outbox_message_id_outbox_messages"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["users.id"],
            name=op.f("fk_deliveries_recorded_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deliveries")),
        sa.UniqueConstraint(
            "appeal_id", "authority_id", name=op.f("uq_deliveries_appeal_id_authority_id")
        ),
        sa.UniqueConstraint("message_id", name=op.f("uq_deliveries_message_id")),
    )
    op.create_index(
        op.f("ix_deliveries_authority_id"), "deliveries", ["authority_id"], unique=False
    )


def downgrade():
    op.drop_index(op.f("ix_deliveries_authority_id"), table_name="deliveries")
    op.drop_table("deliveries")
