"""Issuers: an appeal's ordered issuing organizations, on its page, in the API and on
organizations' pages; never counted as endorsements."""

from __future__ import annotations

import sqlalchemy as sa

from campaign.appeals.issuers import IssuerInput, set_issuers
from campaign.appeals.models import AppealIssuer
from campaign.core.extensions import db
from campaign.endorsements.models import Endorsement
from campaign.endorsements.organizations import get_or_create_organization


def _orgs(*names):
    return [get_or_create_organization(name, kind="ngo") for name in names]


def _with_issuers(make_appeal, names, state="published", **fields):
    appeal = make_appeal(state="draft", **fields)
    set_issuers(appeal, [IssuerInput(org) for org in _orgs(*names)])
    db.session.commit()
    if state == "published":
        from campaign.appeals.services import publish_appeal

        publish_appeal(None, appeal)  # no contacts: nobody to ask
        db.session.commit()
    return appeal


def test_the_page_names_every_issuer_in_order_apart_from_endorsers(client, make_appeal):
    appeal = _with_issuers(make_appeal, ["Alpha Union", "Beta Media", "Gamma Watch"])
    page = client.get(f"/appeals/{appeal.slug}").get_data(as_text=True)

    header = page[page.index('class="issuers"') : page.index("</span>", page.index("Gamma"))]
    assert header.index("Alpha Union") < header.index("Beta Media") < header.index("Gamma Watch")
    assert "Issued by" in page and " and " in header
    assert 'href="/organizations/alpha-union"' in header
    assert ">AU</span>" in header  # initials where there is no logo
    # Issuers are authors: the endorsers' section does not say "0 organizations endorse".
    assert "No other organization has endorsed it yet." in page
    assert "organizations endorse this appeal" not in page
    assert appeal.endorsement_count == 0


def test_the_zero_line_stays_without_issuers(client, make_appeal):
    appeal = make_appeal()
    page = client.get(f"/appeals/{appeal.slug}").get_data(as_text=True)
    assert "organizations endorse this appeal" in page
    assert "Issued by" not in page


def test_the_organization_page_lists_issued_and_endorsed_apart(client, make_appeal):
    issued = _with_issuers(make_appeal, ["Alpha Union", "Beta Media"], title="Issued one")
    endorsed = make_appeal(title="Endorsed one")
    [alpha] = _orgs("Alpha Union")
    db.session.add(
        Endorsement(
            appeal_id=endorsed.id, organization=alpha, signatory_name="Director",
            state="approved", language="en",
        )
    )  # fmt: skip
    db.session.commit()

    page = client.get("/organizations/alpha-union").get_data(as_text=True)
    issued_at, endorsed_at = page.index("Appeals it issued"), page.index("Appeals it endorses")
    assert issued_at < page.index(issued.title) < endorsed_at < page.index(endorsed.title)
    # The second issuer has a page too, listing the appeal as issued.
    beta = client.get("/organizations/beta-media").get_data(as_text=True)
    assert "Issued one" in beta and "Endorsed one" not in beta


def test_feed_and_card_use_every_issuer(client, make_appeal):
    appeal = _with_issuers(make_appeal, ["Alpha Union", "Beta Media"])
    feed = client.get(f"/appeals/{appeal.slug}/feed.atom").get_data(as_text=True)
    assert "<name>Alpha Union</name>" in feed and "<name>Beta Media</name>" in feed

    from campaign.appeals.issuers import issuer_names

    assert issuer_names(appeal, "en") == "Alpha Union and Beta Media"


# --- the API -----------------------------------------------------------------------------------


def test_api_shows_issuers_in_order_and_issued_by_as_the_first(client, make_appeal):
    appeal = _with_issuers(make_appeal, ["Alpha Union", "Beta Media"])
    data = client.get(f"/api/v1/appeals/{appeal.slug}").get_json()
    assert [i["slug"] for i in data["issuers"]] == ["alpha-union", "beta-media"]
    assert data["issuers"][0] == {"slug": "alpha-union", "name": "Alpha Union", "logo_url": None}
    assert data["issued_by"]["slug"] == "alpha-union"
    listed = client.get("/api/v1/appeals").get_json()["items"][0]
    assert [i["name"] for i in listed["issuers"]] == ["Alpha Union", "Beta Media"]
    assert "contact" not in str(data)


def test_api_sets_issuers_by_slug(client, api_token, make_authority):
    headers = api_token("editor")
    _orgs("Alpha Union", "Beta Media", "Gamma Watch")
    db.session.commit()
    body = {"title": "Together", "issuers": ["beta-media", "alpha-union"]}
    created = client.post("/api/v1/appeals", json=body, headers=headers)
    assert created.status_code == 201, created.get_json()
    slug = created.get_json()["slug"]
    assert [i["slug"] for i in created.get_json()["issuers"]] == ["beta-media", "alpha-union"]

    patch = {"issuers": ["gamma-watch", "beta-media"]}
    changed = client.patch(f"/api/v1/appeals/{slug}", json=patch, headers=headers)
    assert changed.status_code == 200
    assert [i["slug"] for i in changed.get_json()["issuers"]] == ["gamma-watch", "beta-media"]
    assert changed.get_json()["issued_by"]["slug"] == "gamma-watch"
    rows = db.session.execute(sa.select(AppealIssuer)).scalars().all()
    assert sorted((r.organization.slug, r.position) for r in rows) == [
        ("beta-media", 2),
        ("gamma-watch", 1),
    ]


def test_api_refuses_unknown_and_repeated_slugs(client, api_token, make_appeal):
    headers = api_token("editor")
    _orgs("Alpha Union")
    db.session.commit()
    unknown = client.post(
        "/api/v1/appeals", json={"title": "X", "issuers": ["alpha-union", "nobody"]},
        headers=headers,
    )  # fmt: skip
    assert unknown.status_code == 422
    error = unknown.get_json()["error"]
    assert "'nobody'" in error["message"] and error["fields"]["issuers"]["1"]
    repeated = client.post(
        "/api/v1/appeals", json={"title": "X", "issuers": ["alpha-union", "alpha-union"]},
        headers=headers,
    )  # fmt: skip
    assert repeated.status_code == 422
    assert "twice" in repeated.get_json()["error"]["message"]

    appeal = make_appeal(state="draft")
    patched = client.patch(
        f"/api/v1/appeals/{appeal.slug}", json={"issuers": ["ghost"]}, headers=headers
    )
    assert patched.status_code == 422
    assert "ghost" in patched.get_json()["error"]["message"]
    assert db.session.execute(sa.select(sa.func.count(AppealIssuer.id))).scalar_one() == 0


def test_admin_edits_the_issuers_list(client, login, make_appeal):
    login("editor")
    appeal = make_appeal(state="draft")
    page = client.get(f"/admin/appeals/{appeal.slug}/issuers")
    assert page.status_code == 200
    text = "Alpha Union | alpha@example.org\nBeta Media\n"
    saved = client.post(f"/admin/appeals/{appeal.slug}/issuers", data={"issuers": text})
    assert saved.status_code == 302
    db.session.expire_all()
    assert [o.name for o in appeal.issuer_organizations] == ["Alpha Union", "Beta Media"]
    assert appeal.issuers[0].contact_email == "alpha@example.org"
    assert appeal.issuers[0].sealed_contact_email.startswith("enc1:")  # sealed at rest
    shown = client.get(f"/admin/appeals/{appeal.slug}/issuers").get_data(as_text=True)
    assert "alpha-union | alpha@example.org" in shown

    bad = client.post(
        f"/admin/appeals/{appeal.slug}/issuers", data={"issuers": "Gamma | not-an-address"}
    )
    assert bad.status_code == 400
    assert "not an email address" in bad.get_data(as_text=True)
    db.session.expire_all()
    assert [o.name for o in appeal.issuer_organizations] == ["Alpha Union", "Beta Media"]


def test_issuer_contacts_are_erased_with_the_appeals_personal_data(app, make_appeal):
    import datetime as dt

    from campaign.privacy.services import purge
    from campaign.privacy.shred import clean_rows, destroy_keys

    old, shredded = make_appeal(state="closed"), make_appeal(state="closed")
    for appeal in (old, shredded):
        set_issuers(appeal, [IssuerInput(_orgs("Alpha Union")[0], "alpha@example.org")])
    old.closed_at = old.closed_at - dt.timedelta(days=4000)
    db.session.commit()
    purge()
    db.session.commit()
    db.session.expire_all()
    assert old.issuers[0].sealed_contact_email is None and old.issuers[0].contact_key is None
    assert shredded.issuers[0].contact_email == "alpha@example.org"  # not due yet

    destroy_keys(None, [shredded])
    db.session.commit()
    clean_rows([shredded.id])
    db.session.expire_all()
    assert shredded.issuers[0].sealed_contact_email is None
    assert [o.name for o in shredded.issuer_organizations] == ["Alpha Union"]  # public: stays
