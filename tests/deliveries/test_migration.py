"""Migration 0011_delivery_terms adds the authorities' delivery fields and the outbox's
envelope sender without touching a row (a copied parent table would cascade-delete its
children), adds its tables, and its downgrade takes all of it back."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from campaign.core.extensions import db
from tests.migration_support import down_revision_of, unmigrated_app
from tests.migration_support import run_sql as _run

NOW = "2026-01-01 00:00:00+00:00"
REVISION = "0011_delivery_terms"
NEW_TABLES = {"working_day_overrides", "chasers", "digest_runs"}


@pytest.fixture
def migrating_app(tmp_path):
    with unmigrated_app(tmp_path, "delivery_migration") as app:
        yield app


def _columns(table: str) -> set[str]:
    return {c["name"] for c in sa.inspect(db.engine).get_columns(table)}


def test_the_delivery_fields_come_and_go_without_touching_a_row(migrating_app):
    before = down_revision_of(REVISION)
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
