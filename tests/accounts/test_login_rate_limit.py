"""The login form is rate limited per client address (LOGIN_RATE_LIMIT)."""

from __future__ import annotations

import random

import pytest

from tests.conftest import PASSWORD


@pytest.fixture
def app_config(app_config):
    return {**app_config, "RATELIMIT_ENABLED": True, "LOGIN_RATE_LIMIT": "3/minute"}


def _address() -> str:
    """A fresh client address per run: with TEST_REDIS_URL the counts live in Redis and
    would carry over to a rerun within the minute."""
    return f"10.{random.randrange(256)}.{random.randrange(256)}.{random.randrange(1, 255)}"


def _post(app, email, password, address):
    with app.app_context():
        return app.test_client().post(
            "/admin/login",
            data={"email": email, "password": password},
            environ_base={"REMOTE_ADDR": address},
        )


def test_login_answers_429_past_the_limit(app, db, make_user):
    email = make_user("editor").email
    db.session.rollback()
    address, other = _address(), _address()
    statuses = [
        _post(app, "nobody@example.org", "wrong password!", address).status_code for _ in range(3)
    ]
    assert statuses == [400, 400, 400]
    response = _post(app, email, PASSWORD, address)  # even the right password waits now
    assert response.status_code == 429
    assert "Too many requests" in response.get_data(as_text=True)
    # Another client is not affected, and showing the form is never limited.
    assert _post(app, email, PASSWORD, other).status_code == 302
    with app.app_context():
        page = app.test_client().get("/admin/login", environ_base={"REMOTE_ADDR": address})
    assert page.status_code == 200
