"""A bearer token's last use is noted after the request, at most once per TOKEN_USE_EVERY, in a
short transaction of its own: a read never writes, and a note that cannot be written (the
database busy with writers) never fails the request."""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
import threading
import time
from contextlib import contextmanager

import pytest
import sqlalchemy as sa
import time_machine

from campaign.accounts.models import ApiToken
from campaign.accounts.services import TOKEN_USE_EVERY

BUSY_TIMEOUT_MS = 3000


@pytest.fixture
def app_config(app_config):
    # A request that waits for the lock gives up (503) after this, not after 15 s.
    return {**app_config, "SQLITE_BUSY_TIMEOUT_MS": BUSY_TIMEOUT_MS}


@pytest.fixture
def token(db, api_token):
    return api_token("editor")


def _last_used(db):
    db.session.expire_all()
    value = db.session.scalar(sa.select(ApiToken.last_used_at))
    db.session.rollback()
    return value


def _get(app, path, headers):
    with app.app_context():  # its own g and database session, as in production
        return app.test_client().get(path, headers=headers)


def _in_thread(call, timeout: float):
    """call() in a thread; its result, or None if it is still waiting after `timeout`."""
    result = []
    thread = threading.Thread(target=lambda: result.append(call()), daemon=True)
    thread.start()
    thread.join(timeout)
    return result[0] if result else None


@contextmanager
def _write_lock_held(db):
    """Another process's writer holding the lock: SQLite's one write lock, or on PostgreSQL
    a lock on api_tokens that lets reads through and makes writes wait."""
    if db.engine.dialect.name == "sqlite":
        holder = sqlite3.connect(db.engine.url.database, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            holder.execute("ROLLBACK")
            holder.close()
    else:
        with db.engine.connect() as holder:
            holder.execute(sa.text("LOCK TABLE api_tokens IN EXCLUSIVE MODE"))
            try:
                yield
            finally:
                holder.rollback()


def test_a_read_with_a_token_answers_200_under_a_held_write_lock(
    app, db, token, make_appeal, caplog
):
    path = f"/api/v1/appeals/{make_appeal().slug}/signatures"
    db.session.rollback()
    caplog.set_level(logging.WARNING, logger="campaign.accounts.auth")
    with _write_lock_held(db):
        started = time.monotonic()
        response = _in_thread(lambda: _get(app, path, token), timeout=BUSY_TIMEOUT_MS / 1000 + 5)
        took = time.monotonic() - started
    assert response is not None, "the read waited for the writer"
    assert response.status_code == 200, response.get_data(as_text=True)
    assert took < BUSY_TIMEOUT_MS / 1000  # it did not wait the lock out
    assert "API token use not recorded" in caplog.text
    assert _last_used(db) is None
    # Once the writer is done, the next use is noted.
    assert _get(app, path, token).status_code == 200
    assert _last_used(db) is not None


def test_the_last_use_is_written_at_most_once_per_interval(app, db, token, make_appeal):
    path = f"/api/v1/appeals/{make_appeal().slug}/signatures"
    db.session.rollback()
    start = dt.datetime.now(dt.UTC).replace(microsecond=0)
    with time_machine.travel(start, tick=False):
        assert _get(app, path, token).status_code == 200
    assert _last_used(db) == start
    with time_machine.travel(start + TOKEN_USE_EVERY - dt.timedelta(seconds=1), tick=False):
        assert _get(app, path, token).status_code == 200
    assert _last_used(db) == start
    later = start + TOKEN_USE_EVERY
    with time_machine.travel(later, tick=False):
        assert _get(app, path, token).status_code == 200
    assert _last_used(db) == later


def test_a_write_with_a_token_notes_its_use_too(app, db, token):
    with app.app_context():
        response = app.test_client().post(
            "/api/v1/appeals",
            headers=token,
            json={"title": "Free the reporters", "demands": [{"text": "Release them"}]},
        )
    assert response.status_code == 201, response.get_data(as_text=True)
    assert _last_used(db) is not None
