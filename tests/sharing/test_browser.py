"""In a real browser: a partner's site frames the embed page (and cannot frame the appeal
page); the copy link works with and without JavaScript."""

from __future__ import annotations

import time

import pytest

pytestmark = pytest.mark.browser


def test_a_partner_site_can_frame_the_embed_page_only(page, live_server, partner_site, make_appeal):
    appeal = make_appeal(title="Free the reporters", signature_goal=100)
    embed_url = f"{live_server}/appeals/{appeal.slug}/embed"
    appeal_url = f"{live_server}/appeals/{appeal.slug}"
    partner_html = (
        "<!doctype html><title>Partner</title>"
        f'<iframe id="embed" src="{embed_url}" width="600" height="400"></iframe>'
        f'<iframe id="page" src="{appeal_url}" width="600" height="400"></iframe>'
    )
    page.goto(partner_site(partner_html))

    embed = page.frame_locator("#embed")
    link = embed.locator("a.button")
    link.wait_for(timeout=10_000)
    assert embed.locator("h1").inner_text() == "Free the reporters"
    assert link.get_attribute("href") == f"{appeal_url}?ref=embed"
    assert link.get_attribute("target") == "_blank"

    # The browser refuses to render the appeal page inside another site.
    frame = page.locator("#page").element_handle().content_frame()
    deadline = time.monotonic() + 10
    while frame.url in ("", "about:blank") and time.monotonic() < deadline:
        page.wait_for_timeout(50)
    assert frame.url.startswith("chrome-error://"), frame.url
    assert "Free the reporters" not in page.frame_locator("#page").locator("body").inner_text()
    assert embed_url in [f.url for f in page.frames]


def test_copy_button_selects_the_link(page, live_server, make_appeal):
    appeal = make_appeal()
    page.goto(f"{live_server}/appeals/{appeal.slug}")
    button = page.locator(".sharing .copy-button").first
    button.wait_for(timeout=10_000)
    assert button.inner_text() == "Copy"
    button.click()
    field = page.locator("#share-copy-url")
    selected = field.evaluate("el => el.value.substring(el.selectionStart, el.selectionEnd)")
    assert selected == f"{live_server}/appeals/{appeal.slug}?lang=en&ref=copy"


def test_copy_link_is_there_without_javascript(browser, live_server, make_appeal):
    appeal = make_appeal()
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{live_server}/appeals/{appeal.slug}")
        field = page.locator("#share-copy-url")
        assert field.input_value() == f"{live_server}/appeals/{appeal.slug}?lang=en&ref=copy"
        assert field.get_attribute("readonly") is not None
        assert page.locator(".copy-button").count() == 0
        assert page.locator("a.share-telegram").count() == 1
    finally:
        context.close()
