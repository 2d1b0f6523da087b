"""Migration 0018 adds the appeal's paper_count (0 for every appeal that exists) and the
paper batch tables without touching a row (a SQLite copy of `appeals` would cascade-delete
its demands and signatures); its downgrade keeps every row too."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from campaign.core.extensions import db
from tests.migration_support import down_revision_of, unmigrated_app
from tests.migration_support import run_sql as _run

REVISION = "0018_paper_batches"
NOW = "2026-01-01 00:00:00+00:00"


@pytest.fixture
def migrating_app(tmp_path):
    with unmigrated_app(tmp_path, "paper") as app:
        yield app


def _counts() -> tuple[int, int, int]:
    return tuple(
        _run(f"SELECT count(*) FROM {table}").scalar_one()
        for table in ("appeals", "demands", "signatures")
    )


def test_upgrade_and_downgrade_keep_every_row(migrating_app):
    before_revision = down_revision_of(REVISION)
    upgrade(revision=before_revision)
    _run(
        "INSERT INTO appeals (id, slug, title, summary, body, body_html, language, timezone,"
        " state, published_at, delivery_note, endorsement_count, updated_at, created_at)"
        " VALUES (1, 'a', 'T', '', '', '', 'en', 'UTC', 'published', :now, '', 0, :now, :now)",
        now=NOW,
    )
    _run(
        "INSERT INTO demands (appeal_id, position, text, created_at) VALUES (1, 1, 'D', :now)",
        now=NOW,
    )
    _run(
        "INSERT INTO signatures (appeal_id, name, email, email_key, country, public_name,"
        " wants_updates, language, state, mails_sent, created_at)"
        " VALUES (1, 'A', 'a@example.org', 'a@example.org', 'KG', TRUE, FALSE, 'en',"
        " 'pending', 1, :now)",
        now=NOW,
    )
    assert _counts() == (1, 1, 1)

    upgrade(revision=REVISION)
    assert _counts() == (1, 1, 1)
    assert _run("SELECT paper_count FROM appeals").scalar_one() == 0
    insert = (
        "INSERT INTO paper_batches (appeal_id, count, entered_count, collected_by, place,"
        " collected_from, collected_to, created_at)"
        " VALUES (1, :n, :n, 'Volunteers', 'Osh', '2025-12-01', :to, :now)"
    )
    _run(insert, n=10, to="2025-12-02", now=NOW)
    for n, to in ((1_000_001, "2025-12-02"), (-1, "2025-12-02"), (5, "2025-11-30")):
        with pytest.raises(sa.exc.IntegrityError):
            _run(insert, n=n, to=to, now=NOW)

    downgrade(revision=before_revision)
    assert _counts() == (1, 1, 1)
    inspector = sa.inspect(db.engine)
    assert "paper_count" not in {c["name"] for c in inspector.get_columns("appeals")}
    assert not {"paper_batches", "paper_batch_corrections"} & set(inspector.get_table_names())
