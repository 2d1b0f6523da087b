"""The signing path's machinery, kept apart so services.py reads as the rules: the appeal's
facts signing needs, and the signature's INSERT, both prebuilt Core statements run on the
session's connection. A viral appeal is signed by many people at once, and on SQLite every
signer waits for the one write lock: the ORM's load and INSERT paths (and building a
statement per signer) cost more than the SQL they run."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

import sqlalchemy as sa
from flask import abort
from sqlalchemy.orm import make_transient_to_detached

from campaign.appeals.models import Appeal, signing_open
from campaign.core.database import dialect_insert
from campaign.core.extensions import db
from campaign.signatures.models import Signature


@dataclass(frozen=True)
class AppealFacts:
    """An appeal's own row as signing reads it: a few columns from one prebuilt query."""

    id: int
    slug: str
    language: str
    title: str
    state: str
    closes_at: dt.datetime | None
    #: The appeal's protection level (campaign.appeals.protection).
    protection: str = "standard"

    @property
    def accepts_signatures(self) -> bool:
        return signing_open(self.state, self.closes_at)


@lru_cache(maxsize=1)
def _facts_by_slug() -> sa.Select:
    columns = (Appeal.id, Appeal.slug, Appeal.language, Appeal.title, Appeal.state)
    return sa.select(
        *columns, Appeal.closes_at, Appeal.protection, Appeal.is_public.label("public")
    ).where(Appeal.slug == sa.bindparam("slug"))


def get_published_appeal_facts_or_404(slug: str) -> AppealFacts:
    """get_published_appeal_or_404() (the same visibility rule), as AppealFacts."""
    row = db.session.connection().execute(_facts_by_slug(), {"slug": slug}).first()
    if row is None or not row.public:
        abort(404)
    return AppealFacts(*row[:7])


@lru_cache(maxsize=4)
def _insert_statement_for(dialect: str) -> sa.Insert:
    insert = dialect_insert(dialect)
    table = Signature.__table__
    return (
        insert(table)
        .on_conflict_do_nothing(index_elements=["appeal_id", "email_key"])
        .returning(table.c.id)
    )


@lru_cache(maxsize=1)
def _column_names() -> dict[str, str]:
    """ORM attribute -> table column (sealed_email is stored in column "email", ...)."""
    mapper = sa.inspect(Signature)
    return {attr.key: attr.columns[0].name for attr in mapper.column_attrs}


def insert_new(values: dict) -> Signature | None:
    """INSERT the signature unless (appeal, email_key) exists: one statement, no savepoint,
    also when two requests race (the unique index decides). Returns it as a persistent object
    without reading it back, or None for a duplicate."""
    connection = db.session.connection()
    statement = _insert_statement_for(connection.dialect.name)
    names = _column_names()
    new_id = connection.execute(statement, {names[k]: v for k, v in values.items()}).scalar()
    if new_id is None:
        return None
    signature = Signature(id=new_id, **values)
    make_transient_to_detached(signature)
    db.session.add(signature)
    return signature
