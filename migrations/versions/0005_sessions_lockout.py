"""accounts: failed logins counted per typed email and client address, not per user row

Revision ID: 0005_sessions_lockout
Revises: 0004_stored_html
Create Date: 2026-12-02 09:00:00

The lockout on the user row (failed_logins, locked_until) let anyone who knew a campaigner's
address lock them out, and only existing accounts could be locked, which a quick answer gave
away. login_throttles counts failures per keyed hash of the email typed (any email) and of
the client address, plus one row per email across all addresses. The old counts are only
minutes long, so they are dropped rather than carried over.
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_sessions_lockout"
down_revision = "0004_stored_html"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "login_throttles",
        sa.Column("account_key", sa.String(length=64), nullable=False),
        sa.Column("address_key", sa.String(length=64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failure_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "failures >= 0", name=op.f("ck_login_throttles_failures_not_negative")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_throttles")),
        sa.UniqueConstraint(
            "account_key", "address_key", name=op.f("uq_login_throttles_account_key_address_key")
        ),
    )
    with op.batch_alter_table("login_throttles", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_login_throttles_last_failure_at"), ["last_failure_at"], unique=False
        )
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("locked_until")
        batch_op.drop_column("failed_logins")


def downgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("failed_logins", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.alter_column("failed_logins", server_default=None)  # as 0001 made it
    with op.batch_alter_table("login_throttles", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_login_throttles_last_failure_at"))
    op.drop_table("login_throttles")
