"""In a real browser: a moderator follows the dashboard's "Endorsements to moderate" count to
the queue, sees each organization's logo, its website as a link and whether the contact's
email domain matches it, approves one, and the public page shows it. Page loads counted."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser_support import count_loads, log_in
from tests.endorsements.helpers import endorse, link, mails, png


@pytest.mark.browser
def test_moderate_an_endorsement_from_the_dashboard(
    page, live_server, client, db, smtp, make_appeal, make_user
):
    appeal = make_appeal()
    moderator = make_user("moderator").email
    slug, title = appeal.slug, appeal.title
    db.session.commit()
    assert endorse(client, slug, logo=png(size=(300, 150))).status_code == 302
    other = {
        "organization_name": "Bishkek Watch",
        "website": "https://watch.kg",
        "contact_email": "watch.kg@gmail.com",
        "signatory_name": "Bolot Osmonov",
    }
    assert endorse(client, slug, **other).status_code == 302
    for message in mails(smtp, 2):
        assert client.post(link(message, "confirm")).status_code == 200
    db.session.commit()  # SQLite: release the lock before the server writes
    log_in(page, live_server, moderator)

    loads = count_loads(page)
    page.goto(f"{live_server}/admin/")
    waiting = page.locator(f'a[href="/admin/appeals/{slug}/endorsements#submitted"]')
    expect(waiting).to_have_text("2")
    waiting.click()
    expect(page.get_by_role("heading", name=f"Endorsements of “{title}”")).to_be_visible()
    current = page.locator('.appeal-nav a[aria-current="page"]')
    expect(current).to_contain_text("Endorsements")
    expect(current).to_contain_text("2")

    kloop = page.locator("tr", has=page.get_by_text("Kloop Media", exact=True))
    logo = kloop.locator("img.org-logo")
    expect(logo).to_be_visible()
    expect(logo).to_have_attribute("alt", "Logo of Kloop Media")
    assert logo.evaluate("img => img.complete && img.naturalWidth") > 0
    website = kloop.get_by_role("link", name="https://kloop.kg")
    expect(website).to_have_attribute("href", "https://kloop.kg")
    expect(website).to_have_attribute("rel", "noopener noreferrer nofollow")
    expect(kloop.get_by_text("Email domain matches website")).to_be_visible()

    watch = page.locator("tr", has=page.get_by_text("Bishkek Watch", exact=True))
    expect(watch.get_by_text("Email domain differs: check")).to_be_visible()
    expect(watch.locator("img.org-logo")).to_have_count(0)  # no logo uploaded

    kloop.get_by_role("button", name="Approve").click()
    expect(page.get_by_text("Kloop Media's endorsement is approved.")).to_be_visible()
    expect(page.locator('.appeal-nav a[aria-current="page"]')).to_have_text(
        "Endorsements 1 to moderate"
    )

    page.goto(f"{live_server}/appeals/{slug}#endorsers")
    expect(page.locator("#endorsers").get_by_role("link", name="Kloop Media")).to_be_visible()
    expect(page.locator("#endorsers").get_by_text("Bishkek Watch")).to_have_count(0)
    # Dashboard, the appeal's endorsements, the same after approving, the public page.
    assert len(loads) == 4, loads
