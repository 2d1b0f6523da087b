"""A visitor reads the demo appeal in a real browser."""

from __future__ import annotations

import os
import re

import pytest
from playwright.sync_api import expect

from campaign.appeals.demo import DEMANDS

TITLE = "Stop the pressure on Kloop and its employees"


@pytest.mark.browser
def test_a_visitor_reads_the_demo_appeal(page, live_server, demo_appeal, artifacts_dir):
    page.goto(live_server + "/")
    page.get_by_role("link", name=TITLE).click()
    expect(page).to_have_url(re.compile(r"/appeals/stop-the-pressure-on-kloop$"))

    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.locator(".issuer")).to_have_text("Media Action Platform of Kyrgyzstan")
    expect(page.locator("header time")).to_have_text("May 30, 2025")
    expect(page.locator("header time")).to_have_attribute("datetime", "2025-05-30")
    expect(page.locator(".body")).to_contain_text("ongoing pressure on the independent media")
    # The text as issued: the lead-in, the demands as the source lists them, then the closing.
    expect(page.locator(".body > p").nth(-2)).to_have_text(
        "The Media Action Platform of Kyrgyzstan demands:"
    )
    expect(page.locator(".body > ul > li")).to_have_text([text for text, _ in DEMANDS])
    expect(page.locator(".body > *").last).to_contain_text("«Freedom of speech")
    expect(page.locator(".figures progress")).to_have_count(0)  # the source sets no goal

    demands = page.locator("ol.demand-list > li.demand")
    expect(demands).to_have_count(4)
    for number, (text, _targets) in enumerate(DEMANDS, start=1):
        demand = demands.nth(number - 1)
        expect(demand.locator(".demand-text")).to_have_text(text)
        expect(demand).to_have_attribute("id", f"demand-{number}")
        expect(demand.locator(".demand-status")).to_have_text("Awaiting response")
    # Numbered in order: an ordered list whose items show their numbers.
    markers = demands.evaluate_all("els => els.map(e => getComputedStyle(e).display)")
    assert markers == ["list-item"] * 4
    first_targets = demands.nth(0).locator(".target .authority")
    expect(first_targets).to_have_text(
        [
            "State Committee for National Security of the Kyrgyz Republic",
            "Authorities of the Kyrgyz Republic",
        ]
    )
    expect(demands.nth(1).locator(".target")).to_have_text(
        re.compile(r"State Committee for National Security.*Awaiting response", re.S)
    )
    expect(page.locator(".progress-summary")).to_have_text("0 of 4 demands met")
    page.screenshot(path=os.path.join(artifacts_dir, "demo-appeal.png"), full_page=True)


@pytest.mark.browser
def test_an_unknown_appeal_is_a_404_page(page, live_server):
    response = page.goto(live_server + "/appeals/no-such-appeal")
    assert response.status == 404
