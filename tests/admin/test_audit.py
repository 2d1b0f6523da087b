"""The audit log page: admin only, newest first, paginated, filtered, and read-only."""

from __future__ import annotations

import datetime as dt

from campaign.admin.audit import PER_PAGE
from campaign.audit.services import record


def _entries(db, user, count, action="appeal.publish", subject_prefix="appeal"):
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    for i in range(count):
        entry = record(user, action, f"{subject_prefix}:{i}", {"n": i})
        entry.at = start + dt.timedelta(minutes=i)
    db.session.commit()


def test_newest_first_and_paginated(client, login, db):
    admin = login("admin")
    _entries(db, admin, PER_PAGE + 5)
    db.session.rollback()
    page1 = client.get("/admin/audit?action=appeal.").get_data(as_text=True)
    assert f"{PER_PAGE + 5} entries" in page1
    newest = f"appeal:{PER_PAGE + 4}"
    assert newest in page1
    assert page1.index(newest) < page1.index(f"appeal:{PER_PAGE + 3}")
    assert "<code>appeal:0</code>" not in page1
    assert "Page 1 of 2" in page1
    page2 = client.get("/admin/audit?action=appeal.&page=2").get_data(as_text=True)
    assert "<code>appeal:0</code>" in page2
    assert newest not in page2
    assert client.get("/admin/audit?page=99").status_code == 404


def test_filters_by_action_user_and_subject(client, login, make_user, db):
    admin = login("admin")
    editor = make_user("editor")
    _entries(db, admin, 2, action="appeal.publish", subject_prefix="appeal")
    _entries(db, editor, 3, action="response.record", subject_prefix="response")
    editor_email = editor.email
    db.session.rollback()

    page = client.get("/admin/audit?action=response.").get_data(as_text=True)
    assert "3 entries" in page
    assert "appeal.publish" not in page
    page = client.get(f"/admin/audit?user={editor_email.upper()}").get_data(as_text=True)
    assert "3 entries" in page
    assert editor_email in page
    page = client.get("/admin/audit?subject=appeal:1").get_data(as_text=True)
    assert "1 entry" in page
    page = client.get("/admin/audit?subject=nothing%25").get_data(as_text=True)
    assert "No entries match." in page


def test_audit_log_is_admin_only(client, login):
    login("editor")
    assert client.get("/admin/audit").status_code == 403


def test_no_route_under_admin_audit_changes_anything(app):
    rules = [r for r in app.url_map.iter_rules() if r.rule.startswith("/admin/audit")]
    assert rules
    for rule in rules:
        assert rule.methods <= {"GET", "HEAD", "OPTIONS"}, rule


def test_audit_page_has_no_post_form(client, login, db):
    admin = login("admin")
    _entries(db, admin, 1)
    db.session.rollback()
    page = client.get("/admin/audit").get_data(as_text=True)
    main = page.split('class="admin-nav"', 1)[1].split("</nav>", 1)[1]
    assert 'method="post"' not in main.lower()
    for method in ("POST", "PUT", "PATCH", "DELETE"):
        assert client.open("/admin/audit", method=method).status_code == 405
