"""Migration 0009_sealing_key adds appeals.sealing_public_key with its CHECK, without touching
a row (a copied appeals table would cascade-delete demands and translations), and its
downgrade drops it the same way."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from campaign.core.extensions import db
from campaign.privacy.sealing import generate_keypair
from tests.migration_support import down_revision_of, unmigrated_app
from tests.migration_support import run_sql as _run

NOW = "2026-01-01 00:00:00+00:00"
REVISION = "0009_sealing_key"


@pytest.fixture
def migrating_app(tmp_path):
    with unmigrated_app(tmp_path, "sealing_migration") as app:
        yield app


def _count(table: str) -> int:
    return _run(f"SELECT count(*) FROM {table}").scalar_one()


def test_the_key_column_comes_and_goes_without_touching_a_row(migrating_app):
    before = down_revision_of(REVISION)
    upgrade(revision=before)
    _run(
        "INSERT INTO appeals (id, slug, title, summary, body, body_html, language, timezone,"
        " state, delivery_note, endorsement_count, updated_at, created_at) VALUES (1, 'a', 'T',"
        " '', '', '', 'en', 'UTC', 'draft', '', 0, :now, :now)",
        now=NOW,
    )
    _run("INSERT INTO demands (appeal_id, position, text, created_at) VALUES (1, 1, 'D', :now)",
         now=NOW)  # fmt: skip
    _run(
        "INSERT INTO appeal_translations (appeal_id, language, title, summary, body, body_html,"
        " created_at) VALUES (1, 'ru', 'Т', '', '', '', :now)",
        now=NOW,
    )

    upgrade(revision=REVISION)
    assert (_count("appeals"), _count("demands"), _count("appeal_translations")) == (1, 1, 1)
    assert _run("SELECT sealing_public_key FROM appeals").scalar_one() is None
    with pytest.raises(sa.exc.IntegrityError):
        _run("UPDATE appeals SET sealing_public_key = 'AGE-SECRET-KEY-1QQQ'")
    public, _secret = generate_keypair()
    _run("UPDATE appeals SET sealing_public_key = :key", key=public)

    downgrade(revision=before)
    columns = {c["name"] for c in sa.inspect(db.engine).get_columns("appeals")}
    assert "sealing_public_key" not in columns
    assert (_count("appeals"), _count("demands"), _count("appeal_translations")) == (1, 1, 1)
