"""Migration 0004 stores the HTML of the bodies that exist, rendered as saving renders them
(a body too complex for the budget is kept as escaped text), and its downgrade drops the
columns without touching a row (a copied appeals table would cascade-delete demands)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from campaign.core.extensions import db
from campaign.core.markdown_render import plain_html, to_html
from tests.migration_support import run_sql as _run
from tests.migration_support import unmigrated_app

BEFORE = "0003_outbox_render_later"
NOW = "2026-01-01 00:00:00+00:00"
WORST = "[" * 50_000
TABLES = ("appeals", "appeal_translations", "updates")


@pytest.fixture
def migrating_app(tmp_path):
    with unmigrated_app(tmp_path, "migration", MARKDOWN_RENDER_SECONDS=2.0) as app:
        yield app


def _columns(table: str) -> set[str]:
    return {c["name"] for c in sa.inspect(db.engine).get_columns(table)}


def test_upgrade_renders_the_existing_bodies_and_downgrade_keeps_every_row(migrating_app):
    upgrade(revision=BEFORE)
    bodies = {"plain": "We **demand** <script>x</script>", "worst": WORST, "empty": ""}
    for n, (slug, body) in enumerate(bodies.items(), start=1):
        _run(
            "INSERT INTO appeals (id, slug, title, summary, body, language, timezone, state,"
            " delivery_note, endorsement_count, updated_at, created_at) VALUES (:id, :slug,"
            " 'T', '', :body, 'en', 'UTC', 'draft', '', 0, :now, :now)",
            id=n, slug=slug, body=body, now=NOW,
        )  # fmt: skip
        _run(
            "INSERT INTO demands (appeal_id, position, text, created_at)"
            " VALUES (:id, 1, 'D', :now)",
            id=n, now=NOW,
        )  # fmt: skip
    _run(
        "INSERT INTO appeal_translations (appeal_id, language, title, summary, body, created_at)"
        " VALUES (1, 'ru', 'Т', '', 'Мы *требуем*', :now)",
        now=NOW,
    )
    _run(
        "INSERT INTO updates (appeal_id, title, body, created_at) VALUES (1, 'U', '1. one', :now)",
        now=NOW,
    )

    upgrade()
    stored = dict(_run("SELECT slug, body_html FROM appeals").all())
    assert stored == {
        "plain": to_html(bodies["plain"]),
        "worst": plain_html(WORST),
        "empty": "",
    }
    assert stored["plain"] == "<p>We <strong>demand</strong> </p>"
    translation = _run("SELECT body_html FROM appeal_translations").scalar_one()
    assert translation == "<p>Мы <em>требуем</em></p>"
    assert _run("SELECT body_html FROM updates").scalar_one() == "<ol>\n<li>one</li>\n</ol>"

    downgrade(revision=BEFORE)
    for table in TABLES:
        assert "body_html" not in _columns(table) and "body" in _columns(table)
    assert _run("SELECT count(*) FROM demands").scalar_one() == 3
    assert _run("SELECT count(*) FROM appeal_translations").scalar_one() == 1
    assert _run("SELECT count(*) FROM updates").scalar_one() == 1
    assert _run("SELECT body FROM appeals WHERE slug = 'plain'").scalar_one() == bodies["plain"]
