"""Markdown bodies are rendered once, when saved: store their sanitized HTML

Revision ID: 0004_stored_html
Revises: 0003_outbox_render_later
Create Date: 2026-12-06 12:00:00

Appeals, their translations and updates get a body_html column, filled here for the rows that
exist by the renderer the application uses on save (campaign.core.markdown_render, which imports
nothing else of the application), under the same time budget. A stored body that takes longer
than the budget is kept as escaped plain text, and named in the log, for a campaigner to
simplify and save again.

Written by hand. The columns are added with ALTER TABLE on every backend (no table copy); the
downgrade drops them the same way (SQLite 3.35 and later): a copied and dropped appeals table
would, with foreign keys on, delete every row that cascades from it.
"""

import logging

import sqlalchemy as sa
from alembic import op

revision = "0004_stored_html"
down_revision = "0003_outbox_render_later"
branch_labels = None
depends_on = None

TABLES = ("appeals", "appeal_translations", "updates")
log = logging.getLogger("alembic.runtime.migration")


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column("body_html", sa.Text(), server_default="", nullable=False)
            )
    for table in TABLES:
        _render_bodies(table)


def _render_bodies(table: str) -> None:
    from campaign.core.markdown_render import TooComplex, plain_html, render_bounded

    bind = op.get_bind()
    rows = bind.execute(sa.text(f"SELECT id, body FROM {table} WHERE body != ''")).all()  # noqa: S608
    seconds = _budget()
    done: dict[str, str] = {}
    for row_id, body in rows:
        if body not in done:
            try:
                done[body] = render_bounded(body, seconds)
            except TooComplex:
                log.warning("%s %s: its body is too complex to format; stored as plain text",
                            table, row_id)
                done[body] = plain_html(body)
        bind.execute(
            sa.text(f"UPDATE {table} SET body_html = :html WHERE id = :id"),  # noqa: S608
            {"html": done[body], "id": row_id},
        )


def _budget() -> float:
    """The application's MARKDOWN_RENDER_SECONDS (Flask-Migrate runs this in its app)."""
    from flask import current_app, has_app_context

    if has_app_context():
        return float(current_app.config.get("MARKDOWN_RENDER_SECONDS", 2))
    return 2.0


def downgrade():
    for table in TABLES:
        op.drop_column(table, "body_html")
