"""Admins manage campaigners: list, create, change role, deactivate (sessions and tokens end)."""

from __future__ import annotations

import sqlalchemy as sa

from campaign.accounts.models import ApiToken, User
from campaign.accounts.services import MIN_PASSWORD_LENGTH, issue_token
from campaign.audit.models import AuditEntry
from tests.conftest import PASSWORD


def _user(db, email):
    """The stored row's values; the read transaction ends at once, because on SQLite the test's
    session would otherwise hold a lock that the next request waits on."""
    db.session.expire_all()
    user = db.session.execute(sa.select(User).where(User.email == email)).scalar_one()
    values = {"id": user.id, "role": user.role, "active": user.active}
    db.session.rollback()
    return values


def _actions(db, subject):
    rows = db.session.execute(sa.select(AuditEntry.action).where(AuditEntry.subject == subject))
    actions = [r[0] for r in rows]
    db.session.rollback()
    return actions


def test_admin_lists_campaigners_with_role_state_and_last_login(client, login, make_user):
    admin = login("admin")
    other = make_user("moderator")
    page = client.get("/admin/users").get_data(as_text=True)
    assert admin.email in page
    assert other.email in page
    assert "Moderator" in page
    assert "never" in page  # the moderator never logged in
    assert 'href="/admin/users"' in client.get("/admin/").get_data(as_text=True)


def test_editors_do_not_see_the_campaigners_menu(client, login):
    login("editor")
    assert 'href="/admin/users"' not in client.get("/admin/").get_data(as_text=True)
    assert client.get("/admin/users").status_code == 403


def test_admin_creates_a_campaigner_who_can_log_in(app, client, login, db):
    admin = login("admin")
    response = client.post(
        "/admin/users/new",
        data={
            "email": "New.Person@Example.org",
            "role": "editor",
            "password": "a long enough password",
            "confirm": "a long enough password",
        },
    )
    assert response.status_code == 302
    user = _user(db, "new.person@example.org")
    assert user["role"] == "editor"
    entry = db.session.execute(
        sa.select(AuditEntry).where(AuditEntry.subject == f"user:{user['id']}")
    ).scalar_one()
    assert entry.action == "user.create"
    assert entry.user_id == admin.id
    db.session.rollback()
    other = app.test_client()
    with app.app_context():
        response = other.post(
            "/admin/login",
            data={"email": "new.person@example.org", "password": "a long enough password"},
        )
    assert response.status_code == 302


def test_short_password_mismatch_and_duplicates_are_refused(client, login, db, make_user):
    login("admin")
    count = db.session.scalar(sa.select(sa.func.count()).select_from(User))
    db.session.rollback()
    short = "x" * (MIN_PASSWORD_LENGTH - 1)
    response = client.post(
        "/admin/users/new",
        data={"email": "a@example.org", "role": "editor", "password": short, "confirm": short},
    )
    assert response.status_code == 400
    assert f"at least {MIN_PASSWORD_LENGTH}" in response.get_data(as_text=True)
    response = client.post(
        "/admin/users/new",
        data={
            "email": "a@example.org",
            "role": "editor",
            "password": "long enough 1",
            "confirm": "long enough 2",
        },
    )
    assert response.status_code == 400
    assert "The passwords differ." in response.get_data(as_text=True)
    existing = make_user("moderator")
    response = client.post(
        "/admin/users/new",
        data={
            "email": existing.email.upper(),
            "role": "admin",
            "password": "long enough 1",
            "confirm": "long enough 1",
        },
    )
    assert response.status_code == 400
    assert "already exists" in response.get_data(as_text=True)
    response = client.post(
        "/admin/users/new",
        data={
            "email": "b@example.org",
            "role": "superuser",
            "password": "long enough 1",
            "confirm": "long enough 1",
        },
    )
    assert response.status_code == 400
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == count + 1


def test_admin_changes_a_role(client, login, make_user, db):
    login("admin")
    user = make_user("moderator")
    response = client.post(f"/admin/users/{user.id}/role", data={f"u{user.id}-role": "editor"})
    assert response.status_code == 302
    assert _user(db, user.email)["role"] == "editor"
    assert "user.role" in _actions(db, f"user:{user.id}")
    response = client.post(f"/admin/users/{user.id}/role", data={f"u{user.id}-role": "root"})
    assert response.status_code == 400
    assert _user(db, user.email)["role"] == "editor"


def test_admin_cannot_demote_or_deactivate_themselves(client, login, db):
    admin = login("admin")
    response = client.post(f"/admin/users/{admin.id}/role", data={f"u{admin.id}-role": "editor"})
    assert response.status_code == 400
    assert "your own role" in response.get_data(as_text=True)
    response = client.post(f"/admin/users/{admin.id}/deactivate")
    assert response.status_code == 400
    user = _user(db, admin.email)
    assert user["role"] == "admin"
    assert user["active"]


def test_unknown_campaigner_is_404(client, login):
    login("admin")
    assert client.post("/admin/users/999999/deactivate").status_code == 404
    assert (
        client.post("/admin/users/999999/role", data={"u999999-role": "admin"}).status_code == 404
    )


def test_deactivation_ends_sessions_and_revokes_tokens_at_once(app, client, login, make_user, db):
    from campaign.accounts.auth import require_role

    # A campaigner API call; the real ones live in campaign/api and behave the same way.
    app.add_url_rule(
        "/api/v1/test-whoami",
        "test_whoami",
        require_role("moderator")(lambda: {"ok": True}),
        methods=["POST"],
    )
    target = make_user("editor")
    token = issue_token(target)
    second_token = issue_token(target)
    email = target.email
    target_id = target.id
    db.session.commit()

    # The campaigner is logged in, in their own browser.
    theirs = app.test_client()
    with app.app_context():
        response = theirs.post("/admin/login", data={"email": email, "password": PASSWORD})
        assert response.status_code == 302
        assert theirs.get("/admin/").status_code == 200
    for bearer in (token, second_token):
        with app.app_context():
            response = theirs.post(
                "/api/v1/test-whoami", headers={"Authorization": f"Bearer {bearer}"}
            )
        assert response.status_code == 200

    login("admin")
    db.session.rollback()  # end the test session's read so the request can write (SQLite)
    with app.app_context():
        response = client.post(f"/admin/users/{target_id}/deactivate")
    assert response.status_code == 302

    with app.app_context():
        response = theirs.get("/admin/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/admin/login")
    for bearer in (token, second_token):
        with app.app_context():
            response = theirs.post(
                "/api/v1/test-whoami", headers={"Authorization": f"Bearer {bearer}"}
            )
        assert response.status_code == 401
        assert response.get_json()["error"]["code"] == "unauthorized"
    db.session.expire_all()
    tokens = db.session.execute(sa.select(ApiToken).where(ApiToken.user_id == target_id)).scalars()
    assert all(t.revoked_at is not None for t in tokens)
    db.session.rollback()
    assert "user.deactivate" in _actions(db, f"user:{target_id}")
    with app.app_context():
        response = app.test_client().post(
            "/admin/login", data={"email": email, "password": PASSWORD}
        )
    assert response.status_code == 400


NEW_PASSWORD = "a brand new passphrase"


def _password_form(current=PASSWORD, new=NEW_PASSWORD, confirm=None):
    return {"current": current, "password": new, "confirm": new if confirm is None else confirm}


def _in(app, browser) -> bool:
    with app.app_context():
        return browser.get("/admin/").status_code == 200


def _can_log_in(app, email, password) -> bool:
    with app.app_context():
        response = app.test_client().post(
            "/admin/login", data={"email": email, "password": password}
        )
    return response.status_code == 302


def test_a_password_change_ends_the_other_sessions_and_keeps_this_one(app, db, make_user):
    email = make_user("moderator").email
    db.session.rollback()
    here, elsewhere = app.test_client(), app.test_client()
    for browser in (here, elsewhere):
        with app.app_context():
            browser.post("/admin/login", data={"email": email, "password": PASSWORD})
        assert _in(app, browser)
    with app.app_context():
        page = here.get("/admin/").get_data(as_text=True)
        assert 'href="/admin/password"' in page  # every campaigner has the page
        response = here.post("/admin/password", data=_password_form())
    assert response.status_code == 302
    assert _in(app, here)
    assert not _in(app, elsewhere)
    assert not _can_log_in(app, email, PASSWORD)
    assert _can_log_in(app, email, NEW_PASSWORD)
    user = _user(db, email)
    assert "user.password" in _actions(db, f"user:{user['id']}")


def test_a_password_change_needs_the_current_password_and_a_good_new_one(app, client, login, db):
    user = login("editor")
    email = user.email
    db.session.rollback()
    short = "x" * (MIN_PASSWORD_LENGTH - 1)
    for form, message in (
        (_password_form(current="not my password"), "The current password is wrong."),
        (_password_form(new=short), f"at least {MIN_PASSWORD_LENGTH} characters"),
        (_password_form(confirm="something else"), "The passwords differ."),
        (_password_form(current=""), "This field is required."),
    ):
        with app.app_context():  # its own session, ended after the request, as in production
            response = client.post("/admin/password", data=form)
        assert response.status_code == 400, form
        assert message in response.get_data(as_text=True), form
    assert _in(app, client)  # nothing changed, the session included
    assert _can_log_in(app, email, PASSWORD)


def test_a_role_change_keeps_the_session_and_applies_at_once(app, client, login, db, make_user):
    target = make_user("editor")
    email, target_id = target.email, target.id
    db.session.rollback()
    theirs = app.test_client()
    with app.app_context():
        theirs.post("/admin/login", data={"email": email, "password": PASSWORD})
        assert theirs.get("/admin/appeals/new").status_code == 200
    login("admin")
    db.session.rollback()
    with app.app_context():
        client.post(f"/admin/users/{target_id}/role", data={f"u{target_id}-role": "moderator"})
        assert theirs.get("/admin/appeals/new").status_code == 403
    assert _in(app, theirs)
