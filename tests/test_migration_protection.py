"""Migration 0008 adds protection, retention and takedown columns to the appeals that exist
without touching a row (on SQLite a copied appeals table would cascade-delete demands and
signatures), makes the demo appeal at_risk, and its downgrade keeps every row too."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from campaign.core.extensions import db
from tests.migration_support import run_sql as _run
from tests.migration_support import unmigrated_app

BEFORE = "0006_endorsement_rivals"
NOW = "2026-01-01 00:00:00+00:00"


@pytest.fixture
def migrating_app(tmp_path):
    with unmigrated_app(tmp_path, "protection") as app:
        yield app


def _counts() -> tuple[int, int, int]:
    return tuple(
        _run(f"SELECT count(*) FROM {table}").scalar_one()
        for table in ("appeals", "demands", "signatures")
    )


def test_upgrade_keeps_every_row_and_protects_the_demo(migrating_app):
    upgrade(revision=BEFORE)
    for n, slug in enumerate(("stop-the-pressure-on-kloop", "other"), start=1):
        _run(
            "INSERT INTO appeals (id, slug, title, summary, body, body_html, language, timezone,"
            " state, published_at, delivery_note, endorsement_count, updated_at, created_at)"
            " VALUES (:id, :slug, 'T', '', '', '', 'en', 'UTC', 'published', :now, '', 0,"
            " :now, :now)",
            id=n, slug=slug, now=NOW,
        )  # fmt: skip
        _run(
            "INSERT INTO demands (appeal_id, position, text, created_at)"
            " VALUES (:id, 1, 'D', :now)",
            id=n, now=NOW,
        )  # fmt: skip
        _run(
            "INSERT INTO signatures (appeal_id, name, email, email_key, country, public_name,"
            " wants_updates, language, state, mails_sent, created_at)"
            " VALUES (:id, 'A', :email, :email, 'KG', TRUE, FALSE, 'en', 'pending', 1, :now)",
            id=n, email=f"a{n}@example.org", now=NOW,
        )  # fmt: skip
    before = _counts()
    assert before == (2, 2, 2)

    upgrade()
    assert _counts() == before
    rows = dict(_run("SELECT slug, protection FROM appeals").all())
    assert rows == {"stop-the-pressure-on-kloop": "at_risk", "other": "standard"}
    hidden = _run("SELECT count(*) FROM appeals WHERE hidden_at IS NOT NULL").scalar_one()
    assert hidden == 0
    with pytest.raises(sa.exc.IntegrityError):
        _run("UPDATE appeals SET protection = 'secret' WHERE slug = 'other'")

    downgrade(revision=BEFORE)
    assert _counts() == before
    columns = {c["name"] for c in sa.inspect(db.engine).get_columns("appeals")}
    assert not {"protection", "retention_days", "hidden_at", "hidden_by_id"} & columns
