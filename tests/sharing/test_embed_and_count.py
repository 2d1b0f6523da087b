"""The embeddable page, count.json, and the visibility rule for every sharing route."""

from __future__ import annotations

import re

import pytest

from campaign.core.extensions import cache
from campaign.signatures.counting import bump_signature_count
from campaign.signatures.models import Signature
from tests.sharing.helpers import tags

SHARING_ROUTES = ("card.png", "qr.svg", "qr.png", "embed", "count.json")


@pytest.fixture
def appeal(make_appeal):
    return make_appeal(title="Free the reporters", demands=["Release them", "Drop the charges"],
                       signature_goal=5000)  # fmt: skip


def test_embed_page_may_be_framed_and_the_appeal_page_may_not(client, appeal):
    # The embed request goes last: the test app keeps one app context (and so one `g`)
    # across requests, which a real server never does.
    page = client.get(f"/appeals/{appeal.slug}")
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    assert page.headers["X-Frame-Options"] == "DENY"
    for route in ("card.png", "count.json", "qr.svg"):
        other = client.get(f"/appeals/{appeal.slug}/{route}")
        assert "frame-ancestors 'none'" in other.headers["Content-Security-Policy"], route
        assert other.headers["X-Frame-Options"] == "DENY", route

    embed = client.get(f"/appeals/{appeal.slug}/embed")
    assert embed.status_code == 200
    assert "frame-ancestors *" in embed.headers["Content-Security-Policy"]
    assert "X-Frame-Options" not in embed.headers
    assert "max-age=60" in embed.headers["Cache-Control"]
    assert "Accept-Language" in embed.headers["Vary"]


def test_embed_shows_count_goal_demands_and_a_link_to_the_appeal(client, db, appeal):
    bump_signature_count(appeal.id, 1234)
    target = appeal.demands[1].targets[0]
    target.status = "met"
    db.session.commit()
    html = client.get(f"/appeals/{appeal.slug}/embed").get_data(as_text=True)
    assert "Free the reporters" in html
    assert "1,234" in html and "5,000" in html
    assert '<progress max="5000" value="1234">' in html
    assert "Release them" in html and "Drop the charges" in html
    assert html.index("Release them") < html.index("Drop the charges")
    assert "1 of 2 demands met" in html
    assert 'class="status status-met"' in html and 'class="status status-awaiting"' in html
    buttons = [a for a in tags(html, "a") if a.get("class") == "button"]
    assert len(buttons) == 1
    assert buttons[0]["href"] == f"http://localhost/appeals/{appeal.slug}?ref=embed"
    assert buttons[0]["target"] == "_blank" and "noopener" in buttons[0]["rel"]


def test_embed_loads_nothing_from_other_hosts_and_has_no_site_chrome(client, appeal):
    html = client.get(f"/appeals/{appeal.slug}/embed").get_data(as_text=True)
    # One script, served from this host: it reports the page's height to the framing page.
    [script] = [script["src"] for script in tags(html, "script")]
    assert re.fullmatch(r"/static/js/embed\.[0-9a-f]{12}\.js", script)
    assert "<iframe" not in html
    hrefs = [link["href"] for link in tags(html, "link")]
    assert len(hrefs) == 1 and re.fullmatch(r"/static/css/embed\.[0-9a-f]{12}\.css", hrefs[0])
    for name in ("img", "iframe", "source", "video", "audio"):
        assert tags(html, name) == []
    assert "site-header" not in html and "csrf_token" not in html
    with client.get(hrefs[0]) as css:
        assert css.status_code == 200


def test_embed_of_a_closed_appeal_says_so(client, make_appeal):
    appeal = make_appeal(state="closed")
    html = client.get(f"/appeals/{appeal.slug}/embed").get_data(as_text=True)
    assert "no longer takes signatures" in html
    assert "Read the appeal" in html and "Read and sign" not in html


def test_count_json_has_public_numbers_only_and_open_cors(client, db, appeal):
    db.session.add(
        Signature(appeal_id=appeal.id, name="Aida Secret", email="aida@example.org",
                  email_key="aida@example.org", country="KG", state="pending")
    )  # fmt: skip
    bump_signature_count(appeal.id, 7)
    db.session.commit()
    response = client.get(f"/appeals/{appeal.slug}/count.json")
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "max-age=30" in response.headers["Cache-Control"]
    assert response.get_json() == {
        "slug": appeal.slug,
        "signature_count": 7,
        "signature_goal": 5000,
        "endorsement_count": 0,
        "state": "published",
    }
    body = response.get_data(as_text=True)
    assert "@" not in body and "Aida" not in body
    assert "Set-Cookie" not in response.headers


def test_count_json_is_cached_for_a_few_seconds(client, db, appeal):
    assert client.get(f"/appeals/{appeal.slug}/count.json").get_json()["signature_count"] == 0
    bump_signature_count(appeal.id, 3)
    db.session.commit()
    # Within the cache window pollers get the cached answer; the page reads the counter.
    assert client.get(f"/appeals/{appeal.slug}/count.json").get_json()["signature_count"] == 0
    cache.clear()
    assert client.get(f"/appeals/{appeal.slug}/count.json").get_json()["signature_count"] == 3


@pytest.mark.parametrize("route", SHARING_ROUTES)
def test_drafts_are_404_on_every_sharing_route(client, make_appeal, route):
    draft = make_appeal(state="draft")
    response = client.get(f"/appeals/{draft.slug}/{route}")
    assert response.status_code == 404
    assert draft.title not in response.get_data(as_text=True)


@pytest.mark.parametrize("route", SHARING_ROUTES)
def test_unknown_slug_is_404(client, route):
    assert client.get(f"/appeals/no-such-appeal/{route}").status_code == 404


@pytest.mark.parametrize("state", ["closed", "archived"])
@pytest.mark.parametrize("route", SHARING_ROUTES)
def test_closed_and_archived_appeals_stay_shareable(client, make_appeal, state, route):
    appeal = make_appeal(state=state)
    assert client.get(f"/appeals/{appeal.slug}/{route}").status_code == 200
