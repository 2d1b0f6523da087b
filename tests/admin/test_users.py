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
