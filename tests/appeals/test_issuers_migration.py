"""Migration 0017 gives every appeal with an `issued_by` that organization as its one issuer,
without touching another row; its downgrade drops only the new table."""

from __future__ import annotations

import pytest
from flask_migrate import downgrade, upgrade

from tests.migration_support import down_revision_of, run_sql, unmigrated_app

REVISION = "0017_issuers"
NOW = "2026-01-01 00:00:00+00:00"


@pytest.fixture
def migrating_app(tmp_path):
    with unmigrated_app(tmp_path, "issuers") as app:
        yield app


def test_upgrade_makes_issued_by_the_first_issuer(migrating_app):
    upgrade(revision=down_revision_of(REVISION))
    run_sql(
        "INSERT INTO organizations (id, slug, name, name_key, kind, created_at)"
        " VALUES (7, 'platform', 'Platform', 'platform', 'ngo', :now)",
        now=NOW,
    )
    for n, issuer in ((1, 7), (2, None)):
        run_sql(
            "INSERT INTO appeals (id, slug, title, summary, body, body_html, language, timezone,"
            " state, delivery_note, endorsement_count, updated_at, created_at, protection,"
            " hidden_reason, issued_by_id)"
            " VALUES (:id, :slug, 'T', '', '', '', 'en', 'UTC', 'draft', '', 0, :now, :now,"
            " 'standard', '', :issuer)",
            id=n, slug=f"a{n}", now=NOW, issuer=issuer,
        )  # fmt: skip
        run_sql(
            "INSERT INTO demands (appeal_id, position, text, created_at)"
            " VALUES (:id, 1, 'D', :now)",
            id=n, now=NOW,
        )  # fmt: skip

    upgrade(revision=REVISION)
    rows = run_sql(
        "SELECT appeal_id, organization_id, position, approval, contact_email FROM appeal_issuers"
    ).all()
    assert [tuple(r) for r in rows] == [(1, 7, 1, "not_asked", None)]
    assert run_sql("SELECT count(*) FROM demands").scalar_one() == 2

    downgrade(revision=down_revision_of(REVISION))
    assert run_sql("SELECT count(*) FROM appeals").scalar_one() == 2
    assert run_sql("SELECT count(*) FROM demands").scalar_one() == 2
