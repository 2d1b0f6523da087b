"""appeals: a protection level, a retention period of their own, and takedown

Revision ID: 0008_protection_takedown
Revises: 0006_endorsement_rivals
Create Date: 2026-12-06 15:00:00

`protection` is `standard` or `at_risk`: existing appeals stay standard, except the demo
appeal (its signers protest security officers summoning people), which becomes at_risk. `retention_days` is NULL for every existing
appeal, so `privacy purge` keeps using DATA_RETENTION_DAYS for them. `hidden_at`,
`hidden_by_id` and `hidden_reason` record a takedown; no existing appeal is hidden.

Written by hand. On SQLite the columns are added with ALTER TABLE ADD COLUMN, each with its
named CHECK or REFERENCES constraint, and dropped with ALTER TABLE DROP COLUMN: batch mode
would copy the appeals table and drop the old one, and with foreign keys on that deletes
every row that cascades from an appeal (demands, signatures, translations...). On PostgreSQL
the same changes are plain ALTER TABLE statements. hidden_by_id has no foreign key: SQLite
cannot add a named one without that copy (and reflects a column-level one without its name);
the audit log's entry for the takedown names the campaigner for good.
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_protection_takedown"
down_revision = "0007_data_keys"
branch_labels = None
depends_on = None

DEMO_SLUG = "stop-the-pressure-on-kloop"

#: SQLite: one ADD COLUMN each, its constraints written on the column (in this order: the last
#: CHECK names the two columns before it).
SQLITE_COLUMNS = (
    "protection VARCHAR(16) DEFAULT 'standard' NOT NULL CONSTRAINT ck_appeals_protection_valid"
    " CHECK (protection IN ('standard', 'at_risk'))",
    "retention_days INTEGER CONSTRAINT ck_appeals_retention_days_nonnegative"
    " CHECK (retention_days IS NULL OR retention_days >= 0)",
    "hidden_at DATETIME",
    "hidden_by_id INTEGER",
    "hidden_reason TEXT DEFAULT '' NOT NULL CONSTRAINT ck_appeals_hidden_by_only_when_hidden"
    " CHECK (hidden_at IS NOT NULL OR hidden_by_id IS NULL)",
)
COLUMNS = ("protection", "retention_days", "hidden_at", "hidden_by_id", "hidden_reason")


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def upgrade():
    if _sqlite():
        for column in SQLITE_COLUMNS:
            op.execute(f"ALTER TABLE appeals ADD COLUMN {column}")
    else:
        _upgrade_postgresql()
    op.execute(f"UPDATE appeals SET protection = 'at_risk' WHERE slug = '{DEMO_SLUG}'")  # noqa: S608


def _upgrade_postgresql():
    op.add_column(
        "appeals",
        sa.Column("protection", sa.String(length=16), nullable=False, server_default="standard"),
    )
    op.add_column("appeals", sa.Column("retention_days", sa.Integer(), nullable=True))
    op.add_column("appeals", sa.Column("hidden_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("appeals", sa.Column("hidden_by_id", sa.Integer(), nullable=True))
    op.add_column(
        "appeals", sa.Column("hidden_reason", sa.Text(), nullable=False, server_default="")
    )
    op.create_check_constraint(
        "ck_appeals_protection_valid", "appeals", "protection IN ('standard', 'at_risk')"
    )
    op.create_check_constraint(
        "ck_appeals_retention_days_nonnegative",
        "appeals",
        "retention_days IS NULL OR retention_days >= 0",
    )
    op.create_check_constraint(
        "ck_appeals_hidden_by_only_when_hidden",
        "appeals",
        "hidden_at IS NOT NULL OR hidden_by_id IS NULL",
    )


def downgrade():
    if not _sqlite():
        op.drop_constraint("ck_appeals_hidden_by_only_when_hidden", "appeals", type_="check")
        op.drop_constraint("ck_appeals_retention_days_nonnegative", "appeals", type_="check")
        op.drop_constraint("ck_appeals_protection_valid", "appeals", type_="check")
    # SQLite drops each column with the constraints written on it; the CHECK on hidden_reason
    # names hidden_at and hidden_by_id, so it goes first.
    for column in reversed(COLUMNS):
        op.execute(f"ALTER TABLE appeals DROP COLUMN {column}")
