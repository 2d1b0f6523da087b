"""Migration 0011_delivery_terms adds the authorities' delivery fields and the outbox's
envelope sender without touching a row (a copied parent table would cascade-delete its
children), adds its tables, and its downgrade takes all of it back."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from campaign import create_app
from campaign.core.extensions import db
from tests.conftest import _fresh_postgres_database, _worker

NOW = "2026-01-01 00:00:00+00:00"
REVISION = "0011_delivery_terms"
NEW_TABLES = {"working_day_overrides", "chasers", "digest_runs"}


def _before() -> str:
    path = Path(__file__).parents[2] / "migrations" / "versions" / f"{REVISION}.py"
    spec = importlib.util.spec_from_file_location("delivery_terms_migration", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.down_revision


@pytest.fixture
def migrating_app(tmp_path):
    base = os.environ.get("TEST_DATABASE_URL")
    if base:
        url = _fresh_postgres_database(base, f"answerable_test_{_worker()}_delivery_migration")
    else:
        url = f"sqlite:///{tmp_path / 'migration.db'}"
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def _run(sql: str, **values):
    with db.engine.begin() as connection:
        return connection.execute(sa.text(sql), values)


def _columns(table: str) -> set[str]:
    return {c["name"] for c in sa.inspect(db.engine).get_columns(table)}


def test_the_delivery_fields_come_and_go_without_touching_a_row(migrating_app):
    before = _before()
    upgrade(revision=before)
    _run(
        "INSERT INTO authorities (id, slug, name, kind, contact_email, created_at)"
        " VALUES (1, 'mvd', 'MVD', 'ministry', 'o@mvd.kg', :now)",
        now=NOW,
    )
    _run(
        "INSERT INTO appeals (id, slug, title, summary, body, body_html, language, timezone,"
        " state, delivery_note, endorsement_count, updated_at, created_at) VALUES (1, 'a', 'T',"
        " '', '', '', 'en', 'UTC', 'draft', '', 0, :now, :now)",
        now=NOW,
    )
    _run("INSERT INTO demands (id, appeal_id, position, text, created_at)"
         " VALUES (1, 1, 1, 'D', :now)", now=NOW)  # fmt: skip
    _run("INSERT INTO demand_targets (demand_id, authority_id, status, created_at)"
         " VALUES (1, 1, 'awaiting', :now)", now=NOW)  # fmt: skip

    upgrade(revision=REVISION)
    assert _run("SELECT count(*) FROM demand_targets").scalar_one() == 1
    row = _run("SELECT contact_email, response_term_days, language FROM authorities").one()
    assert tuple(row) == ("o@mvd.kg", None, None)
    assert "envelope_from" in _columns("outbox_messages")
    assert set(sa.inspect(db.engine).get_table_names()) >= NEW_TABLES
    with pytest.raises(sa.exc.IntegrityError):
        _run("UPDATE authorities SET response_term_days = 0")
    _run("UPDATE authorities SET response_term_days = 14, language = 'ky'")

    downgrade(revision=before)
    assert "response_term_days" not in _columns("authorities")
    assert "envelope_from" not in _columns("outbox_messages")
    assert not NEW_TABLES & set(sa.inspect(db.engine).get_table_names())
    assert _run("SELECT count(*) FROM demand_targets").scalar_one() == 1
    assert _run("SELECT contact_email FROM authorities").scalar_one() == "o@mvd.kg"
