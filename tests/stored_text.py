"""What no request may leave in the database, whatever it sent: text holding NUL or unpaired
surrogates, or longer than its String(n) column (SQLite keeps both silently; PostgreSQL
refuses them with an error, which was a 500)."""

from __future__ import annotations

import sqlalchemy as sa

from campaign.core.extensions import db
from campaign.core.limits import unstorable


def _text_columns(table: sa.Table) -> list[sa.Column]:
    return [c for c in table.columns if isinstance(c.type, sa.String)]


def bad_stored_text() -> list[str]:
    """`table.column #id: why` for every stored value that breaks the rules above."""
    db.session.rollback()  # see what is committed, not what a test session holds
    problems = []
    for table in db.metadata.sorted_tables:
        columns = _text_columns(table)
        if not columns:
            continue
        key = next(iter(table.primary_key.columns))
        for row in db.session.execute(sa.select(key, *columns)):
            for column, value in zip(columns, row[1:], strict=True):
                if not isinstance(value, str):
                    continue
                where = f"{table.name}.{column.name} #{row[0]}"
                if unstorable(value):
                    problems.append(f"{where}: NUL or an unpaired surrogate in {value[:40]!r}")
                limit = column.type.length
                if limit is not None and len(value) > limit:
                    problems.append(f"{where}: {len(value)} characters in a String({limit})")
    return problems


def committed_rows(model) -> int:
    """How many rows of `model` are committed (a test's session may hold others)."""
    db.session.rollback()
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))
