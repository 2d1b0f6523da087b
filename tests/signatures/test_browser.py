"""A supporter signs the demo appeal (at risk) in Chromium, confirms from the email, sees the
count, and no list of signers."""

from __future__ import annotations

import re

import pytest

from campaign.mail.worker import drain
from tests.signatures.helpers import body

CONFIRM = re.compile(r"https?://\S+/confirm/\S+")


@pytest.mark.browser
def test_supporter_signs_and_confirms_in_the_browser(
    page, live_server, demo_appeal, smtp, db, artifacts_dir
):
    appeal_url = f"{live_server}/appeals/{demo_appeal.slug}"
    db.session.remove()  # hold no SQLite read lock while the server thread writes
    page.goto(appeal_url)
    assert page.locator(".figures .count strong").inner_text() == "0"
    page.fill("#name", "Aida Bekova")
    page.fill("#email", "aida.bekova@example.org")
    page.select_option("#country", "KG")
    assert page.locator("#city").count() == 0  # an at-risk appeal asks for no city
    assert not page.is_checked("#show_name")  # never ticked for the signer
    page.check("#show_name")
    assert "/privacy" in page.locator("#what-we-keep a").get_attribute("href")
    page.check("#wants_updates")
    page.click("#sign button[type=submit]")
    page.wait_for_selector("text=Check your email")

    drain()
    [message] = smtp.wait_for(1)
    assert message["To"] == "aida.bekova@example.org"
    confirm_url = CONFIRM.search(body(message)).group(0)
    assert confirm_url.startswith(live_server)

    page.goto(confirm_url)
    page.wait_for_selector("text=Confirm your signature")
    page.goto(appeal_url)
    assert page.locator(".figures .count strong").inner_text() == "0"  # opening is not confirming

    page.goto(confirm_url)
    page.click("button:has-text('Confirm my signature')")
    page.wait_for_selector("text=Your signature is confirmed")
    page.click("text=Go to the appeal")
    page.wait_for_url(appeal_url)
    assert page.locator(".figures .count strong").inner_text() == "1"
    assert page.locator(".recent-signers").count() == 0  # nobody is listed, named or not
    page.screenshot(path=f"{artifacts_dir}/signature-confirmed.png", full_page=True)
