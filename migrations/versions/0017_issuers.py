"""issuers: an appeal's ordered issuing organizations, their contacts and approvals

Revision ID: 0017_issuers
Revises: 0019_admin_note
Create Date: 2026-12-06 18:55:00

One new table, filled from appeals.issued_by_id (which stays, kept in step as the first
issuer). No batch mode: a SQLite rebuild of `appeals` would cascade to its children.
"""

import sqlalchemy as sa
from alembic import op

revision = "0017_issuers"
down_revision = "0019_admin_note"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "appeal_issuers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("appeal_id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("contact_email", sa.Text(), nullable=True),
        sa.Column("contact_key", sa.String(length=64), nullable=True),
        sa.Column("approval", sa.String(length=20), server_default="not_asked", nullable=False),
        sa.Column("asked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("approved_hash", sa.String(length=64), nullable=True),
        sa.Column("comment", sa.Text(), server_default="", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("position >= 1", name=op.f("ck_appeal_issuers_position_positive")),
        sa.CheckConstraint(
            "approval IN ('not_asked', 'asked', 'approved', 'changes_requested')",
            name=op.f("ck_appeal_issuers_approval_valid"),
        ),
        sa.CheckConstraint(
            "approval != 'approved' OR approved_hash IS NOT NULL",
            name=op.f("ck_appeal_issuers_approved_has_hash"),
        ),
        sa.ForeignKeyConstraint(
            ["appeal_id"], ["appeals.id"],
            name=op.f("fk_appeal_issuers_appeal_id_appeals"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"], ["organizations.id"],
            name=op.f("fk_appeal_issuers_organization_id_organizations"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appeal_issuers")),
        sa.UniqueConstraint(
            "appeal_id", "position", name=op.f("uq_appeal_issuers_appeal_id_position")
        ),
        sa.UniqueConstraint(
            "appeal_id", "organization_id",
            name=op.f("uq_appeal_issuers_appeal_id_organization_id"),
        ),
    )  # fmt: skip
    op.create_index(
        op.f("ix_appeal_issuers_organization_id"), "appeal_issuers", ["organization_id"]
    )
    op.execute(
        "INSERT INTO appeal_issuers (appeal_id, organization_id, position, approval, comment,"
        " created_at) SELECT id, issued_by_id, 1, 'not_asked', '', created_at FROM appeals"
        " WHERE issued_by_id IS NOT NULL"
    )


def downgrade():
    op.drop_index(op.f("ix_appeal_issuers_organization_id"), table_name="appeal_issuers")
    op.drop_table("appeal_issuers")
