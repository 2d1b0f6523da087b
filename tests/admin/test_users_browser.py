"""An admin manages campaigners in a real browser, under the site's strict CSP."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD


@pytest.mark.browser
def test_admin_adds_promotes_and_deactivates_a_campaigner(page, live_server, make_user, db):
    admin_email = make_user("admin").email
    db.session.commit()
    db.session.remove()  # the live server's threads need the SQLite write lock
    problems = []
    # CSP violations and script errors; a 400 answer to the bad form is expected.
    page.on("console", lambda m: "Refused" in m.text and problems.append(m.text))
    page.on("pageerror", lambda e: problems.append(str(e)))

    page.goto(f"{live_server}/admin/login")
    page.get_by_label("Email").fill(admin_email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="Campaigners").click()
    page.get_by_role("link", name="Add a campaigner").click()

    page.get_by_label("Email").fill("helper@example.org")
    page.get_by_label("Role").select_option("moderator")
    page.get_by_label("Password", exact=True).fill("short")
    page.get_by_label("Password again").fill("short")
    page.get_by_role("button", name="Create").click()
    expect(page.get_by_text(re.compile("needs at least 10 characters"))).to_be_visible()

    page.get_by_label("Password", exact=True).fill("a good long password")
    page.get_by_label("Password again").fill("a good long password")
    page.get_by_role("button", name="Create").click()
    expect(page.get_by_text("Created helper@example.org.")).to_be_visible()

    row = page.locator("tr", has_text="helper@example.org")
    row.get_by_label("Role of helper@example.org").select_option("editor")
    row.get_by_role("button", name="Change role").click()
    expect(page.get_by_text("helper@example.org is now Editor.")).to_be_visible()

    row = page.locator("tr", has_text="helper@example.org")
    row.get_by_role("button", name="Deactivate").click()
    expect(page.get_by_text(re.compile("helper@example.org is deactivated"))).to_be_visible()
    row = page.locator("tr", has_text="helper@example.org")
    assert row.locator("td").nth(2).inner_text() == "no"

    page.get_by_role("link", name="Audit log").click()
    expect(page.get_by_text("user.deactivate").first).to_be_visible()
    assert problems == []
