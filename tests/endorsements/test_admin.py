"""Moderation pages: access, the queue's order and count, per-appeal lists by state."""

from __future__ import annotations

import datetime as dt

from campaign.endorsements.models import Endorsement
from tests.endorsements.helpers import endorse, link, mails


def test_moderation_pages_need_a_login(client, demo_appeal):
    for url in (
        "/admin/endorsements",
        f"/admin/appeals/{demo_appeal.slug}/endorsements",
        f"/admin/appeals/{demo_appeal.slug}/endorsements/add",
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login" in response.location
    assert client.post("/admin/endorsements/1/approve").status_code == 302


def test_queue_is_oldest_first_and_counts_waiting_items(client, db, smtp, make_appeal, login):
    appeal = make_appeal()
    for n, name in enumerate(("Newer Org", "Older Org"), start=1):
        endorse(client, appeal.slug, organization_name=name, website="", contact_email=f"{n}@x.org")
    for message in mails(smtp, 2):
        client.post(link(message, "confirm"))
    newer, older = Endorsement.query.order_by(Endorsement.id).all()
    older.submitted_at = newer.submitted_at - dt.timedelta(hours=1)
    db.session.commit()

    login("moderator")
    page = client.get("/admin/endorsements").get_data(as_text=True)
    assert "(2 waiting)" in page
    assert page.index("Older Org") < page.index("Newer Org")
    assert "Endorsements" in client.get("/admin/").get_data(as_text=True)  # in the nav

    by_state = client.get(f"/admin/appeals/{appeal.slug}/endorsements").get_data(as_text=True)
    assert "Waiting for moderation (2)" in by_state and "Approved (0)" in by_state
    client.post(f"/admin/endorsements/{older.id}/approve", data={"next": "appeal"})
    by_state = client.get(f"/admin/appeals/{appeal.slug}/endorsements").get_data(as_text=True)
    assert "Waiting for moderation (1)" in by_state and "Approved (1)" in by_state
    # A moderator cannot mark initiators (editors do).
    response = client.post(f"/admin/endorsements/{older.id}/initiator", data={"initiator": "1"})
    assert response.status_code == 403
