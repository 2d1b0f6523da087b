"""Campaigners log in at /admin/login: one message for every failure, safe next. The lockout
has its own tests (test_login_hardening.py)."""

from __future__ import annotations

import re

from campaign.accounts.models import User
from tests.conftest import PASSWORD

GENERIC = "Wrong email or password, or the account is locked."


def _login(client, email, password, **kw):
    return client.post("/admin/login", data={"email": email, "password": password}, **kw)


def test_login_and_logout(client, make_user):
    user = make_user("editor", email="Editor@Example.org")
    response = _login(client, "EDITOR@example.org ", PASSWORD)  # case and spaces do not matter
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/"
    assert "editor@example.org" in client.get("/admin/").get_data(as_text=True)
    assert user.last_login_at is not None
    response = client.post("/admin/logout", follow_redirects=True)
    assert "You are logged out, here and on your other devices." in response.get_data(as_text=True)
    assert client.get("/admin/").status_code == 302


def _without_csrf_token(page: str) -> str:
    return re.sub(r'(name="csrf_token"[^>]*value=")[^"]*', r"\1", page)


def test_wrong_password_and_unknown_email_get_the_same_single_message(client, make_user):
    make_user("admin", email="admin@example.org")
    answers = [
        _login(client, "admin@example.org", "wrong password!"),
        _login(client, "nobody@example.org", PASSWORD),
    ]
    for response in answers:
        assert response.status_code == 400
        page = response.get_data(as_text=True)
        assert page.count(GENERIC) == 1
        assert 'value="wrong password!"' not in page  # the password is never echoed back
    # The pages are the same but for the address typed and the CSRF token (it carries the
    # second it was made in).
    pages = [
        _without_csrf_token(answer.get_data(as_text=True).replace(email, "X"))
        for answer, email in zip(answers, ["admin@example.org", "nobody@example.org"], strict=True)
    ]
    assert pages[0] == pages[1]
    assert client.get("/admin/").status_code == 302


def test_empty_fields_are_errors_beside_the_fields(client):
    response = _login(client, "", "")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'id="email-error"' in page and 'id="password-error"' in page


def test_a_right_password_forgives_the_failures_from_that_address(client, make_user):
    user = make_user("admin")
    for _ in range(3):
        assert _login(client, user.email, "guess guess guess").status_code == 400
    assert _login(client, user.email, PASSWORD).status_code == 302
    client.post("/admin/logout")
    for _ in range(4):  # four more would have made seven: the count started over
        assert _login(client, user.email, "guess guess guess").status_code == 400
    assert _login(client, user.email, PASSWORD).status_code == 302


def test_next_only_leads_within_the_site(client, make_user):
    user = make_user("moderator")
    response = _login(client, user.email, PASSWORD, query_string={"next": "/admin/appeals"})
    assert response.headers["Location"] == "/admin/appeals"
    client.post("/admin/logout")
    for target in ("https://evil.example/", "//evil.example/x", "javascript:alert(1)"):
        response = _login(client, user.email, PASSWORD, query_string={"next": target})
        assert response.headers["Location"] == "/admin/", target
        client.post("/admin/logout")


def test_an_inactive_campaigner_cannot_log_in(db, client, make_user):
    user = make_user("admin")
    db.session.get(User, user.id).active = False
    db.session.commit()
    response = _login(client, user.email, PASSWORD)
    assert response.status_code == 400
    assert GENERIC in response.get_data(as_text=True)
