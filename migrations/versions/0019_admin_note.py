"""admin note: a campaigners-only note on an appeal

Revision ID: 0019_admin_note
Revises: 0016_chores
Create Date: 2026-12-06 18:55:00

One column added and dropped with plain ALTER TABLE: a SQLite batch rebuild would drop
`appeals`, cascading to its children (see 0011). Not null with an empty default, so existing
rows need no backfill.
"""

import sqlalchemy as sa
from alembic import op

revision = "0019_admin_note"
down_revision = "0016_chores"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column(
        "appeals", sa.Column("admin_note", sa.Text(), nullable=False, server_default="")
    )


def downgrade():
    op.execute("ALTER TABLE appeals DROP COLUMN admin_note")
