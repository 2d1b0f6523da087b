"""chores: one row per scheduled chore of `flask worker`, claimed by a conditional UPDATE

Revision ID: 0016_chores
Revises: 0015_occurred_on
Create Date: 2026-12-06 18:10:00

One new table; nothing else changes.
"""

import sqlalchemy as sa
from alembic import op

revision = "0016_chores"
down_revision = "0015_occurred_on"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "chore_runs",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("last_started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("last_result", sa.String(length=300), nullable=True),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_chore_runs")),
    )


def downgrade():
    op.drop_table("chore_runs")
