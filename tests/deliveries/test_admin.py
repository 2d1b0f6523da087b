"""Campaigners' pages: how to reach an authority and its legal term; the working-day
calendar; the deliveries page and its guard."""

from __future__ import annotations

import datetime as dt

from campaign.authorities.models import Authority
from campaign.core.extensions import db
from campaign.deliveries.models import WorkingDayOverride
from campaign.deliveries.workdays import working_days_after


def test_an_authority_gets_its_address_language_and_term(client, login, make_authority):
    authority = make_authority("Ministry of Justice")
    login("editor")
    url = f"/admin/authorities/{authority.slug}/edit"
    data = {
        "name": "Ministry of Justice",
        "kind": "ministry",
        "country": "KG",
        "contact_email": "info@minjust.example.kg",
        "postal_address": "Bishkek, 32 Orozbekov St.",
        "language": "ky",
        "response_term_days": "14",
        "response_term_source": "Law No. 67 of 4 May 2007, art. 8",
    }
    assert client.post(url, data=data).status_code == 302
    db.session.expire_all()
    saved = db.session.get(Authority, authority.id)
    assert (saved.language, saved.response_term_days) == ("ky", 14)
    assert saved.postal_address == "Bishkek, 32 Orozbekov St."

    response = client.post(url, data={**data, "response_term_days": "0", "language": "fr"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "From 1 to 365 days." in page
    db.session.expire_all()
    assert db.session.get(Authority, authority.id).response_term_days == 14

    # Empty: the instance default.
    assert client.post(url, data={**data, "response_term_days": ""}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Authority, authority.id).response_term_days is None


def test_an_admin_moves_a_day_off_and_the_terms_follow(client, login, app):
    login("editor")
    # 17 March 2026, a Tuesday, declared a day off.
    response = client.post(
        "/admin/working-days",
        data={"country": "kg", "day": "2026-03-17", "note": "Decree No. 1"},
    )
    assert response.status_code == 302
    override = db.session.execute(db.select(WorkingDayOverride)).scalar_one()
    assert (override.country, override.working) == ("KG", False)
    assert working_days_after("KG", dt.date(2026, 3, 16), 1) == dt.date(2026, 3, 18)
    page = client.get("/admin/working-days").get_data(as_text=True)
    assert "Decree No. 1" in page

    bad = client.post("/admin/working-days", data={"country": "Kyrgyzstan", "day": "2026-03-17"})
    assert bad.status_code == 400

    client.post(f"/admin/working-days/{override.id}/remove")
    assert db.session.execute(db.select(WorkingDayOverride)).first() is None
    assert working_days_after("KG", dt.date(2026, 3, 16), 1) == dt.date(2026, 3, 17)


def test_the_pages_need_an_editor(client, login, make_appeal):
    appeal = make_appeal()
    assert client.get(f"/admin/appeals/{appeal.slug}/deliveries").status_code == 302
    login("moderator")
    assert client.get(f"/admin/appeals/{appeal.slug}/deliveries").status_code == 403
    assert client.get("/admin/working-days").status_code == 403


def test_delivering_by_email_from_the_page(client, login, make_appeal, make_authority, smtp):
    authority = make_authority("Ombudsman", contact_email="akyikatchy@example.kg")
    appeal = make_appeal(authority=authority)
    login("editor")
    url = f"/admin/appeals/{appeal.slug}/deliveries/{authority.slug}/email"
    response = client.post(url, follow_redirects=True)
    assert "The appeal is queued for sending by email." in response.get_data(as_text=True)
    again = client.post(url, follow_redirects=True).get_data(as_text=True)
    assert "delivered to that authority already" in again
