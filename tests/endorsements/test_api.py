"""The endorsements API: public list and sign-on under the form's rules, and moderation."""

from __future__ import annotations

import sqlalchemy as sa

from campaign.endorsements.models import Endorsement, Organization
from campaign.mail.models import OutboxMessage
from tests.endorsements.helpers import forget_user, link, mails

BODY = {
    "organization_name": "Kloop Media",
    "kind": "media",
    "country": "KG",
    "website": "https://kloop.kg",
    "signatory_name": "Aida Sultanova",
    "signatory_role": "Director",
    "contact_email": "aida@kloop.kg",
    "comment": "We stand with our colleagues.",
}


def _url(appeal) -> str:
    return f"/api/v1/appeals/{appeal.slug}/endorsements"


def _submitted(client, smtp, appeal, **overrides) -> Endorsement:
    response = client.post(_url(appeal), json={**BODY, **overrides})
    assert response.status_code == 202, response.get_json()
    assert response.get_json()["status"] == "pending_confirmation"
    [message] = mails(smtp, 1)
    assert client.post(link(message, "confirm")).status_code == 200
    return Endorsement.query.one()


def test_submit_confirm_queue_approve_and_public_list(client, db, smtp, demo_appeal, api_token):
    endorsement = _submitted(client, smtp, demo_appeal)
    assert client.get(_url(demo_appeal)).get_json()["total"] == 0
    assert client.get(_url(demo_appeal) + "?state=submitted").status_code == 401
    forget_user()

    headers = api_token("moderator")
    queue = client.get(_url(demo_appeal) + "?state=submitted", headers=headers).get_json()
    assert queue["total"] == 1
    assert queue["items"][0]["contact_email"] == "aida@kloop.kg"
    approved = client.post(f"/api/v1/endorsements/{endorsement.id}/approve", headers=headers)
    assert approved.status_code == 200 and approved.get_json()["state"] == "approved"
    assert (
        client.post(f"/api/v1/endorsements/{endorsement.id}/approve", headers=headers).status_code
        == 400
    )  # only a confirmed one
    forget_user()

    public = client.get(_url(demo_appeal))
    body = public.get_json()
    assert body["total"] == 1
    item = body["items"][0]
    assert item["organization"]["name"] == "Kloop Media"
    assert item["organization"]["domain_verified"] is True
    assert item["organization"]["url"].endswith("/organizations/kloop-media")
    for private in ("contact_email", "moderation_reason", "state", "ip_key", "flagged"):
        assert private not in item
    assert "aida@kloop.kg" not in public.get_data(as_text=True)
    db.session.refresh(demo_appeal)
    assert demo_appeal.endorsement_count == 1
    assert len(mails(smtp, 2)) == 2  # the approval notice


def test_reject_needs_a_reason_and_keeps_it_private(client, db, smtp, demo_appeal, api_token):
    endorsement = _submitted(client, smtp, demo_appeal)
    assert client.post(f"/api/v1/endorsements/{endorsement.id}/reject", json={}).status_code == 401
    forget_user()
    headers = api_token("moderator")
    url = f"/api/v1/endorsements/{endorsement.id}/reject"
    missing = client.post(url, json={}, headers=headers)
    assert missing.status_code == 400
    assert "reason" in missing.get_json()["error"]["fields"]
    blank = client.post(url, json={"reason": "   "}, headers=headers)
    assert blank.status_code == 400 and blank.get_json()["error"]["code"] == "invalid"
    assert Endorsement.query.one().state == "submitted"
    rejected = client.post(url, json={"reason": "Not a real organization"}, headers=headers)
    assert rejected.status_code == 200
    assert rejected.get_json()["moderation_reason"] == "Not a real organization"
    forget_user()
    public = client.get(_url(demo_appeal)).get_data(as_text=True)
    assert "Kloop" not in public and "Not a real" not in public
    [_, notice] = mails(smtp, 2)
    assert "not accepted" in notice["Subject"]
    assert client.post("/api/v1/endorsements/999999/approve", headers=headers).status_code == 404


def test_bad_bodies_are_refused_naming_fields_and_store_nothing(client, db, demo_appeal):
    cases = [
        ({**BODY, "contact_email": "nope"}, "contact_email"),
        ({**BODY, "organization_name": ""}, "organization_name"),
        ({**BODY, "kind": "party"}, "kind"),
        ({**BODY, "website": "ftp://kloop.kg"}, "website"),
        ({**BODY, "website": "http://["}, "website"),
        ({**BODY, "organization_name": "!!!"}, "organization_name"),
        ({**BODY, "signatory_name": "Aida\r\nBcc: x@y.z"}, "signatory_name"),
        ({**BODY, "comment": "null\x00byte"}, "comment"),
        ({**BODY, "logo": "iVBORw0KGgo="}, "logo"),  # logos only through the form
        ({k: v for k, v in BODY.items() if k != "signatory_name"}, "signatory_name"),
    ]
    for body, field in cases:
        response = client.post(_url(demo_appeal), json=body)
        assert response.status_code == 400, (field, response.get_json())
        assert field in response.get_json()["error"]["fields"], field
    assert Endorsement.query.count() == 0
    assert Organization.query.count() == 1  # the demo appeal's issuer
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 0


def test_closed_and_draft_appeals_refuse(client, db, make_appeal):
    closed = make_appeal(state="closed")
    response = client.post(_url(closed), json=BODY)
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "closed"
    assert client.post(_url(make_appeal(state="draft")), json=BODY).status_code == 404
    assert client.get(_url(make_appeal(state="draft"))).status_code == 404
    assert Endorsement.query.count() == 0


def test_a_rival_submission_is_its_own_and_cannot_be_approved_beside_another(
    client, db, smtp, demo_appeal, api_token
):
    real = _submitted(client, smtp, demo_appeal)
    headers = api_token("moderator")
    assert (
        client.post(f"/api/v1/endorsements/{real.id}/approve", headers=headers).status_code == 200
    )
    forget_user()
    before = client.get(_url(demo_appeal)).get_json()

    rival_body = {
        **BODY,
        "organization_name": "KLOOP media",
        "signatory_name": "Bakyt Osmonov",
        "contact_email": "bakyt@kloop.kg",  # even on the domain: a different submission
        "comment": "Taken over.",
    }
    again = client.post(_url(demo_appeal), json=rival_body)
    assert again.status_code == 202  # the same answer as any submission
    assert again.get_json()["status"] == "pending_confirmation"
    assert client.get(_url(demo_appeal)).get_json() == before  # the approved one is untouched
    confirm = link(mails(smtp, 3)[2], "confirm")
    assert client.post(confirm).status_code == 200
    rival = Endorsement.query.filter_by(signatory_name="Bakyt Osmonov").one()
    assert rival.state == "submitted"

    queue = client.get(_url(demo_appeal) + "?state=submitted", headers=headers).get_json()
    [item] = queue["items"]
    assert item["id"] == rival.id
    assert item["rivals"] == [{"id": real.id, "state": "approved"}]
    refused = client.post(f"/api/v1/endorsements/{rival.id}/approve", headers=headers)
    assert refused.status_code == 409
    error = refused.get_json()["error"]
    assert error["code"] == "already_endorsed"
    assert "already has an approved endorsement" in error["message"]
    forget_user()
    assert client.get(_url(demo_appeal)).get_json() == before
    db.session.expire_all()
    assert db.session.get(Endorsement, rival.id).state == "submitted"
    db.session.refresh(demo_appeal)
    assert demo_appeal.endorsement_count == 1


def test_the_api_is_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/appeals/{slug}/endorsements"])
    assert "post" in paths["/api/v1/endorsements/{endorsement_id}/reject"]
