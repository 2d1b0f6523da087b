"""A campaigner manages an appeal in a real browser, without JavaScript-only controls."""

from __future__ import annotations

import os
import re

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD

TITLE = "Release the detained reporters"


def _release_database(db) -> None:
    """End the test thread's session: outside a request every SQLite transaction begins
    IMMEDIATE (takes the write lock), so an open one would block the live server's writes."""
    db.session.close()


@pytest.mark.browser
def test_a_campaigner_creates_reorders_publishes_and_sees_the_appeal(
    db, page, live_server, make_user, make_authority, artifacts_dir
):
    make_user("editor", email="campaigner@example.org")
    make_authority("Ministry of Interior", kind="ministry")
    make_authority("Prosecutor General", kind="prosecutor")
    _release_database(db)

    page.goto(live_server + "/admin/login")
    page.get_by_label("Email").fill("campaigner@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()

    page.get_by_role("navigation", name="Admin").get_by_role("link", name="Appeals").click()
    page.get_by_role("link", name="New appeal").click()
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Summary").fill("Two reporters have been held for a week without charge.")
    page.get_by_label("Text (Markdown)").fill("We call for their **immediate** release.")
    page.get_by_label("Issuing organization").fill("Reporters' Coalition")
    page.get_by_label("Date of the appeal").fill("2026-01-20")
    page.get_by_label("Signature goal").fill("500")
    page.get_by_role("button", name="Create draft").click()
    expect(page.locator(".flash")).to_contain_text("The draft is saved.")
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)

    for text, authority in (
        ("Release the reporters.", "Ministry of Interior"),
        ("Drop the charges.", "Prosecutor General"),
    ):
        page.get_by_role("link", name="Add a demand").click()
        page.get_by_label("Demand").fill(text)
        page.get_by_label(authority).check()
        page.get_by_role("button", name="Add the demand").click()
        expect(page.locator(".flash")).to_contain_text("The demand is added.")

    demands = page.locator("#demands li.demand .demand-text")
    expect(demands).to_have_text(["Release the reporters.", "Drop the charges."])
    page.get_by_role("button", name="Move down demand 1").click()
    expect(demands).to_have_text(["Drop the charges.", "Release the reporters."])
    page.screenshot(path=os.path.join(artifacts_dir, "campaigner-draft.png"), full_page=True)

    page.get_by_role("link", name="Preview").click()
    expect(page.locator(".preview-banner")).to_contain_text("Preview")
    expect(page.locator(".demand-text")).to_have_text(
        ["Drop the charges.", "Release the reporters."]
    )
    page.get_by_role("link", name="Back to the appeal").click()

    page.get_by_role("button", name="Publish").click()
    expect(page.locator(".flash")).to_contain_text("The appeal is published.")

    page.goto(live_server + "/")
    page.get_by_role("link", name=TITLE).click()
    expect(page).to_have_url(re.compile(r"/appeals/release-the-detained-reporters$"))
    expect(page.locator(".issuer")).to_have_text("Reporters' Coalition")
    expect(page.locator(".demand-text")).to_have_text(
        ["Drop the charges.", "Release the reporters."]
    )
    expect(page.locator(".target .authority")).to_have_text(
        ["Prosecutor General", "Ministry of Interior"]
    )
    expect(page.locator(".preview-banner")).to_have_count(0)
    page.screenshot(path=os.path.join(artifacts_dir, "campaigner-published.png"), full_page=True)


@pytest.mark.browser
def test_a_bad_form_shows_the_error_beside_the_field(db, page, live_server, make_user):
    make_user("editor", email="editor@example.org")
    _release_database(db)
    page.goto(live_server + "/admin/appeals/new")
    expect(page).to_have_url(re.compile(r"/admin/login"))
    page.get_by_label("Email").fill("editor@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/admin/appeals/new$"))
    page.get_by_label("Summary").fill("Kept after the error")
    page.get_by_label("Signature goal").fill("-3")
    page.get_by_role("button", name="Create draft").click()
    expect(page.locator("#title-error")).to_have_text("A title is required.")
    expect(page.get_by_label("Title")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Summary")).to_have_value("Kept after the error")
