"""The whole round in a real browser: a campaigner delivers the appeal by email, the
authority's reply comes back over SMTP to the address the delivery carried, the campaigner
records it as a response, and the public tracker shows the delivery and the response."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from campaign.mail.worker import drain
from tests.conftest import PASSWORD
from tests.inbox.helpers import reply, send


@pytest.mark.browser
def test_deliver_reply_record_and_see_it_on_the_tracker(
    app, db, page, live_server, receiver, smtp, make_user, make_appeal, make_authority
):
    make_user("editor", email="campaigner@example.org")
    authority = make_authority(
        "Ministry of Internal Affairs", contact_email="office@mvd.example.kg"
    )
    appeal = make_appeal(authority=authority)
    slug = appeal.slug
    db.session.commit()
    db.session.close()  # the live server writes next

    page.goto(live_server + "/admin/login")
    page.get_by_label("Email").fill("campaigner@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(live_server + f"/admin/appeals/{slug}/deliveries")
    page.get_by_role("button", name="Send by email Ministry of Internal Affairs").click()
    expect(page.locator(".flash")).to_contain_text("queued for sending by email")

    drain()  # the outbox worker's pass: the delivery mail goes out over real SMTP
    [delivered] = smtp.wait_for(1)
    assert delivered["To"] == "office@mvd.example.kg"
    reply_to, message_id = delivered["Reply-To"], delivered["Message-ID"]
    assert reply_to.startswith("reply+")

    send(receiver, reply(
        reply_to, subject="Re: your appeal", In_Reply_To=message_id,
        body="The ministry has registered the appeal under No. 7.",
    ), [reply_to])  # fmt: skip

    page.goto(live_server + f"/admin/appeals/{slug}/inbox")
    page.get_by_role("link", name="Re: your appeal").click()
    page.get_by_role("link", name="Record as response").click()
    page.get_by_label("Summary").fill("The ministry registered the appeal under No. 7.")
    page.get_by_role("button", name="Record the response").click()
    expect(page.locator(".flash")).to_contain_text("The response is recorded.")

    page.goto(live_server + f"/appeals/{slug}/tracker")
    expect(page.locator(".response").first).to_contain_text("registered the appeal under No. 7")
    expect(page.locator("main")).to_contain_text(re.compile(r"Delivered \w+ \d+, \d{4}\."))
