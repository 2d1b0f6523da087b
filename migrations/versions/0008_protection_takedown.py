"""appeals: a protection level, a retention period of their own, and takedown

Revision ID: 0008_protection_takedown
Revises: 0006_endorsement_rivals
Create Date: 2026-12-06 15:00:00

`protection` is `standard` or `at_risk`: existing appeals stay standard, except the demo
appeal (its signers protest security officers summoning people), which becomes at_risk. `retention_days` is NULL for every existing
appeal, so `privacy purge` keeps using DATA_RETENTION_DAYS for them. `hidden_at`,
`hidden_by_id` and `hidden_reason` record a takedown; no existing appeal is hidden.
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_protection_takedown"
down_revision = "0006_endorsement_rivals"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("appeals", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "protection", sa.String(length=16), nullable=False, server_default="standard"
            )
        )
        batch_op.add_column(sa.Column("retention_days", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("hidden_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("hidden_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("hidden_reason", sa.Text(), nullable=False, server_default="")
        )
        batch_op.create_foreign_key(
            "fk_appeals_hidden_by_id_users", "users", ["hidden_by_id"], ["id"], ondelete="SET NULL"
        )
        batch_op.create_check_constraint(
            "ck_appeals_protection_valid", "protection IN ('standard', 'at_risk')"
        )
        batch_op.create_check_constraint(
            "ck_appeals_retention_days_nonnegative", "retention_days IS NULL OR retention_days >= 0"
        )
        batch_op.create_check_constraint(
            "ck_appeals_hidden_by_only_when_hidden", "hidden_at IS NOT NULL OR hidden_by_id IS NULL"
        )
    op.execute(
        "UPDATE appeals SET protection = 'at_risk' WHERE slug = 'stop-the-pressure-on-kloop'"
    )


def downgrade():
    with op.batch_alter_table("appeals", schema=None) as batch_op:
        batch_op.drop_constraint("ck_appeals_hidden_by_only_when_hidden", type_="check")
        batch_op.drop_constraint("ck_appeals_retention_days_nonnegative", type_="check")
        batch_op.drop_constraint("ck_appeals_protection_valid", type_="check")
        batch_op.drop_constraint("fk_appeals_hidden_by_id_users", type_="foreignkey")
        batch_op.drop_column("hidden_reason")
        batch_op.drop_column("hidden_by_id")
        batch_op.drop_column("hidden_at")
        batch_op.drop_column("retention_days")
        batch_op.drop_column("protection")
