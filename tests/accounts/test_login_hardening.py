"""Login failures all look alike, and five of them lock the account for a while."""

from __future__ import annotations

import datetime as dt
import re

import sqlalchemy as sa
import time_machine

from campaign.accounts.models import User
from campaign.accounts.services import LOCKOUT, MAX_FAILED_LOGINS
from tests.conftest import PASSWORD

MESSAGE = "Wrong email or password, or the account is locked."


def _attempt(app, email, password):
    with app.app_context():  # its own g, as in production
        return app.test_client().post("/admin/login", data={"email": email, "password": password})


def _answer(response, email):
    """What the visitor learns: status and page, with the email they typed and the (random)
    CSRF token taken out."""
    page = response.get_data(as_text=True).replace(email, "EMAIL")
    return response.status_code, re.sub(r'name="csrf_token" value="[^"]*"', "CSRF", page)


def _lock(app, email):
    for _ in range(MAX_FAILED_LOGINS):
        _attempt(app, email, "wrong password!")


def test_unknown_wrong_locked_and_inactive_look_the_same(app, db, make_user):
    locked = make_user("editor")
    wrong = make_user("editor")
    inactive = make_user("editor")
    inactive.active = False
    emails = {"locked": locked.email, "wrong": wrong.email, "inactive": inactive.email}
    db.session.commit()
    db.session.rollback()
    _lock(app, emails["locked"])

    answers = {
        "unknown": _answer(_attempt(app, "nobody@example.org", PASSWORD), "nobody@example.org"),
        "wrong": _answer(_attempt(app, emails["wrong"], "not the password"), emails["wrong"]),
        "locked": _answer(_attempt(app, emails["locked"], PASSWORD), emails["locked"]),
        "inactive": _answer(_attempt(app, emails["inactive"], PASSWORD), emails["inactive"]),
    }
    status, page = answers["unknown"]
    assert status == 400
    assert MESSAGE in page
    for kind, answer in answers.items():
        assert answer == answers["unknown"], kind


def test_five_failures_lock_the_account_even_for_the_right_password(app, db, make_user):
    email = make_user("editor").email
    db.session.rollback()
    for _ in range(MAX_FAILED_LOGINS - 1):
        assert _attempt(app, email, "wrong password!").status_code == 400
    assert _attempt(app, email, PASSWORD).status_code == 302  # four failures: not locked yet

    _lock(app, email)
    assert _attempt(app, email, PASSWORD).status_code == 400
    user = db.session.execute(sa.select(User).where(User.email == email)).scalar_one()
    locked_until = user.locked_until
    db.session.rollback()
    assert locked_until is not None

    with time_machine.travel(locked_until + dt.timedelta(seconds=1)):
        assert _attempt(app, email, PASSWORD).status_code == 302


def test_the_lockout_lasts_its_full_time(app, db, make_user):
    email = make_user("editor").email
    db.session.rollback()
    start = dt.datetime.now(dt.UTC)
    with time_machine.travel(start, tick=False):
        _lock(app, email)
    with time_machine.travel(start + LOCKOUT - dt.timedelta(seconds=5), tick=False):
        assert _attempt(app, email, PASSWORD).status_code == 400
