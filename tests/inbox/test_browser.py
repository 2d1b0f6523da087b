"""A reply arrives over SMTP; a campaigner records it as a response in a real browser,
publishes a redacted copy and sees both on the public tracker."""

from __future__ import annotations

import datetime as dt
import email.utils

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.inbox.helpers import reply, send


@pytest.mark.browser
def test_a_reply_by_smtp_is_recorded_and_published(
    db, page, live_server, receiver, target, make_user
):
    make_user("editor", email="campaigner@example.org")
    slug = target.appeal.slug
    sent = email.utils.format_datetime(dt.datetime.now(dt.UTC) - dt.timedelta(days=1))
    send(receiver, reply(
        target.reply_to, subject="Answer to your appeal", Date=sent,
        body="The ministry has reviewed the appeal. Contact: press.office@mvd.gov.kg",
    ), [target.reply_to])  # fmt: skip
    db.session.close()  # the live server writes next

    page.goto(live_server + "/admin/login")
    page.get_by_label("Email").fill("campaigner@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("navigation", name="Admin").get_by_role("link", name="Inbox").click()
    page.get_by_role("link", name="Answer to your appeal").click()
    expect(page.locator("dd").filter(has_text="by its reply address")).to_be_visible()

    page.get_by_role("link", name="Record as response").click()
    expect(page.get_by_label("Summary")).to_have_value(
        "Answer to your appeal\n\nThe ministry has reviewed the appeal. "
        "Contact: press.office@mvd.gov.kg"
    )
    page.get_by_label("Summary").fill("The ministry has reviewed the appeal.")
    page.get_by_role("button", name="Record the response").click()
    expect(page.locator(".flash")).to_contain_text("The response is recorded.")

    page.goto(live_server + "/admin/inbox?box=recorded")
    page.get_by_role("link", name="Answer to your appeal").click()
    page.get_by_role("button", name="Publish this copy").click()
    expect(page.locator(".flash")).to_contain_text("The redacted copy is published.")

    page.goto(live_server + f"/appeals/{slug}/tracker")
    expect(page.locator(".response").first).to_contain_text("The ministry has reviewed the appeal.")
    published = page.locator(".published-message")
    expect(published).to_contain_text("Contact: [email address]")
    expect(published).not_to_contain_text("press.office")
