"""outbox: a message may carry its template and context, rendered by the worker at send time

Revision ID: 0003_outbox_render_later
Revises: 0002_hourly_shards
Create Date: 2026-11-28 06:10:00

Signing writes the confirmation mail as its template name and a small JSON context, so the
signing transaction (which holds SQLite's write lock) renders nothing.
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_outbox_render_later"
down_revision = "0002_hourly_shards"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("template", sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column("context", sa.Text(), nullable=True))


def downgrade():
    # Render what is still waiting first would need the app; an older worker cannot send a
    # row without text, so refuse rather than lose mail.
    pending = op.get_bind().execute(
        sa.text(
            "SELECT count(*) FROM outbox_messages WHERE template IS NOT NULL "
            "AND sent_at IS NULL AND failed_at IS NULL AND subject = ''"
        )
    ).scalar()
    if pending:
        raise RuntimeError(
            f"{pending} outbox message(s) wait to be rendered: run `flask outbox work --once` "
            "before downgrading"
        )
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.drop_column("context")
        batch_op.drop_column("template")
