"""No personal data on any public URL: sign and endorse with marker values, confirm and
approve, then request every public GET route (walked from the URL map, so a route added
later is covered without touching this test) and the error pages, and scan every body and
header for the markers."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from campaign.authorities.models import Authority
from campaign.endorsements.models import Endorsement, Organization
from campaign.signatures.models import Signature
from tests.endorsements.helpers import endorse, link
from tests.endorsements.helpers import mails as endorsement_mails
from tests.factories import markdown
from tests.signatures.helpers import deliver, links
from tests.test_access_control import required_role

SIGNER_EMAIL = "marker-7f3a@example.org"
ANONYMOUS_NAME = "Zxqv Anonymous-Marker"
PUBLIC_EMAIL = "marker-public-9c1e@example.org"
CONTACT_EMAIL = "marker-contact-4b2d@kloop.kg"
CLIENT_IP = "203.0.113.77"


@pytest.fixture
def app_config(app_config):
    return {**app_config, "TRUSTED_PROXIES": 1}


def _fill(rule, slugs: dict[str, str], ids: dict[str, int]) -> str:
    """The rule's path with every parameter filled: slugs of the right kind of thing, ids of
    existing rows; anything else gets a placeholder (the answer, even a 404, is scanned)."""

    def value(match: re.Match) -> str:
        converter, name = (match.group(1) or ""), match.group(2)
        if name == "slug":
            for prefix, kind in (("/authorities", "authority"), ("/organizations", "organization")):
                if rule.rule.startswith(prefix) or rule.rule.startswith(f"/api/v1{prefix}"):
                    return slugs[kind]
            return slugs["appeal"]
        if converter.startswith("int"):
            return str(ids.get(name, 1))
        return "placeholder"

    return re.sub(r"<(?:([\w]+)(?:\([^)]*\))?:)?(\w+)>", value, rule.rule)


def public_get_urls(app, slugs, ids) -> list[str]:
    urls = set()
    for rule in app.url_map.iter_rules():
        if "GET" not in (rule.methods or ()) or rule.rule.startswith("/admin"):
            continue
        if rule.endpoint.startswith("_marker") or required_role(app, rule.endpoint, "GET"):
            continue  # campaigner-only (checked by require_role)
        urls.add(_fill(rule, slugs, ids))
    return sorted(urls)


def test_no_marker_on_any_public_url(app, client, db, smtp, make_appeal, login):
    # An error inside a view, carrying personal data in its message: the 500 pages must not
    # show it. Added before any request, as Flask requires.
    def boom():
        raise RuntimeError(f"failure for {SIGNER_EMAIL} at {CLIENT_IP}")

    app.add_url_rule("/_marker-boom", "_marker_boom", boom)
    app.add_url_rule("/api/v1/_marker-boom", "_marker_boom_api", boom)

    appeal = make_appeal(signature_goal=10)
    headers = {"X-Forwarded-For": CLIENT_IP}
    signers = [
        {"name": ANONYMOUS_NAME, "email": SIGNER_EMAIL, "display": "anonymous"},
        {"name": "Public Signer", "email": PUBLIC_EMAIL, "display": "name"},
    ]
    for n, signer in enumerate(signers, 1):
        data = {"country": "KG", "city": "Bishkek", "wants_updates": "y", **signer}
        response = client.post(f"/appeals/{appeal.slug}/sign", data=data, headers=headers)
        assert response.status_code == 303
        assert client.post(links(deliver(smtp, n)[-1])["confirm"]).status_code == 303

    assert endorse(client, appeal.slug, contact_email=CONTACT_EMAIL).status_code == 302
    client.post(link(endorsement_mails(smtp, 3)[-1], "confirm"), headers=headers)
    endorsement = db.session.execute(sa.select(Endorsement)).unique().scalar_one()
    login("moderator")
    assert client.post(f"/admin/endorsements/{endorsement.id}/approve").status_code == 302
    client.post("/admin/logout")
    client.delete_cookie("session")

    from campaign.responses.services import post_update

    update = post_update(None, appeal, "An update", markdown("Some news."))
    db.session.commit()

    db.session.expire_all()
    ip_keys = set(db.session.execute(sa.select(Signature.ip_key)).scalars())
    ip_keys |= {endorsement.ip_key}
    assert all(ip_keys) and len(ip_keys) >= 1
    markers = [SIGNER_EMAIL, PUBLIC_EMAIL, ANONYMOUS_NAME, CONTACT_EMAIL, CLIENT_IP, *ip_keys]
    assert db.session.execute(sa.select(Signature.state)).scalars().all() == ["confirmed"] * 2
    assert db.session.execute(sa.select(Endorsement.state)).scalar_one() == "approved"

    slugs = {
        "appeal": appeal.slug,
        "organization": db.session.execute(sa.select(Organization.slug)).scalar_one(),
        "authority": db.session.execute(sa.select(Authority.slug)).scalars().first(),
    }
    ids = {"update_id": update.id}
    urls = public_get_urls(app, slugs, ids)
    # The walk reaches what the issue names (and whatever is added later).
    for expected in (
        "/",
        f"/appeals/{appeal.slug}",
        f"/appeals/{appeal.slug}/tracker",
        f"/appeals/{appeal.slug}/feed.atom",
        f"/appeals/{appeal.slug}/embed",
        f"/appeals/{appeal.slug}/card.png",
        f"/appeals/{appeal.slug}/qr.svg",
        f"/appeals/{appeal.slug}/count.json",
        f"/organizations/{slugs['organization']}",
        f"/authorities/{slugs['authority']}",
        "/api/v1/openapi.json",
        f"/api/v1/appeals/{appeal.slug}/endorsements",
    ):
        assert expected in urls
    urls += [
        f"/appeals/{appeal.slug}?lang=ru",
        f"/appeals/{appeal.slug}/updates/{update.id}",
        "/no-such-page",
        "/api/v1/no-such-call",
        f"/appeals/{appeal.slug}/sign",
    ]

    app.config["PROPAGATE_EXCEPTIONS"] = False  # show the real 500 pages
    statuses = {}
    for url in [*urls, "/_marker-boom", "/api/v1/_marker-boom"]:
        for accept in ("text/html", "application/json"):
            response = client.get(url, headers={"Accept": accept, **headers})
            statuses[url] = response.status_code
            text = response.get_data().decode("utf-8", "replace")
            text += "\n".join(f"{k}: {v}" for k, v in response.headers.items())
            for marker in markers:
                assert marker not in text, f"{marker!r} in {url} ({accept})"
                assert marker.lower() not in text.lower(), f"{marker!r} in {url} ({accept})"

    # The scan saw real pages: the public signer is listed, the anonymous one is not.
    assert statuses[f"/appeals/{appeal.slug}"] == 200
    assert "Public Signer" in client.get(f"/appeals/{appeal.slug}").get_data(as_text=True)
    assert statuses["/_marker-boom"] == 500 and statuses["/no-such-page"] == 404
    assert statuses[f"/appeals/{appeal.slug}/card.png"] == 200
