"""Layout in a real browser (Debian's chromium), at 320, 390 and 1280 px.

- Reflow (WCAG 1.4.10): no page scrolls sideways, public or admin. The pages are walked from
  the URL map: every GET route is mapped to a concrete URL or declared not a page (with the
  reason), so a new page cannot escape the walk.
- The appeal page is made for acting: on a phone the count and a Sign control are on the
  first screen, in English, Russian and Kyrgyz; signing works with the keyboard alone.
- The embed fits its frame: it reports its height, and without scripts the snippet's own
  height holds the whole embed on a 320 px phone.

Every page at every width leaves a screenshot in test-artifacts/screenshots/
(page-width-lang.png) for a person to look at."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from campaign.sharing.links import EMBED_FALLBACK_HEIGHT, embed_snippet
from tests.conftest import PASSWORD
from tests.layout_sample import build_sample
from tests.test_access_control import route_table

SCREENSHOTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "screenshots"
WIDTHS = (320, 390, 1280)
PHONE = {"width": 390, "height": 844}

#: Public pages (GET, HTML): pattern (every URL parameter written <>) -> URL template.
PUBLIC_PAGES = {
    "/": "/",
    "/appeals/<>": "/appeals/{slug}",
    "/appeals/<>/sign": "/appeals/{slug}/sign",
    "/appeals/<>/thanks": "/appeals/{slug}/thanks",
    "/appeals/<>/endorse": "/appeals/{slug}/endorse",
    "/appeals/<>/endorse/sent": "/appeals/{slug}/endorse/sent",
    "/appeals/<>/tracker": "/appeals/{slug}/tracker",
    "/appeals/<>/updates/<>": "/appeals/{slug}/updates/{update}",
    "/appeals/<>/embed": "/appeals/{slug}/embed",
    "/appeals/<>/poster": "/appeals/{slug}/poster",
    "/authorities": "/authorities",
    "/authorities/<>": "/authorities/{authority}",
    "/organizations/<>": "/organizations/{organization}",
    "/privacy": "/privacy",
    "/confirm/<>": "/confirm/{confirm}",
    "/withdraw/<>": "/withdraw/{withdraw}",
    "/my-data/<>": "/my-data/{my_data}",
    "/unsubscribe/<>": "/unsubscribe/{unsubscribe}",
    "/endorsements/confirm/<>": "/endorsements/confirm/{endorsement_confirm}",
    "/endorsements/withdraw/<>": "/endorsements/withdraw/{endorsement_withdraw}",
    "/issuers/approve/<>": "/issuers/approve/{issuer_approval}",
    "/admin/login": "/admin/login",
    "/nowhere": "/no-such-page",  # the 404 page
}

#: Campaigners' pages (GET, HTML, logged in as an admin).
ADMIN_PAGES = {
    "/admin/": "/admin/",
    "/admin/countries": "/admin/countries",
    "/admin/organizations/<>/names": "/admin/organizations/{organization}/names",
    "/admin/appeals": "/admin/appeals",
    "/admin/appeals/new": "/admin/appeals/new",
    "/admin/appeals/<>": "/admin/appeals/{slug}",
    "/admin/appeals/<>/channels": "/admin/appeals/{slug}/channels",
    "/admin/appeals/<>/deliveries": "/admin/appeals/{slug}/deliveries",
    "/admin/appeals/<>/demands/<>/edit": "/admin/appeals/{slug}/demands/{demand}/edit",
    "/admin/appeals/<>/demands/new": "/admin/appeals/{slug}/demands/new",
    "/admin/appeals/<>/edit": "/admin/appeals/{slug}/edit",
    "/admin/appeals/<>/endorsements": "/admin/appeals/{slug}/endorsements",
    "/admin/appeals/<>/endorsements/add": "/admin/appeals/{slug}/endorsements/add",
    "/admin/appeals/<>/hide": "/admin/appeals/{slug}/hide",
    "/admin/appeals/<>/inbox": "/admin/appeals/{slug}/inbox",
    "/admin/appeals/<>/issuers": "/admin/appeals/{slug}/issuers",
    "/admin/appeals/<>/paper": "/admin/appeals/{slug}/paper",
    "/admin/appeals/<>/preview": "/admin/appeals/{slug}/preview",
    "/admin/appeals/<>/publish-override": "/admin/appeals/{slug}/publish-override",
    "/admin/appeals/<>/responses": "/admin/appeals/{slug}/responses",
    "/admin/appeals/<>/responses/notify": "/admin/appeals/{slug}/responses/notify",
    "/admin/appeals/<>/updates/<>/preview": "/admin/appeals/{slug}/updates/{draft_update}/preview",
    "/admin/appeals/<>/mailshots/<>": "/admin/appeals/{slug}/mailshots/{mailing}",
    "/admin/appeals/<>/close": "/admin/appeals/{slug}/close",
    "/admin/appeals/<>/archive": "/admin/appeals/{slug}/archive",
    # Step 2 of recording a response, the longer page (step 1 is a list of links).
    "/admin/appeals/<>/responses/new": "/admin/appeals/{slug}/responses/new?authority={authority}",
    "/admin/appeals/<>/sealing-key": "/admin/appeals/{slug}/sealing-key",
    "/admin/appeals/<>/shred": "/admin/appeals/{slug}/shred",
    "/admin/appeals/<>/signatures": "/admin/appeals/{slug}/signatures",
    "/admin/appeals/<>/signatures/invalidate": "/admin/appeals/{slug}/signatures/invalidate",
    "/admin/appeals/<>/stats": "/admin/appeals/{slug}/stats",
    "/admin/appeals/<>/translations": "/admin/appeals/{slug}/translations",
    "/admin/appeals/<>/translations/<>": "/admin/appeals/{slug}/translations/ru",
    "/admin/audit": "/admin/audit",
    "/admin/authorities": "/admin/authorities",
    "/admin/authorities/<>/edit": "/admin/authorities/{authority}/edit",
    "/admin/authorities/new": "/admin/authorities/new",
    "/admin/blocklists": "/admin/blocklists",
    "/admin/channels": "/admin/channels",
    "/admin/endorsements": "/admin/endorsements",
    "/admin/erase": "/admin/erase",
    "/admin/endorsements/<>/reject": "/admin/endorsements/{endorsement}/reject",
    "/admin/inbox": "/admin/inbox",
    "/admin/inbox/redactions": "/admin/inbox/redactions",
    "/admin/password": "/admin/password",
    "/admin/responses": "/admin/responses",
    "/admin/signatures": "/admin/signatures",
    "/admin/users": "/admin/users",
    "/admin/users/new": "/admin/users/new",
    "/admin/working-days": "/admin/working-days",
}

#: GET routes that are not pages a person reads (or need data the walk does not build).
NOT_PAGES = {
    "/healthz": "JSON health check",
    "/static/<>": "CSS and JS files",
    "/documents/<>": "a response's document (PDF)",
    "/organizations/logos/<>": "an image",
    "/appeals/<>/card.png": "an image",
    "/favicon.ico": "an image",
    "/appeals/<>/correct": "the appeal page, its form filled in from this visitor's session",
    "/appeals/<>/qr.png": "an image",
    "/appeals/<>/qr.svg": "an image",
    "/appeals/<>/count.json": "JSON",
    "/appeals/<>/stats.json": "JSON",
    "/appeals/<>/stats.csv": "CSV",
    "/appeals/<>/feed.atom": "an Atom feed",
    "/admin/appeals/<>/signatures.csv": "CSV download",
    "/admin/appeals/<>/deliveries/<>/receipt": "a delivery's receipt scan (a file)",
    "/admin/appeals/<>/paper/<>/scan": "a paper batch's scan (a file)",
    "/admin/inbox/<>": "one received message: needs mail received over SMTP/IMAP; the inbox "
    "tests render it (tests/inbox); its body is shown in a sandboxed frame",
    "/admin/inbox/<>/attachments/<>": "a file",
    "/admin/inbox/<>/raw": "the raw message as text/plain",
}


def _pattern(rule) -> str:
    return re.sub(r"<[^>]*>", "<>", rule.rule)


def _get_routes(app) -> set[str]:
    return {
        _pattern(rule)
        for rule, method, _role, _campaigner in route_table(app)
        if method == "GET" and not rule.rule.startswith("/api/")
    }


def test_every_page_in_the_url_map_is_walked(app):
    """A GET route that is neither walked nor declared not a page fails here."""
    known = set(PUBLIC_PAGES) | set(ADMIN_PAGES) | set(NOT_PAGES)
    assert sorted(_get_routes(app) - known) == []
    assert not set(PUBLIC_PAGES) & set(NOT_PAGES) and not set(ADMIN_PAGES) & set(NOT_PAGES)


def test_a_new_page_is_caught(app):
    app.add_url_rule("/appeals/<slug>/leaflet", "leaflet", lambda slug: "leaflet")
    known = set(PUBLIC_PAGES) | set(ADMIN_PAGES) | set(NOT_PAGES)
    assert sorted(_get_routes(app) - known) == ["/appeals/<>/leaflet"]


# --- the walk --------------------------------------------------------------------------------

#: Elements wider than the viewport, for the failure message.
OVERFLOW_JS = """() => {
  const width = window.innerWidth;
  const wide = [];
  for (const el of document.querySelectorAll('body *')) {
    const box = el.getBoundingClientRect();
    if (box.right > width + 1 && box.width > 0) {
      wide.push(el.tagName.toLowerCase() + (el.className && typeof el.className === 'string'
        ? '.' + el.className.trim().split(/\\s+/).join('.') : '') + ' ' + Math.round(box.right));
    }
  }
  return {scroll: document.documentElement.scrollWidth, inner: width, wide: wide.slice(0, 8)};
}"""


def screenshot_name(url_template: str, width: int, lang: str) -> str:
    name = re.sub(r"\{[^}]*\}", "x", url_template).strip("/") or "home"
    return f"{re.sub(r'[^A-Za-z0-9]+', '-', name).strip('-')}-{width}-{lang}.png"


def check_page(page, url: str, name: str, failures: list[str]) -> None:
    response = page.goto(url)
    assert response is not None and response.status < 500, (url, response and response.status)
    found = page.evaluate(OVERFLOW_JS)
    if found["scroll"] > found["inner"]:
        failures.append(f"{url}: {found['scroll']} px wide at {found['inner']}: {found['wide']}")
    page.screenshot(path=str(SCREENSHOTS / name), full_page=True)


def _login(page, base: str, email: str) -> None:
    page.goto(base + "/admin/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/admin/?$"))


@pytest.fixture
def sample(app, db, demo_appeal):
    with app.test_request_context():  # the endorsements' checks speak the reader's language
        values = build_sample(demo_appeal)
    db.session.commit()
    return values


@pytest.mark.browser
@pytest.mark.parametrize("width", WIDTHS)
def test_no_page_scrolls_sideways(width, browser, live_server, sample, make_user):
    """Every public page in English, Russian and Kyrgyz (the longest words) and every admin
    page, logged in: the document is no wider than the window."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    admin = make_user("admin").email
    failures: list[str] = []
    context = browser.new_context(viewport={"width": width, "height": 800})
    try:
        page = context.new_page()
        for lang in ("en", "ru", "ky"):
            context.add_cookies([{"name": "lang", "value": lang, "url": live_server}])
            for template in PUBLIC_PAGES.values():
                url = live_server + template.format(**sample)
                check_page(page, url, screenshot_name(template, width, lang), failures)
        context.add_cookies([{"name": "lang", "value": "en", "url": live_server}])
        _login(page, live_server, admin)
        for template in ADMIN_PAGES.values():
            url = live_server + template.format(**sample)
            check_page(page, url, screenshot_name(template, width, "en"), failures)
    finally:
        context.close()
    assert not failures, "\n".join(failures)


# --- the appeal page, made for acting ----------------------------------------------------------


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["en", "ru", "ky"])
def test_on_a_phone_the_count_and_sign_are_on_the_first_screen(lang, browser, live_server, sample):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport=PHONE)
    context.add_cookies([{"name": "lang", "value": lang, "url": live_server}])
    try:
        page = context.new_page()
        page.goto(f"{live_server}/appeals/{sample['slug']}")
        page.screenshot(path=str(SCREENSHOTS / f"appeal-first-screen-390-{lang}.png"))
        count = page.locator(".act .count").bounding_box()
        sign = page.locator("a.sign-jump")
        expect(sign).to_be_visible()
        box = sign.bounding_box()
        assert count["y"] + count["height"] <= PHONE["height"], count
        assert box["y"] + box["height"] <= PHONE["height"], box
        # A compact header, whose language switch is small: not the loudest thing on screen.
        header = page.locator(".site-header").bounding_box()
        assert header["height"] <= 90, header
        change = page.locator(".lang button").bounding_box()
        assert change["height"] < box["height"] and change["width"] < box["width"]
        # The demands come before the long text.
        order = page.evaluate(
            "() => document.querySelector('.demands').compareDocumentPosition("
            "document.querySelector('.appeal .body')) & Node.DOCUMENT_POSITION_FOLLOWING"
        )
        assert order
        # The jump lands on the form.
        sign.click()
        expect(page).to_have_url(re.compile(r"#sign$"))
        expect(page.locator("#sign form")).to_be_in_viewport()
    finally:
        context.close()


@pytest.mark.browser
def test_on_a_wide_screen_the_sign_panel_sits_beside_the_text(browser, live_server, sample):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        page = context.new_page()
        page.goto(f"{live_server}/appeals/{sample['slug']}")
        panel = page.locator(".appeal-side #sign").bounding_box()
        text = page.locator(".appeal .body").bounding_box()
        demands = page.locator(".appeal .demands").bounding_box()
        assert panel["x"] >= text["x"] + text["width"], (panel, text)
        assert panel["y"] < 400, panel  # beside the title, not below the text
        assert demands["y"] < text["y"]
        expect(page.locator("a.sign-jump")).to_be_hidden()  # the form itself is there
        expect(page.get_by_role("button", name="Sign", exact=True)).to_be_visible()
    finally:
        context.close()


@pytest.mark.browser
def test_the_appeal_page_works_without_javascript(browser, live_server, sample):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{live_server}/appeals/{sample['slug']}")
        page.locator("a.sign-jump").click()
        expect(page.locator("#sign form")).to_be_in_viewport()
    finally:
        context.close()


def _tab_to(page, selector: str, limit: int = 60) -> int:
    """Press Tab until the element matching `selector` has the focus; the number of presses."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return presses
    raise AssertionError(f"{selector} never got the focus in {limit} presses of Tab")


@pytest.mark.browser
def test_signing_with_the_keyboard_alone(browser, live_server, sample, db):
    from campaign.signatures.models import Signature

    context = browser.new_context(viewport=PHONE)
    try:
        page = context.new_page()
        page.goto(f"{live_server}/appeals/{sample['slug']}")
        # From the top of the page, the Sign control comes within a few presses of Tab.
        assert _tab_to(page, "a.sign-jump") <= 12
        page.keyboard.press("Enter")
        _tab_to(page, "#sign input[name=name]", limit=3)
        page.keyboard.type("Keyboard Signer")
        _tab_to(page, "#sign input[name=email]", limit=1)
        page.keyboard.type("keys@example.org")
        _tab_to(page, "#sign select[name=country]", limit=1)
        page.keyboard.type("Kyrgyz")
        _tab_to(page, "#sign input[name=wants_updates]")
        page.keyboard.press("Space")
        expect(page.locator("#sign input[name=wants_updates]")).to_be_checked()
        _tab_to(page, "#sign button[type=submit]")
        page.keyboard.press("Enter")
        expect(page).to_have_url(re.compile(r"/thanks"))
    finally:
        context.close()
    db.session.commit()
    signature = db.session.query(Signature).filter_by(state="pending").one()
    assert signature.country == "KG" and signature.wants_updates


# --- the embed -------------------------------------------------------------------------------


@pytest.mark.browser
def test_the_embed_fits_its_frame_on_a_phone(browser, live_server, sample, app, partner_site):
    """On a partner's page 320 px wide the iframe grows to the embed's height, so its sign
    button shows; without JavaScript the snippet's own height holds the whole embed."""
    from campaign.appeals.queries import get_published_appeal_or_404

    with app.test_request_context():
        snippet = embed_snippet(get_published_appeal_or_404(sample["slug"]))
    context = browser.new_context(viewport={"width": 320, "height": 640})
    try:
        page = context.new_page()
        page.goto(partner_site(f"<!doctype html><body><p>Partner</p>{snippet}</body>"))
        frame = page.locator("iframe.answerable-embed")
        button = page.frame_locator("iframe.answerable-embed").locator("a.button")
        expect(button).to_be_visible()
        page.wait_for_function(
            "() => document.querySelector('iframe.answerable-embed').style.height !== ''"
        )
        inner = page.frame_locator("iframe.answerable-embed").locator("html")
        inner_height = inner.evaluate("e => e.getBoundingClientRect().height")
        outer = frame.bounding_box()
        assert abs(outer["height"] - inner_height) <= 2, (outer, inner_height)
        assert button.bounding_box()["y"] + button.bounding_box()["height"] <= (
            outer["y"] + outer["height"]
        )
    finally:
        context.close()
    for lang in ("en", "ru", "ky"):
        context = browser.new_context(
            viewport={"width": 320, "height": EMBED_FALLBACK_HEIGHT}, java_script_enabled=False
        )
        try:
            page = context.new_page()
            page.goto(f"{live_server}/appeals/{sample['slug']}/embed?lang={lang}")
            height = page.evaluate("() => document.documentElement.getBoundingClientRect().height")
            assert height <= EMBED_FALLBACK_HEIGHT, (lang, height)
            page.screenshot(path=str(SCREENSHOTS / f"embed-nojs-320-{lang}.png"))
        finally:
            context.close()
