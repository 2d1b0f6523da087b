"""correspondence: inbound replies, auto-replies and bounces, their attachments, redaction rules

Revision ID: 0012_correspondence
Revises: 0010_deliveries
Create Date: 2026-12-06 16:00:00

New tables only: no existing table is rebuilt.
"""

import sqlalchemy as sa
from alembic import op

revision = "0012_correspondence"
down_revision = "0011_delivery_terms"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def _fk(table, column, target, ondelete):
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"), ondelete=ondelete
    )


def upgrade():
    op.create_table(
        "correspondence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("appeal_id", sa.Integer(), nullable=True),
        sa.Column("authority_id", sa.Integer(), nullable=True),
        sa.Column("delivery_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("matched_by", sa.String(length=12), nullable=False),
        sa.Column("sender", sa.String(length=320), nullable=False),
        sa.Column("recipient", sa.String(length=320), nullable=True),
        sa.Column("received_at", TZ, nullable=False),
        sa.Column("sent_at", TZ, nullable=True),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("html", sa.Text(), nullable=True),
        sa.Column("message_id", sa.String(length=998), nullable=True),
        sa.Column("in_reply_to", sa.Text(), nullable=True),
        sa.Column("references", sa.Text(), nullable=True),
        sa.Column("bounce_reason", sa.Text(), nullable=True),
        sa.Column("problem", sa.Text(), nullable=True),
        sa.Column("raw", sa.LargeBinary(), nullable=True),
        sa.Column("response_id", sa.Integer(), nullable=True),
        sa.Column("published_at", TZ, nullable=True),
        sa.Column("public_subject", sa.Text(), nullable=True),
        sa.Column("public_text", sa.Text(), nullable=True),
        sa.Column("handled_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "kind IN ('reply', 'auto_reply', 'bounce')", name=op.f("ck_correspondence_kind_valid")
        ),
        sa.CheckConstraint(
            "state IN ('new', 'recorded', 'dismissed')",
            name=op.f("ck_correspondence_state_valid"),
        ),
        sa.CheckConstraint(
            "matched_by IN ('token', 'in_reply_to', 'manual', 'none')",
            name=op.f("ck_correspondence_matched_by_valid"),
        ),
        sa.CheckConstraint(
            "(appeal_id IS NULL) = (authority_id IS NULL)",
            name=op.f("ck_correspondence_appeal_with_authority"),
        ),
        sa.CheckConstraint(
            "(matched_by = 'none') = (appeal_id IS NULL)",
            name=op.f("ck_correspondence_matched_has_target"),
        ),
        sa.CheckConstraint(
            "published_at IS NULL OR (appeal_id IS NOT NULL AND public_text IS NOT NULL)",
            name=op.f("ck_correspondence_published_is_matched"),
        ),
        _fk("correspondence", "appeal_id", "appeals", "CASCADE"),
        _fk("correspondence", "authority_id", "authorities", "CASCADE"),
        _fk("correspondence", "delivery_id", "deliveries", "SET NULL"),
        _fk("correspondence", "response_id", "responses", "SET NULL"),
        _fk("correspondence", "handled_by_id", "users", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_correspondence")),
    )
    op.create_index(
        "ix_correspondence_appeal_received", "correspondence", ["appeal_id", "received_at"]
    )
    op.create_index("ix_correspondence_state_received", "correspondence", ["state", "received_at"])
    for column in ("authority_id", "delivery_id", "message_id"):
        op.create_index(op.f(f"ix_correspondence_{column}"), "correspondence", [column])

    op.create_table(
        "correspondence_attachments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("correspondence_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=255), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("document", sa.String(length=100), nullable=True),
        sa.Column("document_type", sa.String(length=64), nullable=True),
        sa.Column("refused", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "(document IS NULL) <> (refused IS NULL)",
            name=op.f("ck_correspondence_attachments_stored_or_refused"),
        ),
        _fk("correspondence_attachments", "correspondence_id", "correspondence", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_correspondence_attachments")),
    )
    op.create_index(
        op.f("ix_correspondence_attachments_correspondence_id"),
        "correspondence_attachments",
        ["correspondence_id"],
    )

    op.create_table(
        "redaction_rules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("pattern", sa.String(length=500), nullable=False),
        sa.Column("is_regex", sa.Boolean(), nullable=False),
        sa.Column("replacement", sa.String(length=100), nullable=False),
        sa.Column("note", sa.String(length=500), server_default="", nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        _fk("redaction_rules", "created_by_id", "users", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_redaction_rules")),
    )


def downgrade():
    op.drop_table("redaction_rules")
    op.drop_index(
        op.f("ix_correspondence_attachments_correspondence_id"),
        table_name="correspondence_attachments",
    )
    op.drop_table("correspondence_attachments")
    for column in ("authority_id", "delivery_id", "message_id"):
        op.drop_index(op.f(f"ix_correspondence_{column}"), table_name="correspondence")
    op.drop_index("ix_correspondence_state_received", table_name="correspondence")
    op.drop_index("ix_correspondence_appeal_received", table_name="correspondence")
    op.drop_table("correspondence")
