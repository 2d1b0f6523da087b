"""A campaigner records a response in the browser, in the guided flow (choose the authority,
then its demands); a visitor sees it on the appeal page, the tracker and the authority's page."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import expect

from campaign.appeals.demo import DEMO_SLUG, SCNS
from tests.browser_support import count_loads, log_in

SCNS_NAME = "State Committee for National Security of the Kyrgyz Republic"


@pytest.mark.browser
def test_campaigner_records_a_response_with_two_moves_in_three_pages(
    db, live_server, page, browser, make_user, demo_appeal, artifacts_dir
):
    email = make_user("editor").email
    demand_1, demand_2, _d3, demand_4 = (d.id for d in demo_appeal.demands)
    # Outside a request every transaction takes SQLite's write lock (BEGIN IMMEDIATE): end it
    # and touch no model below, or the server thread waits on the lock.
    db.session.commit()
    page.set_default_timeout(10_000)
    log_in(page, live_server, email)
    page.goto(f"{live_server}/admin/appeals/{DEMO_SLUG}/responses")

    loads = count_loads(page)
    page.get_by_role("link", name="Record a response").click()  # step 1
    page.get_by_role("link", name=SCNS_NAME).click()  # step 2
    expect(page.get_by_role("heading", level=1)).to_contain_text(SCNS_NAME)
    # Only the Committee's demands (1, 2 and 3) have a control; demand 4 is not its.
    assert page.locator(f"#status_{demand_4}").count() == 0
    page.fill("#occurred_on", "2025-06-10")
    page.select_option("#kind", "official_letter")
    page.fill("#summary", "The Committee says it exerted no pressure and will not stop.")
    page.fill("#source_url", "https://example.org/gknb-letter")
    page.select_option(f"#status_{demand_1}", "rejected")
    page.fill(f"#note_{demand_1}", "Refuses to stop the pressure.")
    page.select_option(f"#status_{demand_2}", "acknowledged")
    page.screenshot(path=os.path.join(artifacts_dir, "responses-record.png"), full_page=True)
    page.get_by_role("button", name="Record the response").click()  # the result
    expect(page.locator(".flash")).to_contain_text("The response is recorded.")
    expect(page.locator(".flash")).to_contain_text("demand 1: Rejected; demand 2: Acknowledged")
    assert len(loads) == 3, loads
    assert loads[-1].endswith(f"/admin/appeals/{DEMO_SLUG}/responses")
    page.screenshot(path=os.path.join(artifacts_dir, "responses-admin.png"), full_page=True)

    visitor = browser.new_context()
    public = visitor.new_page()
    public.set_default_timeout(10_000)
    public.goto(f"{live_server}/appeals/{DEMO_SLUG}")
    one = public.locator("#demand-1 li.target").filter(has_text=SCNS_NAME)
    expect(one.locator(".status-rejected")).to_be_visible()
    two = public.locator("#demand-2 li.target").filter(has_text=SCNS_NAME)
    expect(two.locator(".status-acknowledged")).to_be_visible()
    expect(public.get_by_text("The Committee says it exerted no pressure").first).to_be_visible()
    public.screenshot(path=os.path.join(artifacts_dir, "responses-appeal.png"), full_page=True)

    public.goto(f"{live_server}/appeals/{DEMO_SLUG}/tracker")
    target = public.locator(f"#demand-1 [data-authority='{SCNS}']")
    assert target.get_attribute("data-status") == "rejected"
    assert "Refuses to stop the pressure." in target.inner_text()
    assert public.locator(f"#demand-2 [data-authority='{SCNS}']").get_attribute(
        "data-status"
    ) == "acknowledged"  # fmt: skip
    public.screenshot(path=os.path.join(artifacts_dir, "responses-tracker.png"), full_page=True)

    public.get_by_role("link", name=SCNS_NAME).first.click()
    public.wait_for_url(f"**/authorities/{SCNS}")
    row = public.locator(f"tr[data-appeal='{DEMO_SLUG}'][data-demand='1']")
    assert row.get_attribute("data-status") == "rejected"
    assert public.locator("[data-figure='rejected']").inner_text() == "1"
    public.screenshot(path=os.path.join(artifacts_dir, "responses-authority.png"), full_page=True)
    visitor.close()


@pytest.mark.browser
def test_a_missing_date_is_listed_on_top_and_its_link_reaches_the_field(
    db, live_server, page, make_user, demo_appeal
):
    email = make_user("editor").email
    demand_1 = demo_appeal.demands[0].id
    db.session.commit()
    page.set_default_timeout(10_000)
    log_in(page, live_server, email)
    page.goto(f"{live_server}/admin/appeals/{DEMO_SLUG}/responses/new?authority={SCNS}")
    page.fill("#summary", "A letter.")
    page.select_option(f"#status_{demand_1}", "rejected")
    page.get_by_role("button", name="Record the response").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("There is a problem")
    summary.get_by_role("link", name="Date").click()
    expect(page.locator("#occurred_on")).to_be_focused()
    # What was typed is kept.
    expect(page.locator("#summary")).to_have_value("A letter.")
    expect(page.locator(f"#status_{demand_1}")).to_have_value("rejected")
