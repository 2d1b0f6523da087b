"""A campaigner records a response in the browser; a visitor sees it on the tracker and on the
authority's page."""

from __future__ import annotations

import os

import pytest

from campaign.appeals.demo import DEMO_SLUG, SCNS
from tests.conftest import PASSWORD


@pytest.mark.browser
def test_campaigner_records_a_rejection_and_a_visitor_sees_it(
    db, live_server, page, browser, make_user, demo_appeal, artifacts_dir
):
    email, demand_1 = make_user("editor").email, demo_appeal.demands[0].id
    # Outside a request every transaction takes SQLite's write lock (BEGIN IMMEDIATE): end it
    # and touch no model below, or the server thread waits on the lock.
    db.session.commit()
    page.set_default_timeout(10_000)
    page.goto(f"{live_server}/admin/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("main button[type=submit]")
    page.get_by_role("link", name="Responses").first.click()
    page.get_by_role("link", name="Stop the pressure on Kloop and its employees").click()

    page.select_option("#authority", SCNS)
    page.fill("#occurred_on", "2025-06-05")
    page.select_option("#kind", "official_letter")
    page.fill("#summary", "The Committee says it exerted no pressure and will not stop.")
    page.fill("#source_url", "https://example.org/gknb-letter")
    page.check(f"#demands input[value='{demand_1}']")
    page.select_option(f"#status_{demand_1}", "rejected")
    page.fill(f"#note_{demand_1}", "Refuses to stop the pressure.")
    page.get_by_role("button", name="Record the response").click()
    page.get_by_text("The response is recorded.").wait_for()
    page.screenshot(path=os.path.join(artifacts_dir, "responses-admin.png"), full_page=True)

    visitor = browser.new_context()
    public = visitor.new_page()
    public.set_default_timeout(10_000)
    public.goto(f"{live_server}/appeals/{DEMO_SLUG}/tracker")
    target = public.locator(f"#demand-1 [data-authority='{SCNS}']")
    assert target.get_attribute("data-status") == "rejected"
    assert "Rejected" in target.inner_text()
    assert "Refuses to stop the pressure." in target.inner_text()
    assert public.get_by_text("The Committee says it exerted no pressure").count() >= 1
    public.screenshot(path=os.path.join(artifacts_dir, "responses-tracker.png"), full_page=True)

    public.get_by_role(
        "link", name="State Committee for National Security of the Kyrgyz Republic"
    ).first.click()
    public.wait_for_url(f"**/authorities/{SCNS}")
    row = public.locator(f"tr[data-appeal='{DEMO_SLUG}'][data-demand='1']")
    assert row.get_attribute("data-status") == "rejected"
    assert public.locator("[data-figure='rejected']").inner_text() == "1"
    assert public.locator("[data-figure='answered']").inner_text() == "1"
    public.screenshot(path=os.path.join(artifacts_dir, "responses-authority.png"), full_page=True)
    visitor.close()
