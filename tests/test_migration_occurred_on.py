"""Migration 0015 dates every status change already recorded: by its response's date when it
came with one, else by the day it was recorded; its downgrade keeps every row."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from campaign.core.extensions import db
from tests.migration_support import down_revision_of, unmigrated_app
from tests.migration_support import run_sql as _run

REVISION = "0015_occurred_on"
NOW = "2026-12-06 10:00:00+00:00"


@pytest.fixture
def migrating_app(tmp_path):
    with unmigrated_app(tmp_path, "occurred_on") as app:
        yield app


def _insert_history() -> None:
    _run(
        "INSERT INTO appeals (id, slug, title, summary, body, body_html, language, timezone,"
        " state, published_at, delivery_note, endorsement_count, updated_at, created_at)"
        " VALUES (1, 'a', 'T', '', '', '', 'en', 'UTC', 'published', :now, '', 0, :now, :now)",
        now=NOW,
    )
    _run(
        "INSERT INTO authorities (id, slug, name, kind, country, response_term_days,"
        " created_at) VALUES (1, 'scns', 'SCNS', 'ministry', 'KG', 30, :now)",
        now=NOW,
    )
    _run(
        "INSERT INTO demands (id, appeal_id, position, text, created_at)"
        " VALUES (1, 1, 1, 'D', :now)",
        now=NOW,
    )
    _run(
        "INSERT INTO demand_targets (id, demand_id, authority_id, status, created_at)"
        " VALUES (1, 1, 1, 'rejected', :now)",
        now=NOW,
    )
    _run(
        "INSERT INTO responses (id, appeal_id, authority_id, occurred_on, kind, summary,"
        " created_at) VALUES (1, 1, 1, '2025-06-10', 'official_letter', 'No.', :now)",
        now=NOW,
    )
    # Typed on 6 Dec 2026: one with the letter of 10 June 2025, one with a note only.
    for change_id, from_status, to_status, response_id in (
        (1, "awaiting", "acknowledged", None),
        (2, "acknowledged", "rejected", 1),
    ):
        _run(
            "INSERT INTO status_changes (id, demand_target_id, from_status, to_status,"
            " response_id, note, recorded_at) VALUES (:id, 1, :f, :t, :r, 'n', :at)",
            id=change_id, f=from_status, t=to_status, r=response_id,
            at="2026-12-05 23:30:00+00:00" if response_id is None else NOW,
        )  # fmt: skip


def _dates() -> dict[int, dt.date]:
    rows = _run("SELECT id, occurred_on FROM status_changes ORDER BY id").all()
    return {i: day if isinstance(day, dt.date) else dt.date.fromisoformat(day) for i, day in rows}


def test_upgrade_dates_every_change_and_downgrade_keeps_them(migrating_app):
    upgrade(revision=down_revision_of(REVISION))
    _insert_history()

    upgrade(revision=REVISION)
    assert _dates() == {1: dt.date(2026, 12, 5), 2: dt.date(2025, 6, 10)}
    indexes = {i["name"] for i in sa.inspect(db.engine).get_indexes("status_changes")}
    assert "ix_status_changes_target_occurred" in indexes

    downgrade(revision=down_revision_of(REVISION))
    assert _run("SELECT count(*) FROM status_changes").scalar_one() == 2
    columns = {c["name"] for c in sa.inspect(db.engine).get_columns("status_changes")}
    assert "occurred_on" not in columns
