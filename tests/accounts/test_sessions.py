"""A campaigner's session is new at login and ends on the server side: a cookie copied before
logout, a password change or a deactivation opens nothing afterwards, and a session (with
its CSRF token) planted before login is void after it."""

from __future__ import annotations

import re

import pytest

from tests.conftest import PASSWORD


def _browser(app):
    return app.test_client()


def _post(app, browser, path, **kw):
    with app.app_context():  # its own g, as in production
        return browser.post(path, **kw)


def _get(app, browser, path):
    with app.app_context():
        return browser.get(path)


def _log_in(app, browser, email, password=PASSWORD, **data):
    response = _post(
        app, browser, "/admin/login", data={"email": email, "password": password, **data}
    )
    assert response.status_code == 302, response.get_data(as_text=True)


def _cookie(browser) -> str:
    return browser.get_cookie("session").value


def _with_cookie(app, cookie):
    browser = _browser(app)
    browser.set_cookie("session", cookie)
    return browser


def _is_in(app, browser) -> bool:
    response = _get(app, browser, "/admin/")
    assert response.status_code in (200, 302)
    return response.status_code == 200


def _token(page: str) -> str:
    return re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)


@pytest.fixture
def email(db, make_user):
    email = make_user("editor").email
    db.session.rollback()  # end the test's read, so requests can write (SQLite)
    return email


def test_a_cookie_copied_before_logout_opens_nothing_after_it(app, email):
    browser = _browser(app)
    _log_in(app, browser, email)
    copied = _cookie(browser)
    assert _is_in(app, _with_cookie(app, copied))

    assert _post(app, browser, "/admin/logout").status_code == 302
    assert not _is_in(app, browser)
    thief = _with_cookie(app, copied)
    response = _get(app, thief, "/admin/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/admin/login")
    # Logging in again does not bring the old cookie back.
    _log_in(app, browser, email)
    assert _is_in(app, browser)
    assert not _is_in(app, _with_cookie(app, copied))


def test_logging_out_ends_the_campaigners_other_sessions_too(app, email):
    laptop, phone = _browser(app), _browser(app)
    _log_in(app, laptop, email)
    _log_in(app, phone, email)
    assert _is_in(app, laptop) and _is_in(app, phone)
    _post(app, laptop, "/admin/logout")
    assert not _is_in(app, phone)


def test_login_starts_a_new_session_dropping_whatever_was_planted(app, email):
    browser = _browser(app)
    with browser.session_transaction() as session:
        session["planted"] = "by someone else"
        session["csrf_token"] = "f" * 40
    _log_in(app, browser, email)
    with browser.session_transaction() as session:
        assert "planted" not in session
        assert session.get("csrf_token") != "f" * 40
        assert session["_user_id"].endswith(":1")


class TestWithCsrf:
    @pytest.fixture
    def app_config(self, app_config):
        return {**app_config, "WTF_CSRF_ENABLED": True}

    def test_a_csrf_token_planted_before_login_is_refused_after_it(self, app, email):
        # The attacker takes a session and its CSRF token, and plants the session's cookie in
        # the campaigner's browser (a sibling subdomain, a shared computer).
        attacker = _browser(app)
        planted_token = _token(_get(app, attacker, "/admin/login").get_data(as_text=True))
        campaigner = _with_cookie(app, _cookie(attacker))

        login_page = _get(app, campaigner, "/admin/login").get_data(as_text=True)
        _log_in(app, campaigner, email, csrf_token=_token(login_page))
        # A forged form, carrying the token the attacker knows, is refused.
        response = _post(app, campaigner, "/admin/logout", data={"csrf_token": planted_token})
        assert response.status_code == 400
        assert _is_in(app, campaigner)
        # The token of the new session works.
        fresh = _token(_get(app, campaigner, "/admin/").get_data(as_text=True))
        assert fresh != planted_token
        response = _post(app, campaigner, "/admin/logout", data={"csrf_token": fresh})
        assert response.status_code == 302
        assert not _is_in(app, campaigner)
