"""In a real browser: an organization endorses the demo appeal with its logo, confirms from
the email, a moderator approves it, and its logo and name show on the appeal page."""

from __future__ import annotations

import os
import re

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.endorsements.helpers import mails, png, text_of


@pytest.mark.browser
def test_organization_endorses_and_shows_on_the_appeal_page_after_approval(
    page, live_server, db, smtp, demo_appeal, make_user, artifacts_dir, tmp_path
):
    moderator_email, slug = make_user("moderator").email, demo_appeal.slug
    # End this thread's transaction: on SQLite it holds the write lock the server needs.
    db.session.commit()
    logo = tmp_path / "kloop-logo.png"
    logo.write_bytes(png(size=(800, 400), color=(220, 40, 60)))

    page.goto(f"{live_server}/appeals/{slug}")
    page.get_by_role("link", name="Endorse as an organization").click()
    expect(page.get_by_role("heading", name="Endorse as an organization")).to_be_visible()
    expect(
        page.get_by_role("link", name="Use the individual signing form instead.")
    ).to_be_visible()
    page.get_by_label("Organization's name").fill("Kloop Media")
    page.get_by_label("Kind of organization").select_option("media")
    page.get_by_label("Country").select_option("KG")
    page.get_by_label("Website (optional)").fill("https://kloop.kg")
    page.get_by_label("Logo (optional").set_input_files(str(logo))
    page.get_by_label("Your name").fill("Aida Sultanova")
    page.get_by_label("Your role in the organization").fill("Director")
    page.get_by_label("Contact email").fill("aida@kloop.kg")
    page.get_by_role("button", name="Endorse on behalf of the organization").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()

    [message] = mails(smtp, 1)
    db.session.commit()
    confirm = re.search(r"(http://\S+/endorsements/confirm/\S+)", text_of(message)).group(1)
    page.goto(confirm)
    page.get_by_role("button", name="Confirm the endorsement").click()
    expect(
        page.get_by_role("heading", name="Thank you: the endorsement is confirmed")
    ).to_be_visible()

    page.goto(f"{live_server}/admin/login")
    page.get_by_label("Email").fill(moderator_email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="Endorsements").click()
    expect(page.get_by_text("(1 waiting)")).to_be_visible()
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_text("(0 waiting)")).to_be_visible()

    page.goto(f"{live_server}/appeals/{slug}#endorsers")
    section = page.locator("#endorsers")
    expect(section.get_by_role("link", name="Kloop Media")).to_be_visible()
    expect(section.get_by_text("domain verified")).to_be_visible()
    expect(section.locator(".endorsement-count")).to_have_text("1")
    logo_image = section.locator("img.logo")
    expect(logo_image).to_be_visible()
    assert logo_image.evaluate("img => img.complete && img.naturalWidth") == 400
    section.screenshot(path=os.path.join(artifacts_dir, "endorsements-appeal-section.png"))
