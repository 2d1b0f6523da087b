"""occurred_on: a status change is dated by when it happened, not when it was typed

Revision ID: 0015_occurred_on
Revises: 0014_names
Create Date: 2026-12-06 18:00:00

The column is added with plain ALTER TABLE (a SQLite batch rebuild of `status_changes` would be
harmless, but the habit of 0011/0014 is kept), backfilled from the linked response's date, else
the date the change was recorded. The column stays nullable in the database: SQLite cannot make
it NOT NULL without rebuilding the table, and both backends keep one schema. Every new row is
dated by campaign.responses.services.change_demand_status, the one way a change is recorded.
"""

import sqlalchemy as sa
from alembic import op

revision = "0015_occurred_on"
down_revision = "0014_names"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("status_changes", sa.Column("occurred_on", sa.Date(), nullable=True))
    op.execute(
        "UPDATE status_changes SET occurred_on = ("
        " SELECT responses.occurred_on FROM responses"
        " WHERE responses.id = status_changes.response_id)"
        " WHERE response_id IS NOT NULL"
    )
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "UPDATE status_changes SET occurred_on = date(recorded_at) WHERE occurred_on IS NULL"
        )
    else:
        # recorded_at is timestamptz; its date is taken in UTC, as the application does.
        op.execute(
            "UPDATE status_changes SET occurred_on = (recorded_at AT TIME ZONE 'UTC')::date"
            " WHERE occurred_on IS NULL"
        )
    op.create_index(
        "ix_status_changes_target_occurred",
        "status_changes",
        ["demand_target_id", "occurred_on"],
        unique=False,
    )


def downgrade():
    op.drop_index("ix_status_changes_target_occurred", table_name="status_changes")
    op.execute("ALTER TABLE status_changes DROP COLUMN occurred_on")
