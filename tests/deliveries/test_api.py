"""The deliveries API: 201, 400, 404, 409, roles, and what public reads show."""

from __future__ import annotations

import datetime as dt

from campaign.core.extensions import db
from campaign.mail.worker import drain
from tests.api.helpers import assert_error, assert_no_private_data


def _appeal(make_appeal, make_authority, **authority_fields):
    authority = make_authority(
        "Ministry", contact_email="office@ministry.example.kg", country="KG", **authority_fields
    )
    return make_appeal(authority=authority), authority


def test_deliver_by_email_answers_201_and_lists_it(
    client, make_appeal, make_authority, api_token, smtp
):
    appeal, authority = _appeal(make_appeal, make_authority)
    headers = api_token("editor")
    url = f"/api/v1/appeals/{appeal.slug}/deliveries"
    response = client.post(
        url, json={"authority": authority.slug, "method": "email"}, headers=headers
    )
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["status"] == "queued" and body["method"] == "email"
    assert body["authority"]["slug"] == authority.slug
    assert body["message_id"].startswith("<")

    drain()
    smtp.wait_for(1)
    listed = client.get(url, headers=api_token("moderator")).get_json()
    assert listed["total"] == 1
    assert listed["items"][0]["status"] == "sent"
    assert listed["items"][0]["delivered_on"] == dt.datetime.now(dt.UTC).date().isoformat()


def test_a_second_delivery_answers_409(client, make_appeal, make_authority, api_token):
    appeal, authority = _appeal(make_appeal, make_authority)
    headers = api_token("editor")
    url = f"/api/v1/appeals/{appeal.slug}/deliveries"
    today = dt.datetime.now(dt.UTC).date().isoformat()
    body = {"authority": authority.slug, "method": "hand", "delivered_on": today}
    assert client.post(url, json=body, headers=headers).status_code == 201
    assert_error(client.post(url, json=body, headers=headers), 409, "delivered")
    assert_error(
        client.post(url, json={"authority": authority.slug, "method": "email"}, headers=headers),
        409,
    )


def test_bad_requests_answer_400_and_unknown_appeals_404(
    client, make_appeal, make_authority, api_token
):
    appeal, authority = _appeal(make_appeal, make_authority)
    stranger = make_authority("Stranger", contact_email="s@example.org")
    headers = api_token("editor")
    url = f"/api/v1/appeals/{appeal.slug}/deliveries"
    for body, field in [
        ({"authority": authority.slug, "method": "pigeon"}, "method"),
        ({"authority": "nobody", "method": "email"}, "authority"),
        ({"authority": stranger.slug, "method": "email"}, "authority"),
        ({"authority": authority.slug, "method": "post"}, "delivered_on"),
        (
            {"authority": authority.slug, "method": "post", "delivered_on": "2999-01-01"},
            "delivered_on",
        ),
    ]:
        error = assert_error(client.post(url, json=body, headers=headers), 400)
        assert field in error["fields"], (body, error)
    assert_error(
        client.post(
            "/api/v1/appeals/nope/deliveries",
            json={"authority": authority.slug, "method": "email"},
            headers=headers,
        ),
        404,
    )


def test_only_campaigners_deliver(client, make_appeal, make_authority, api_token):
    appeal, authority = _appeal(make_appeal, make_authority)
    url = f"/api/v1/appeals/{appeal.slug}/deliveries"
    body = {"authority": authority.slug, "method": "email"}
    assert_error(client.post(url, json=body), 401)
    assert_error(client.get(url), 401)
    assert_error(client.post(url, json=body, headers=api_token("moderator")), 403)


def test_public_reads_show_the_delivery_date_and_nothing_private(
    app, client, make_appeal, make_authority, api_token
):
    appeal, authority = _appeal(make_appeal, make_authority)
    today = dt.datetime.now(dt.UTC).date()
    client.post(
        f"/api/v1/appeals/{appeal.slug}/deliveries",
        json={"authority": authority.slug, "method": "post", "delivered_on": today.isoformat()},
        headers=api_token("editor"),
    )
    body = client.get(f"/api/v1/appeals/{appeal.slug}").get_json()
    assert_no_private_data(body)
    targets = [t for d in body["demands"] for t in d["targets"]]
    assert {t["delivered_on"] for t in targets} == {today.isoformat()}
    assert all(t["due_on"] for t in targets)
    page = client.get(f"/appeals/{appeal.slug}/tracker").get_data(as_text=True)
    with app.test_request_context():
        shown = app.jinja_env.filters["date"](today)
    assert f"Delivered {shown}." in page


def test_patch_authority_sets_how_to_reach_it(client, make_authority, api_token):
    authority = make_authority("Court")
    headers = api_token("editor")
    response = client.patch(
        f"/api/v1/authorities/{authority.slug}",
        json={
            "contact_email": "clerk@court.example.kg",
            "language": "ky",
            "response_term_days": 30,
            "response_term_source": "Law No. 67, art. 8",
            "postal_address": "Bishkek, 720000",
        },
        headers=headers,
    )
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["contact_email"] == "clerk@court.example.kg"
    assert body["language"] == "ky" and body["response_term_days"] == 30
    for bad in ({"response_term_days": 0}, {"response_term_days": 1.5}, {"language": "fr"}):
        assert_error(
            client.patch(f"/api/v1/authorities/{authority.slug}", json=bad, headers=headers), 400
        )
    public = client.get("/api/v1/authorities").get_json()
    assert_no_private_data(public)
    db.session.expire_all()
