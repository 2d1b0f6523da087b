"""Each appeal's admin pages share its navigation: the sections a role may open, the current
one marked, counts beside some; and the dashboard's counts link to the lists they count."""

from __future__ import annotations

import re

import pytest

from campaign.deliveries.models import Delivery
from tests.endorsements.helpers import endorse, link, logout, mails

NAV = re.compile(r'<nav class="appeal-nav"[^>]*>(.*?)</nav>', re.S)
ITEM = re.compile(r'<a href="([^"]+)"( aria-current="page")?>(.*?)</a>', re.S)
HIDDEN = re.compile(r'<span class="visually-hidden">.*?</span>', re.S)
TAG = re.compile(r"<[^>]+>")

MODERATOR = [
    "Overview",
    "Signatures",
    "Paper signatures",
    "Endorsements",
    "Figures",
    "Share channels",
]
EDITOR = [
    "Overview",
    "Issuers",
    "Signatures",
    "Paper signatures",
    "Endorsements",
    "Responses",
    "Translations",
    "Figures",
    "Share channels",
    "Deliveries",
]


def nav(html: str) -> list[tuple[str, str, bool]]:
    """(label, url, current) of each section; the title link first is left out."""
    [inner] = NAV.findall(html)
    items = inner.split("<ul>", 1)[1]
    return [
        (" ".join(TAG.sub("", HIDDEN.sub("", text)).split()), url, bool(cur))
        for url, cur, text in ITEM.findall(items)
    ]


def labels(html: str) -> list[str]:
    return [label for label, _url, _cur in nav(html)]


def names(html: str) -> list[str]:
    """The sections' names, without the counts beside them."""
    return [label.rstrip(" 0123456789,") for label in labels(html)]


def current(html: str) -> list[str]:
    return [label for label, _url, cur in nav(html) if cur]


#: Each appeal page (path after /admin/appeals/<slug>) and the section it belongs to.
PAGES = {
    "": "Overview",
    "/edit": "Overview",
    "/demands/new": "Overview",
    "/signatures": "Signatures",
    "/signatures/invalidate?state=flagged": "Signatures",
    "/paper": "Paper signatures",
    "/issuers": "Issuers",
    "/endorsements": "Endorsements",
    "/endorsements/add": "Endorsements",
    "/responses": "Responses",
    "/translations": "Translations",
    "/translations/ru": "Translations",
    "/stats": "Figures",
    "/channels": "Share channels",
    "/deliveries": "Deliveries",
    "/sealing-key": "Overview",
    "/hide": "Overview",
}


def test_every_appeal_page_has_the_nav_with_its_section_marked(client, db, login, make_appeal):
    appeal = make_appeal()
    db.session.commit()
    login("admin")
    for path, section in PAGES.items():
        response = client.get(f"/admin/appeals/{appeal.slug}{path}")
        assert response.status_code == 200, path
        html = response.get_data(True)
        assert names(html) == EDITOR, path
        assert [c.rstrip(" 0123456789,") for c in current(html)] == [section], path
        hrefs = {label: url for label, url, _ in nav(html)}
        assert hrefs["Figures"] == f"/admin/appeals/{appeal.slug}/stats"
    shred = client.get(f"/admin/appeals/{appeal.slug}/shred").get_data(True)
    assert current(shred) == ["Overview"]  # admins only


def test_moderators_see_only_what_they_may_open(client, db, login, make_appeal):
    appeal = make_appeal()
    db.session.commit()
    login("moderator")
    for path in ("", "/signatures", "/endorsements", "/stats", "/channels"):
        html = client.get(f"/admin/appeals/{appeal.slug}{path}").get_data(True)
        assert names(html) == MODERATOR, path
    for _label, url, _cur in nav(html):
        assert client.get(url).status_code == 200, url


def test_deliveries_only_where_an_appeal_can_be_delivered_and_inbox_once_delivered(
    client, db, login, make_appeal
):
    draft = make_appeal(state="draft")
    appeal = make_appeal()
    db.session.commit()
    login("editor")
    html = client.get(f"/admin/appeals/{draft.slug}").get_data(True)
    assert "Deliveries" not in names(html) and "Inbox" not in names(html)
    html = client.get(f"/admin/appeals/{appeal.slug}").get_data(True)
    assert "Deliveries" in names(html) and "Inbox" not in names(html)

    authority_id = appeal.demands[0].targets[0].authority_id
    db.session.add(Delivery(appeal_id=appeal.id, authority_id=authority_id, method="hand"))
    db.session.commit()
    html = client.get(f"/admin/appeals/{appeal.slug}/deliveries").get_data(True)
    assert labels(html)[-2:] == ["Deliveries 1", "Inbox 0"]
    assert current(html) == ["Deliveries 1"]
    inbox = client.get(f"/admin/appeals/{appeal.slug}/inbox").get_data(True)
    assert current(inbox) == ["Inbox 0"]
    assert client.get("/admin/inbox").status_code == 200  # the shared inbox: no appeal nav
    assert 'class="appeal-nav"' not in client.get("/admin/inbox").get_data(True)


def test_counts_beside_signatures_and_endorsements_to_moderate(
    client, db, smtp, login, make_appeal
):
    appeal = make_appeal()
    db.session.commit()
    assert endorse(client, appeal.slug).status_code == 302
    client.post(link(mails(smtp, 1)[-1], "confirm"))
    login("moderator")
    html = client.get(f"/admin/appeals/{appeal.slug}").get_data(True)
    assert "Signatures 0" in labels(html)
    assert "Endorsements 1" in labels(html)
    assert '1<span class="visually-hidden"> to moderate</span>' in html
    logout(client)


@pytest.mark.parametrize("role", ["moderator", "editor"])
def test_dashboard_counts_link_to_their_lists(client, db, smtp, login, make_appeal, role):
    appeal = make_appeal()
    db.session.commit()
    assert endorse(client, appeal.slug).status_code == 302
    client.post(link(mails(smtp, 1)[-1], "confirm"))
    login(role)
    html = client.get("/admin/").get_data(True)
    slug = appeal.slug
    signatures = re.search(rf'<a href="/admin/appeals/{slug}/signatures">(\d+)</a>', html)
    assert signatures and signatures.group(1) == "0"
    waiting = re.search(rf'<a href="/admin/appeals/{slug}/endorsements#submitted">(\d+)</a>', html)
    assert waiting and waiting.group(1) == "1"
    queue = client.get(f"/admin/appeals/{slug}/endorsements").get_data(True)
    assert 'id="submitted"' in queue and "Kloop Media" in queue
    overdue = f'<a href="/admin/appeals/{slug}/responses">'
    assert (overdue in html) is (role == "editor")  # moderators cannot open responses
