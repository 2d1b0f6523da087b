"""For tests that run the migrations step by step: an app on an empty database of its own
(SQLite in tmp_path, or a fresh PostgreSQL database when TEST_DATABASE_URL is set)."""

from __future__ import annotations

import importlib.util
import os
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa

from campaign import create_app
from campaign.core.extensions import db
from tests.conftest import _fresh_postgres_database, _worker


@contextmanager
def unmigrated_app(tmp_path, name: str, **config):
    """Inside an app context of an app whose database has no tables yet; `name` keeps each
    test file's PostgreSQL database apart."""
    base = os.environ.get("TEST_DATABASE_URL")
    if base:
        url = _fresh_postgres_database(base, f"answerable_test_{_worker()}_{name}")
    else:
        url = f"sqlite:///{tmp_path / 'migration.db'}"
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url, **config)
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def run_sql(sql: str, **values):
    """Raw SQL in its own transaction: the tables are as the migrations left them, not as
    the models say."""
    with db.engine.begin() as connection:
        return connection.execute(sa.text(sql), values)


def down_revision_of(revision: str) -> str:
    """The revision a migration follows, read from its file (so a test of one migration keeps
    working when parallel branches are re-chained)."""
    path = Path(__file__).parents[1] / "migrations" / "versions" / f"{revision}.py"
    spec = importlib.util.spec_from_file_location(f"migration_{revision}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.down_revision
