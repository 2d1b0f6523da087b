"""Fixtures only."""

import pytest
from flask import g


@pytest.fixture(autouse=True)
def fresh_request_user(app):
    """The `app` fixture keeps one application context pushed, so Flask reuses its `g` for
    every test request and Flask-Login's cached user would leak from one client to another
    (an anonymous client would look logged in). Forget it before each request, as a real
    server does."""

    @app.before_request
    def _forget_user():
        g.pop("_login_user", None)
        g.pop("api_user", None)
