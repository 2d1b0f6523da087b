"""The register of authorities: list, create, edit, with errors beside the fields."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from campaign.authorities.models import Authority
from campaign.authorities.queries import get_authority_by_slug

GOOD = {
    "name": "Prosecutor General's Office",
    "kind": "prosecutor",
    "country": "kg",
    "website": "https://prokuror.kg",
    "contact_email": "office@prokuror.kg",
}


def test_create_list_and_edit_an_authority(db, client, login):
    login("editor")
    response = client.post("/admin/authorities/new", data=GOOD, follow_redirects=True)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "is added to the register" in page
    assert "Prosecutor General&#39;s Office" in page and "Prosecutor&#39;s office" in page
    assert "office@prokuror.kg" in page  # the private email is for campaigners only
    authority = get_authority_by_slug("prosecutor-general-s-office")
    assert (authority.kind, authority.country) == ("prosecutor", "KG")

    form = client.get(f"/admin/authorities/{authority.slug}/edit").get_data(as_text=True)
    assert 'value="https://prokuror.kg"' in form
    response = client.post(
        f"/admin/authorities/{authority.slug}/edit",
        data={**GOOD, "name": "General Prosecutor", "website": "", "contact_email": ""},
    )
    assert response.status_code == 302
    db.session.expire_all()
    authority = db.session.get(Authority, authority.id)
    assert authority.name == "General Prosecutor"
    assert authority.website is None and authority.contact_email is None
    assert authority.slug == "prosecutor-general-s-office"  # links keep working


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"name": ""}, "name", "A name is required."),
        ({"website": "javascript:alert(1)"}, "website", "The website must be an http(s) URL."),
        ({"website": "prokuror.kg"}, "website", "The website must be an http(s) URL."),
        ({"country": "K1"}, "country", "Use a two-letter country code (KG, KZ, ...)."),
        ({"contact_email": "nobody"}, "contact_email", "Not an email address."),
        ({"kind": "spaceship"}, "kind", "Not a valid choice."),
    ],
)
def test_bad_authority_fields_show_errors_and_store_nothing(
    db, client, login, overrides, field, message
):
    login("editor")
    response = client.post("/admin/authorities/new", data={**GOOD, **overrides})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert f'<p class="error" id="{field}-error">{message}</p>' in page
    if field != "name":
        assert 'value="Prosecutor General&#39;s Office"' in page  # typed values are kept
    assert db.session.execute(sa.select(sa.func.count()).select_from(Authority)).scalar() == 0


def test_a_bad_edit_changes_nothing(db, client, login, make_authority):
    login("editor")
    authority = make_authority("Ministry of Culture", website="https://culture.gov.kg")
    response = client.post(
        f"/admin/authorities/{authority.slug}/edit",
        data={"name": "Renamed", "kind": "ministry", "website": "ftp://culture.gov.kg"},
    )
    assert response.status_code == 400
    assert "The website must be an http(s) URL." in response.get_data(as_text=True)
    db.session.expire_all()
    stored = db.session.get(Authority, authority.id)
    assert (stored.name, stored.website) == ("Ministry of Culture", "https://culture.gov.kg")


def test_unknown_authority_is_404(client, login):
    login("editor")
    assert client.get("/admin/authorities/nobody/edit").status_code == 404
