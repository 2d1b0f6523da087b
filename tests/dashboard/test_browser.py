"""A campaigner sees the dashboard's charts and the country table in a real browser, with
JavaScript turned off."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.dashboard.helpers import signed


@pytest.mark.browser
def test_a_campaigner_sees_charts_and_the_country_table(
    db, browser, live_server, make_user, make_appeal, artifacts_dir
):
    from campaign.core.database import utcnow

    make_user("moderator", email="campaigner@example.org")
    appeal = make_appeal(title="Free the reporters", timezone="Asia/Bishkek")
    now = utcnow()
    for country, ref in (("KG", "telegram"), ("KG", None), ("KZ", "whatsapp"), ("DE", None)):
        signed(appeal, now, country, ref)
    appeal_id = appeal.id
    db.session.close()

    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server + "/admin/login")
    page.get_by_label("Email").fill("campaigner@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Dashboard", level=1)).to_be_visible()

    section = page.locator(f"#appeal-{appeal_id}").locator("xpath=..")
    chart = section.get_by_role("img", name="Signatures per hour, last 48 hours")
    expect(chart).to_be_visible()
    assert chart.bounding_box()["height"] > 50
    expect(section.get_by_role("img", name="Signatures per day since publication")).to_be_visible()
    expect(section.locator("dd").first).to_contain_text("4")
    page.screenshot(path=os.path.join(artifacts_dir, "dashboard.png"), full_page=True)

    section.get_by_role("link", name="All figures: by country, channel and day; demands").click()
    expect(page.get_by_role("img", name="Signatures by country")).to_be_visible()
    table = page.get_by_role("table", name="Signatures by country")
    expect(table.locator("tbody tr")).to_have_count(3)
    expect(table.locator("tbody tr").first).to_contain_text("KG")
    expect(table.locator("tbody tr").first).to_contain_text("2")
    page.screenshot(path=os.path.join(artifacts_dir, "dashboard-stats.png"), full_page=True)
    context.close()
