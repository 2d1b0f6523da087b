"""paper batches: signatures collected on paper with their provenance, their corrections,
and the appeal's paper_count kept beside them

Revision ID: 0018_paper_batches
Revises: 0017_issuers
Create Date: 2026-12-06 19:00:00

The appeal's column is added with plain ALTER TABLE (a SQLite batch rebuild would drop
`appeals` and cascade to its children: see 0011); two new tables.
"""

import sqlalchemy as sa
from alembic import op

revision = "0018_paper_batches"
down_revision = "0017_issuers"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column(
        "appeals", sa.Column("paper_count", sa.Integer(), server_default="0", nullable=False)
    )
    op.create_table(
        "paper_batches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("appeal_id", sa.Integer(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("entered_count", sa.Integer(), nullable=False),
        sa.Column("collected_by", sa.String(length=200), nullable=False),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column("collected_from", sa.Date(), nullable=False),
        sa.Column("collected_to", sa.Date(), nullable=False),
        sa.Column("scan", sa.String(length=80), nullable=True),
        sa.Column("scan_type", sa.String(length=40), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "count >= 0 AND count <= 1000000", name=op.f("ck_paper_batches_count_range")
        ),
        sa.CheckConstraint(
            "collected_from <= collected_to", name=op.f("ck_paper_batches_dates_ordered")
        ),
        sa.ForeignKeyConstraint(
            ["appeal_id"],
            ["appeals.id"],
            name=op.f("fk_paper_batches_appeal_id_appeals"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["users.id"],
            name=op.f("fk_paper_batches_recorded_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_paper_batches")),
    )
    op.create_index(
        op.f("ix_paper_batches_appeal_id"), "paper_batches", ["appeal_id"], unique=False
    )
    op.create_table(
        "paper_batch_corrections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("old_count", sa.Integer(), nullable=False),
        sa.Column("new_count", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["paper_batches.id"],
            name=op.f("fk_paper_batch_corrections_batch_id_paper_batches"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["users.id"],
            name=op.f("fk_paper_batch_corrections_recorded_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_paper_batch_corrections")),
    )
    op.create_index(
        op.f("ix_paper_batch_corrections_batch_id"),
        "paper_batch_corrections",
        ["batch_id"],
        unique=False,
    )


def downgrade():
    op.drop_index(op.f("ix_paper_batch_corrections_batch_id"), table_name="paper_batch_corrections")
    op.drop_table("paper_batch_corrections")
    op.drop_index(op.f("ix_paper_batches_appeal_id"), table_name="paper_batches")
    op.drop_table("paper_batches")
    op.execute("ALTER TABLE appeals DROP COLUMN paper_count")
