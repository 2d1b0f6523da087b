"""deliveries: how to reach an authority and its legal term; working-day overrides; chasers;
daily digests; an outbox message's envelope sender

Revision ID: 0011_delivery_terms
Revises: 0010_deliveries
Create Date: 2026-12-06 16:00:00

Issue #16, items 1 and 2. Columns are added with plain ADD COLUMN, not batch mode: on SQLite a
batch rebuild drops the old `authorities` and `outbox_messages`, which would cascade to their
children. Every new column is nullable, so existing rows keep what they had.
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_delivery_terms"
down_revision = "0010_deliveries"
branch_labels = None
depends_on = None


def upgrade():
    op.execute("ALTER TABLE authorities ADD COLUMN postal_address TEXT")
    op.execute("ALTER TABLE authorities ADD COLUMN language VARCHAR(8)")
    op.execute(
        "ALTER TABLE authorities ADD COLUMN response_term_days INTEGER "
        "CONSTRAINT ck_authorities_response_term_range CHECK (response_term_days IS NULL OR "
        "(response_term_days > 0 AND response_term_days <= 365))"
    )
    op.execute("ALTER TABLE authorities ADD COLUMN response_term_source TEXT")
    op.execute("ALTER TABLE outbox_messages ADD COLUMN envelope_from VARCHAR(320)")
    op.create_table(
        "working_day_overrides",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("working", sa.Boolean(), nullable=False),
        sa.Column("note", sa.Text(), server_default="", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_working_day_overrides")),
        sa.UniqueConstraint("country", "day", name=op.f("uq_working_day_overrides_country_day")),
    )
    op.create_table(
        "chasers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("delivery_id", sa.Integer(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("approved_by_id", sa.Integer(), nullable=True),
        sa.Column("outbox_message_id", sa.Integer(), nullable=True),
        sa.Column("message_id", sa.String(length=255), nullable=True),
        sa.ForeignKeyConstraint(
            ["delivery_id"],
            ["deliveries.id"],
            name=op.f("fk_chasers_delivery_id_deliveries"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["approved_by_id"],
            ["users.id"],
            name=op.f("fk_chasers_approved_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["outbox_message_id"],
            ["outbox_messages.id"],
            name=op.f("fk_chasers_outbox_message_id_outbox_messages"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chasers")),
        sa.UniqueConstraint("delivery_id", "due_on", name=op.f("uq_chasers_delivery_id_due_on")),
        sa.UniqueConstraint("message_id", name=op.f("uq_chasers_message_id")),
    )
    op.create_table(
        "digest_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("appeal_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("recipients", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["appeal_id"],
            ["appeals.id"],
            name=op.f("fk_digest_runs_appeal_id_appeals"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_digest_runs")),
        sa.UniqueConstraint("appeal_id", "day", name=op.f("uq_digest_runs_appeal_id_day")),
    )


def downgrade():
    op.drop_table("digest_runs")
    op.drop_table("chasers")
    op.drop_table("working_day_overrides")
    op.execute("ALTER TABLE outbox_messages DROP COLUMN envelope_from")
    for column in ("response_term_source", "response_term_days", "language", "postal_address"):
        op.execute(f"ALTER TABLE authorities DROP COLUMN {column}")
