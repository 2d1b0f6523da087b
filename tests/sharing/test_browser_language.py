"""In a real browser: a Russian page's share metadata and links, the friend who opens the
shared link reads Russian; the poster prints on one A4 page without the site's navigation."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from campaign.appeals.translations import save_translation
from campaign.core.extensions import db
from tests.factories import markdown

pytestmark = pytest.mark.browser

MEDIA_BOX = re.compile(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]")
#: A4 in PDF points (1/72 inch): 210 x 297 mm.
A4 = (595.3, 841.9)


@pytest.fixture
def appeal(make_appeal):
    appeal = make_appeal("Stop the summonses", demands=["Stop them", "Apologise"])
    save_translation(
        None,
        appeal,
        "ru",
        title="Прекратите вызовы",
        summary="Кратко.",
        body=markdown("Текст."),
        demands={appeal.demands[0].id: "Прекратить", appeal.demands[1].id: "Извиниться"},
    )
    db.session.commit()
    return appeal


def test_russian_page_shares_in_russian(browser, live_server, appeal):
    sharer = browser.new_context(locale="ru-RU", viewport={"width": 390, "height": 844})
    friend = browser.new_context(locale="en-US", viewport={"width": 390, "height": 844})
    try:
        page = sharer.new_page()
        page.goto(f"{live_server}/appeals/{appeal.slug}?lang=ru")
        og = {
            name: page.locator(f'meta[property="{name}"]').get_attribute("content")
            for name in ("og:title", "og:url", "og:image", "og:locale")
        }
        assert og["og:title"] == "Прекратите вызовы"
        assert og["og:url"] == f"{live_server}/appeals/{appeal.slug}?lang=ru"
        assert og["og:image"] == f"{live_server}/appeals/{appeal.slug}/card.png?lang=ru"
        assert og["og:locale"] == "ru_RU"
        first = page.locator(".sharing .share-links a").first
        assert first.get_attribute("data-channel") == "telegram"
        params = parse_qs(urlsplit(first.get_attribute("href")).query)
        assert params["text"] == ["Прекратите вызовы"]
        shared = params["url"][0]
        assert parse_qs(urlsplit(shared).query) == {"lang": ["ru"], "ref": ["telegram"]}

        other = friend.new_page()
        other.goto(shared)
        assert other.locator("html").get_attribute("lang") == "ru"
        assert "Прекратите вызовы" in other.locator("h1").first.inner_text()
    finally:
        sharer.close()
        friend.close()


def test_poster_prints_on_one_a4_page_without_navigation(page, live_server, appeal):
    page.goto(f"{live_server}/appeals/{appeal.slug}/poster?lang=ru")
    assert page.locator(".site-header").is_visible()
    page.emulate_media(media="print")
    assert page.locator(".site-header").is_hidden()
    assert page.locator(".site-footer").is_hidden()
    assert page.locator(".poster-hint").is_hidden()
    assert page.locator(".poster-title").inner_text() == "Прекратите вызовы"
    assert page.locator(".poster-qr svg").is_visible()
    pdf = page.pdf(prefer_css_page_size=True)
    boxes = [(float(w), float(h)) for w, h in MEDIA_BOX.findall(pdf)]
    assert boxes, "no page size in the PDF"
    assert len(boxes) == 1, f"the poster takes {len(boxes)} pages"
    width, height = boxes[0]
    assert abs(width - A4[0]) < 2 and abs(height - A4[1]) < 2, boxes
