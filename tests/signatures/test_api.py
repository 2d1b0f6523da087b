"""The API path: the same rules and the same answer as the form, JSON errors, OpenAPI."""

from __future__ import annotations

import sqlalchemy as sa
from flask import g

from campaign.signatures.counting import signature_count
from campaign.signatures.models import Signature
from tests.signatures.helpers import deliver, links

BODY = {"name": "Aida Bekova", "email": "aida@example.org", "country": "KG"}


def _url(appeal) -> str:
    return f"/api/v1/appeals/{appeal.slug}/signatures"


def test_api_sign_then_confirm_by_mail(client, db, smtp, make_appeal):
    appeal = make_appeal()
    first = client.post(
        _url(appeal), json={**BODY, "ref": "x", "public_name": False, "language": "xx-long-tag"}
    )
    assert first.status_code == 202
    assert first.json["status"] == "pending_confirmation"
    again = client.post(_url(appeal), json={**BODY, "email": "AIDA@example.org"})
    assert again.status_code == 202 and again.json == first.json
    [row] = db.session.execute(sa.select(Signature)).scalars().all()
    assert row.public_name is False and row.ref == "x" and row.mails_sent == 2
    assert row.language == "en"
    messages = deliver(smtp, 2)
    client.post(links(messages[0])["confirm"])
    assert signature_count(appeal.id) == 1


def test_api_field_errors(client, db, make_appeal):
    appeal = make_appeal()
    response = client.post(_url(appeal), json={**BODY, "email": "nope", "name": "@evil"})
    assert response.status_code == 400
    error = response.json["error"]
    assert error["code"] == "invalid"
    assert set(error["fields"]) == {"email", "name"}
    missing = client.post(_url(appeal), json={"name": "A"})
    assert missing.status_code == 400
    assert {"email", "country"} <= set(missing.json["error"]["fields"])
    assert db.session.execute(sa.select(Signature)).first() is None


def test_api_malformed_json_is_400(client, make_appeal):
    appeal = make_appeal()
    response = client.post(
        _url(appeal), data="{not json", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert response.is_json and response.json["error"]["code"] == "invalid"
    assert response.json["error"]["fields"]
    wrong_type = client.post(_url(appeal), json={**BODY, "wants_updates": "maybe"})
    assert wrong_type.status_code == 400
    assert "wants_updates" in wrong_type.json["error"]["fields"]


def test_api_closed_and_draft(client, make_appeal):
    closed = make_appeal(state="closed")
    response = client.post(_url(closed), json=BODY)
    assert response.status_code == 409 and response.json["error"]["code"] == "closed"
    draft = make_appeal(state="draft")
    assert client.post(_url(draft), json=BODY).status_code == 404


def test_api_list_needs_a_moderator_and_shows_personal_data(client, db, make_appeal, api_token):
    appeal = make_appeal()
    for i in range(3):
        client.post(_url(appeal), json={**BODY, "email": f"p{i}@example.org"})
    assert client.get(_url(appeal)).status_code == 401
    # Requests share the fixture's app context, and with it `g`, where the bearer user is
    # cached per request; forget it as a new request in production would.
    g.pop("api_user", None)
    response = client.get(_url(appeal) + "?per_page=2", headers=api_token("moderator"))
    assert response.status_code == 200, response.json
    assert response.json["total"] == 3 and len(response.json["items"]) == 2
    assert response.json["items"][0]["email"] == "p2@example.org"
    g.pop("api_user", None)
    assert client.get(_url(appeal), headers=api_token("editor")).status_code == 200
    g.pop("api_user", None)
    pending = client.get(_url(appeal) + "?state=confirmed", headers=api_token("moderator"))
    assert pending.json["total"] == 0
    g.pop("api_user", None)
    bad = client.get(_url(appeal) + "?state=nope", headers=api_token("moderator"))
    assert bad.status_code == 400


def test_openapi_documents_signing(client):
    spec = client.get("/api/v1/openapi.json").json
    operations = spec["paths"]["/api/v1/appeals/{slug}/signatures"]
    assert "202" in operations["post"]["responses"]
    assert "get" in operations


def test_api_language_is_kept_and_unknown_fields_refused(client, db, smtp, make_appeal):
    appeal = make_appeal()
    client.post(_url(appeal), json={**BODY, "language": "ru", "extra": 1})
    assert db.session.execute(sa.select(Signature)).first() is None  # unknown field refused
    assert client.post(_url(appeal), json={**BODY, "language": "ru"}).status_code == 202
    assert db.session.execute(sa.select(Signature.language)).scalar_one() == "ru"
