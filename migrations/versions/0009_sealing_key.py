"""appeals: an optional age public key that the appeal's exports are sealed to

Revision ID: 0009_sealing_key
Revises: 0006_endorsement_rivals
Create Date: 2026-12-06 15:30:00

Issue #15, item 6. NULL (the default, and every existing appeal) keeps exports as they were.
"""

from alembic import op

revision = "0009_sealing_key"
down_revision = "0008_protection_takedown"
branch_labels = None
depends_on = None


def upgrade():
    # Not batch mode: on SQLite it rebuilds the table, and dropping the old `appeals` would
    # cascade to every table that refers to it. ADD COLUMN with its own CHECK works on both.
    op.execute(
        "ALTER TABLE appeals ADD COLUMN sealing_public_key VARCHAR(100) "
        "CONSTRAINT ck_appeals_sealing_key_is_age "
        "CHECK (sealing_public_key IS NULL OR sealing_public_key LIKE 'age1%')"
    )


def downgrade():
    # The column's own CHECK goes with it (SQLite 3.35+ and PostgreSQL alike).
    op.execute("ALTER TABLE appeals DROP COLUMN sealing_public_key")
