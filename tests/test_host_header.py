"""The Host header is whatever a client sends: no absolute URL on any public page, feed or
API answer is built from it. Every public GET route (walked from the URL map) is requested
with `Host: evil.example`, and the absolute URLs the feed and the API carry are checked to
be under BASE_URL."""

from __future__ import annotations

import datetime as dt
from xml.etree import ElementTree as ET

import sqlalchemy as sa

from campaign.authorities.models import Authority
from campaign.endorsements.inputs import EndorsementInput
from campaign.endorsements.models import Organization
from campaign.endorsements.services import add_endorsement_by_campaigner
from campaign.responses.services import post_update, record_response
from tests.factories import markdown
from tests.test_privacy_markers import public_get_urls

EVIL = "http://evil.example"
BASE = "http://localhost"  # the testing config's BASE_URL


def _appeal_with_everything(app, db, make_appeal):
    """An appeal with an endorser's logo, a response's document and an update."""
    appeal = make_appeal()
    with app.test_request_context():  # the services' messages are translated
        endorsement = add_endorsement_by_campaigner(
            None,
            appeal,
            EndorsementInput(organization_name="Kloop Media", signatory_name="Aida Sultanova"),
        )
    endorsement.organization.logo = "0123456789abcdef0123456789abcdef.png"
    authority = db.session.execute(sa.select(Authority)).scalars().first()
    response = record_response(
        None, appeal, authority=authority, occurred_on=dt.date(2025, 6, 5),
        kind="official_letter", summary="A letter.", source_url=None,
        demands=[appeal.demands[0].id], moves={},
    )  # fmt: skip
    response.document = "0123456789abcdef01234567.pdf"
    update = post_update(None, appeal, "An update", markdown("Some news."))
    db.session.commit()
    return appeal, authority, update


def test_no_public_answer_carries_the_requests_host(app, client, db, make_appeal):
    appeal, authority, update = _appeal_with_everything(app, db, make_appeal)
    slugs = {
        "appeal": appeal.slug,
        "organization": db.session.execute(sa.select(Organization.slug)).scalars().first(),
        "authority": authority.slug,
    }
    urls = public_get_urls(app, slugs, {"update_id": update.id})
    assert f"/appeals/{appeal.slug}/feed.atom" in urls
    assert f"/api/v1/appeals/{appeal.slug}/responses" in urls
    for url in urls:
        response = client.get(url, base_url=EVIL)
        text = response.get_data().decode("utf-8", "replace")
        text += "\n".join(f"{k}: {v}" for k, v in response.headers.items())
        assert "evil.example" not in text, url


def test_the_feed_and_the_api_build_absolute_urls_from_base_url(app, client, db, make_appeal):
    appeal, _, _ = _appeal_with_everything(app, db, make_appeal)
    feed = client.get(f"/appeals/{appeal.slug}/feed.atom", base_url=EVIL)
    root = ET.fromstring(feed.data)  # noqa: S314 - our own feed
    links = [e.get("href") for e in root.iter("{http://www.w3.org/2005/Atom}link")]
    assert len(links) >= 5 and all(href.startswith(f"{BASE}/appeals/") for href in links)

    endorsements = client.get(f"/api/v1/appeals/{appeal.slug}/endorsements", base_url=EVIL)
    organization = endorsements.get_json()["items"][0]["organization"]
    assert organization["url"] == f"{BASE}/organizations/kloop-media"
    assert organization["logo_url"] == (
        f"{BASE}/organizations/logos/0123456789abcdef0123456789abcdef.png"
    )
    responses = client.get(f"/api/v1/appeals/{appeal.slug}/responses", base_url=EVIL)
    document_url = responses.get_json()["items"][0]["document_url"]
    assert document_url == f"{BASE}/documents/0123456789abcdef01234567.pdf"
