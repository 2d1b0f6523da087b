"""The register of authorities over the API."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from campaign.authorities.models import Authority
from tests.api.helpers import assert_error, assert_no_private_data


def count(db) -> int:
    return db.session.execute(sa.select(sa.func.count()).select_from(Authority)).scalar_one()


def test_the_public_list_is_paginated_and_has_no_contact_emails(client, make_authority):
    for name in ("Parliament", "Ministry of Culture", "Supreme Court", "Office of the President"):
        make_authority(name, contact_email="office@gov.kg", country="KG", website="https://gov.kg")

    data = client.get("/api/v1/authorities?per_page=3").get_json()

    assert data["total"] == 4
    assert [a["name"] for a in data["items"]] == [
        "Ministry of Culture",
        "Office of the President",
        "Parliament",
    ]
    assert data["items"][0] == {
        "slug": "ministry-of-culture",
        "name": "Ministry of Culture",
        "names": {},
        "kind": "other",
        "country": "KG",
        "website": "https://gov.kg",
        "postal_address": None,
        "language": None,
        "response_term_days": None,
        "response_term_source": None,
    }
    page2 = client.get("/api/v1/authorities?per_page=3&page=2").get_json()
    assert [a["name"] for a in page2["items"]] == ["Supreme Court"]
    assert_no_private_data(data)
    assert_no_private_data(page2)


def test_an_editor_adds_an_authority(client, db, api_token):
    body = {
        "name": "State Committee for National Security",
        "kind": "security_service",
        "country": "kg",
        "website": "https://gknb.gov.kg",
        "contact_email": "press@gknb.gov.kg",
    }

    response = client.post("/api/v1/authorities", json=body, headers=api_token("editor"))

    assert response.status_code == 201, response.get_json()
    data = response.get_json()
    assert data["slug"] == "state-committee-for-national-security"
    assert data["country"] == "KG"
    # The campaigner sees the private contact email they entered; the public never does.
    assert data["contact_email"] == "press@gknb.gov.kg"
    public = client.get("/api/v1/authorities").get_json()
    assert public["items"][0]["slug"] == data["slug"]
    assert_no_private_data(public)


def test_a_new_authority_can_be_named_in_an_appeal_at_once(client, api_token):
    headers = api_token("editor")
    slug = client.post(
        "/api/v1/authorities", json={"name": "Parliament"}, headers=headers
    ).get_json()["slug"]

    demand = {"text": "Hold a hearing", "targets": [{"authority": slug}]}
    response = client.post(
        "/api/v1/appeals", json={"title": "Hear us", "demands": [demand]}, headers=headers
    )

    assert response.status_code == 201
    assert response.get_json()["demands"][0]["targets"][0]["authority"]["name"] == "Parliament"


@pytest.mark.parametrize(
    "body, field",
    [
        ({}, "name"),
        ({"name": ""}, "name"),
        ({"name": "   "}, "name"),
        ({"name": "X", "kind": "church"}, "kind"),
        ({"name": "X", "country": "Kyrgyzstan"}, "country"),
        ({"name": "X", "website": "javascript:alert(1)"}, "website"),
        ({"name": "X", "contact_email": "nobody"}, "contact_email"),
        ({"name": "X", "slug": "chosen"}, "slug"),
        ({"name": 5}, "name"),
    ],
)
def test_bad_authority_fields_are_named_and_nothing_is_added(client, db, api_token, body, field):
    response = client.post("/api/v1/authorities", json=body, headers=api_token("editor"))

    error = assert_error(response, 400, "invalid")
    assert field in error["fields"]
    assert count(db) == 0


def test_an_editor_edits_an_authority(client, db, api_token, make_authority):
    authority = make_authority("Parliament", contact_email="old@gov.kg")

    response = client.patch(
        f"/api/v1/authorities/{authority.slug}",
        json={"kind": "parliament", "contact_email": "new@gov.kg"},
        headers=api_token("admin"),
    )

    assert response.status_code == 200
    data = response.get_json()
    assert (data["slug"], data["name"], data["kind"]) == ("parliament", "Parliament", "parliament")
    assert data["contact_email"] == "new@gov.kg"


def test_a_bad_edit_changes_nothing(client, db, api_token, make_authority):
    authority = make_authority("Parliament", kind="parliament")

    response = client.patch(
        f"/api/v1/authorities/{authority.slug}",
        json={"name": "", "kind": "parliament"},
        headers=api_token("editor"),
    )

    assert_error(response, 400, "invalid")
    db.session.expire_all()
    assert db.session.get(Authority, authority.id).name == "Parliament"


def test_editing_an_unknown_authority_is_404(client, api_token):
    response = client.patch(
        "/api/v1/authorities/nope", json={"name": "x"}, headers=api_token("editor")
    )
    assert_error(response, 404, "not_found")


def test_the_register_is_changed_by_editors_only(client, db, api_token, make_authority):
    authority = make_authority("Parliament")
    url = f"/api/v1/authorities/{authority.slug}"

    assert_error(client.post("/api/v1/authorities", json={"name": "X"}), 401)
    assert_error(client.patch(url, json={"name": "X"}), 401)
    moderator = api_token("moderator")
    assert_error(client.post("/api/v1/authorities", json={"name": "X"}, headers=moderator), 403)
    assert_error(client.patch(url, json={"name": "X"}, headers=moderator), 403)
    assert count(db) == 1
    db.session.expire_all()
    assert db.session.get(Authority, authority.id).name == "Parliament"


@pytest.mark.parametrize(
    "body, field",
    [
        ({"name": "X", "website": "https://example.org/" + "a" * 500}, "website"),
        ({"name": "X", "contact_email": "a" * 320 + "@example.org"}, "contact_email"),
        ({"name": "Nul\x00"}, "name"),
    ],
)
def test_values_too_long_to_store_are_a_400_not_a_500(client, db, api_token, body, field):
    response = client.post("/api/v1/authorities", json=body, headers=api_token("editor"))

    error = assert_error(response, 400, "invalid")
    assert field in error["fields"]
    assert count(db) == 0
