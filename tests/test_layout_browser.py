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
    "/admin/login": "/admin/login",
    "/nowhere": "/no-such-page",  # the 404 page
}

#: Campaigners' pages (GET, HTML, logged in as an admin).
ADMIN_PAGES = {
    "/admin/": "/admin/",
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
    "/admin/appeals/<>/preview": "/admin/appeals/{slug}/preview",
    "/admin/appeals/<>/responses": "/admin/appeals/{slug}/responses",
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
    "/appeals/<>/qr.png": "an image",
    "/appeals/<>/qr.svg": "an image",
    "/appeals/<>/count.json": "JSON",
    "/appeals/<>/stats.json": "JSON",
    "/appeals/<>/stats.csv": "CSV",
    "/appeals/<>/feed.atom": "an Atom feed",
    "/admin/appeals/<>/signatures.csv": "CSV download",
    "/admin/appeals/<>/deliveries/<>/receipt": "a delivery's receipt scan (a file)",
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
