"""The database is unreachable: the app still starts, pages answer 503 with the friendly
page, the API answers its JSON envelope, and /healthz says so."""

from __future__ import annotations

import logging

import pytest
import sqlalchemy as sa

from campaign import create_app
from campaign.core.extensions import db


@pytest.fixture(
    params=[
        "postgresql+psycopg://postgres@127.0.0.1:1/answerable",
        "sqlite:////nonexistent-directory/answerable.db",
    ],
    ids=["postgresql", "sqlite"],
)
def down_app(request, app_config):
    config = {**app_config, "SQLALCHEMY_DATABASE_URI": request.param}
    app = create_app("testing", **config)  # must not connect while being built

    @app.route("/api/v1/test-db")
    def api_reads_the_database():
        return {"n": db.session.scalar(sa.text("SELECT 1"))}

    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _get(app, path):
    with app.app_context():
        return app.test_client().get(path)


def test_pages_answer_503_with_the_friendly_page(down_app, caplog):
    caplog.set_level(logging.ERROR, logger="campaign.core.errors")
    response = _get(down_app, "/")
    assert response.status_code == 503
    page = response.get_data(as_text=True)
    assert "Temporarily unavailable" in page
    assert "cannot reach its database" in page
    assert "Traceback" not in page
    assert any("database unavailable" in r.getMessage() for r in caplog.records)


def test_healthz_says_the_database_is_unreachable(down_app):
    response = _get(down_app, "/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable", "database": "unreachable"}


def test_the_api_answers_503_in_its_envelope(down_app):
    response = _get(down_app, "/api/v1/test-db")
    assert response.status_code == 503
    assert response.get_json()["error"]["code"] == "unavailable"


def test_login_page_answers_503_on_submit(down_app):
    with down_app.app_context():
        response = down_app.test_client().post(
            "/admin/login", data={"email": "a@example.org", "password": "whatever it is"}
        )
    assert response.status_code == 503
