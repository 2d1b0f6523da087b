"""Takedown: a hidden appeal answers 404 on every public URL and leaves every list.

The routes are walked from the URL map. Every public route (not /admin, and under /api/v1
only the calls anyone may make) is in exactly one of three tables: routes about one appeal
(requested for the hidden appeal: 404), routes that list appeals or show their demands
(requested: the appeal is not there), and the others, each with the reason it shows nothing
of an appeal. A new public route in none of them fails the suite, so it cannot be forgotten."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import sqlalchemy as sa

from campaign.appeals.services import hide_appeal
from campaign.audit.models import AuditEntry
from campaign.endorsements.inputs import EndorsementInput
from campaign.endorsements.services import add_endorsement_by_campaigner
from campaign.responses.services import post_update, record_response
from tests.factories import markdown
from tests.test_access_control import route_table

#: In every text of the appeal; upper case, so it is not in the slug (error pages carry the
#: requested path in their language switcher).
MARK = "ZQXMARK"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

#: Routes about one appeal: (method, URL) for the appeal's values; each must answer 404 once it
#: is hidden. Patterns write every URL parameter as <>.
APPEAL_ROUTES = {
    "/appeals/<>": [("GET", "/appeals/{slug}")],
    "/appeals/<>/sign": [("GET", "/appeals/{slug}/sign"), ("POST", "/appeals/{slug}/sign")],
    "/appeals/<>/thanks": [("GET", "/appeals/{slug}/thanks")],
    "/appeals/<>/thanks/resend": [("POST", "/appeals/{slug}/thanks/resend")],
    "/appeals/<>/correct": [("GET", "/appeals/{slug}/correct")],
    "/appeals/<>/endorse": [
        ("GET", "/appeals/{slug}/endorse"),
        ("POST", "/appeals/{slug}/endorse"),
    ],
    "/appeals/<>/endorse/sent": [("GET", "/appeals/{slug}/endorse/sent")],
    "/appeals/<>/tracker": [("GET", "/appeals/{slug}/tracker")],
    "/appeals/<>/updates/<>": [("GET", "/appeals/{slug}/updates/{update}")],
    "/appeals/<>/feed.atom": [("GET", "/appeals/{slug}/feed.atom")],
    "/appeals/<>/stats.json": [("GET", "/appeals/{slug}/stats.json")],
    "/appeals/<>/stats.csv": [("GET", "/appeals/{slug}/stats.csv")],
    "/appeals/<>/card.png": [("GET", "/appeals/{slug}/card.png")],
    "/appeals/<>/qr.svg": [("GET", "/appeals/{slug}/qr.svg")],
    "/appeals/<>/poster": [
        ("GET", "/appeals/{slug}/poster"),
        ("GET", "/appeals/{slug}/poster?lang=ky"),
    ],
    "/appeals/<>/qr.png": [("GET", "/appeals/{slug}/qr.png")],
    "/appeals/<>/embed": [("GET", "/appeals/{slug}/embed")],
    "/appeals/<>/count.json": [("GET", "/appeals/{slug}/count.json")],
    "/documents/<>": [("GET", "/documents/{document}")],
    "/api/v1/appeals/<>": [("GET", "/api/v1/appeals/{slug}")],
    "/api/v1/appeals/<>/endorsements": [
        ("GET", "/api/v1/appeals/{slug}/endorsements"),
        ("POST", "/api/v1/appeals/{slug}/endorsements"),
    ],
    "/api/v1/appeals/<>/responses": [("GET", "/api/v1/appeals/{slug}/responses")],
    "/api/v1/appeals/<>/timeline": [("GET", "/api/v1/appeals/{slug}/timeline")],
    "/api/v1/appeals/<>/signatures": [("POST", "/api/v1/appeals/{slug}/signatures")],
}

#: Routes that list appeals or show what an appeal says: the appeal must not be there.
LISTING_ROUTES = {
    "/": ["/"],
    "/authorities": ["/authorities"],
    "/authorities/<>": ["/authorities/{authority}"],
    "/organizations/<>": ["/organizations/{organization}"],
    "/api/v1/appeals": ["/api/v1/appeals"],
    "/api/v1/authorities": ["/api/v1/authorities"],
    "/api/v1/authorities/<>": ["/api/v1/authorities/{authority}"],
}

#: Public routes that show no appeal's content, with the reason.
OTHER_ROUTES = {
    "/healthz": "a health check",
    "/language": "sets the reader's language",
    "/privacy": "the instance's privacy notice",
    "/static/<>": "CSS, JS and images of the site",
    "/favicon.ico": "the site's icon",
    "/organizations/logos/<>": "an organization's logo (the organization page decides)",
    "/api/v1/openapi.json": "the API's description",
    "/confirm/<>": "a signer's own mailed link (shows only what they signed)",
    "/confirm/resend": "asks for a new link to a listed appeal (404 for a hidden one, below)",
    "/withdraw/<>": "a signer's own mailed link: withdrawing must keep working",
    "/my-data/<>": "a signer's own mailed link: seeing and erasing their data keeps working",
    "/unsubscribe/<>": "a subscriber's own mailed link: unsubscribing keeps working",
    "/endorsements/confirm/<>": "an endorser's own mailed link",
    "/endorsements/withdraw/<>": "an endorser's own mailed link: withdrawing keeps working",
    "/issuers/approve/<>": "an issuer contact's own mailed link to the text it approves",
}


def _pattern(rule) -> str:
    return re.sub(r"<[^>]*>", "<>", rule.rule)


def public_routes(app) -> set[str]:
    return {
        _pattern(rule)
        for rule, _method, _role, campaigner in route_table(app)
        if not campaigner and not rule.rule.startswith("/admin")
    }


def test_every_public_route_is_in_a_takedown_table(app):
    known = set(APPEAL_ROUTES) | set(LISTING_ROUTES) | set(OTHER_ROUTES)
    missing = sorted(public_routes(app) - known)
    assert not missing, f"public routes the takedown test does not cover: {missing}"
    assert not set(APPEAL_ROUTES) & set(LISTING_ROUTES)
    assert not (set(APPEAL_ROUTES) | set(LISTING_ROUTES)) & set(OTHER_ROUTES)


def test_a_new_public_route_is_caught(app):
    app.add_url_rule("/appeals/<slug>/flyer", "flyer", lambda slug: "flyer")
    known = set(APPEAL_ROUTES) | set(LISTING_ROUTES) | set(OTHER_ROUTES)
    assert sorted(public_routes(app) - known) == ["/appeals/<>/flyer"]


# --- the walk --------------------------------------------------------------------------------


def _marked_appeal(make_appeal, make_authority, db, state: str):
    """An appeal in `state` whose every public trace carries MARK: title, demand, issuer,
    endorser, a response with a document, an update."""
    from campaign.endorsements.organizations import get_or_create_organization

    authority = make_authority("Lonely authority")  # stays public: only its record changes
    issuer = get_or_create_organization(f"Issuer {MARK}")
    appeal = make_appeal(
        f"Appeal {MARK}",
        demands=[f"Demand {MARK}"],
        state="published",
        authority=authority,
        issued_by=issuer,
    )
    add_endorsement_by_campaigner(
        None,
        appeal,
        EndorsementInput(organization_name=f"Endorser {MARK}", signatory_name="A. Person"),
    )
    response = record_response(
        None,
        appeal,
        authority=authority,
        occurred_on=dt.date.today(),
        kind="official_letter",
        summary=f"Response {MARK}",
        document=PDF,
        demands=[appeal.demands[0]],
    )
    update = post_update(None, appeal, f"Update {MARK}", markdown("News."))
    db.session.commit()
    if state in ("closed", "archived"):
        from campaign.appeals.services import archive_appeal, close_appeal

        close_appeal(None, appeal)
        if state == "archived":
            archive_appeal(None, appeal)
        db.session.commit()
    return {
        "appeal": appeal,
        "slug": appeal.slug,
        "update": update.id,
        "document": response.document,
        "authority": authority.slug,
        "organization": issuer.slug,
        "endorser": appeal.endorsement_count,
    }


#: Valid bodies for the public API writes, so the answer is about the appeal, not the input.
API_BODIES = {
    "signatures": {"name": "Aida", "email": "aida@example.org", "country": "KG"},
    "endorsements": {
        "organization_name": "Some NGO",
        "signatory_name": "Aida",
        "contact_email": "aida@example.org",
    },
}


def _request(client, method: str, url: str):
    if method == "GET":
        answer = client.get(url)
    elif url.startswith("/api/"):
        answer = client.post(url, json=API_BODIES[url.rsplit("/", 1)[1]])
    else:
        answer = client.post(url, data={})
    answer.get_data()
    answer.close()  # a document is a file
    return answer


def _appeal_urls(values: dict) -> list[tuple[str, str]]:
    return [
        (method, template.format(**values))
        for calls in APPEAL_ROUTES.values()
        for method, template in calls
    ]


def _listing_urls(values: dict) -> list[str]:
    return [template.format(**values) for urls in LISTING_ROUTES.values() for template in urls]


@pytest.mark.parametrize("state", ["published", "closed", "archived"])
def test_a_hidden_appeal_answers_404_everywhere_and_leaves_every_list(
    state, app, db, client, make_appeal, make_authority, api_token
):
    with app.test_request_context():  # the endorsement's checks speak the reader's language
        values = _marked_appeal(make_appeal, make_authority, db, state)
    # While public, the appeal's routes answer (so a 404 below is the takedown's doing) and
    # the lists that should show it do.
    for method, url in _appeal_urls(values):
        assert _request(client, method, url).status_code != 404, (method, url)
    shown = [
        url for url in _listing_urls(values) if MARK in _request(client, "GET", url).get_data(True)
    ]
    assert "/authorities/" + values["authority"] in shown
    assert "/organizations/" + values["organization"] in shown
    if state != "archived":
        assert "/" in shown and "/api/v1/appeals" in shown

    hidden = client.post(
        f"/api/v1/appeals/{values['slug']}/hide",
        json={"reason": "Signers are being summoned."},
        headers=api_token("editor"),
    )
    assert hidden.status_code == 200, hidden.get_data(True)
    assert hidden.get_json()["hidden_at"]

    for method, url in _appeal_urls(values):
        answer = _request(client, method, url)
        assert answer.status_code == 404, (method, url, answer.status_code)
        assert MARK not in answer.get_data(True), (method, url)
    for url in _listing_urls(values):
        answer = _request(client, "GET", url)
        assert answer.status_code in (200, 404), url
        text = answer.get_data(True)
        assert MARK not in text and values["slug"] not in text, url


def test_cached_copies_are_not_served_after_a_takedown(app, db, client, make_appeal):
    app.config["APPEAL_PAGE_CACHE_SECONDS"] = 60
    appeal = make_appeal()
    assert client.get(f"/appeals/{appeal.slug}").status_code == 200  # cached now
    assert client.get(f"/appeals/{appeal.slug}/count.json").status_code == 200  # cached too
    hide_appeal(None, appeal)
    db.session.commit()
    from campaign.sharing.queries import forget_cached_copies

    forget_cached_copies(appeal.slug)
    assert client.get(f"/appeals/{appeal.slug}").status_code == 404
    assert client.get(f"/appeals/{appeal.slug}/count.json").status_code == 404


def test_the_api_hide_call_purges_the_cached_count(app, db, client, make_appeal, api_token):
    appeal = make_appeal()
    assert client.get(f"/appeals/{appeal.slug}/count.json").status_code == 200
    response = client.post(f"/api/v1/appeals/{appeal.slug}/hide", headers=api_token("editor"))
    assert response.status_code == 200
    assert client.get(f"/appeals/{appeal.slug}/count.json").status_code == 404


def test_resending_a_link_for_a_hidden_appeal_is_404(app, db, client, make_appeal):
    appeal = make_appeal()
    hide_appeal(None, appeal)
    db.session.commit()
    answer = client.post("/confirm/resend", data={"appeal": appeal.slug, "email": "a@b.org"})
    assert answer.status_code == 404


# --- who may hide and unhide -----------------------------------------------------------------


def _api(client, headers: dict, slug: str, action: str, body=None):
    return client.post(
        f"/api/v1/appeals/{slug}/{action}", json=body if body is not None else {}, headers=headers
    )


def _audit(db) -> list[tuple[str, str, str]]:
    db.session.rollback()
    return [
        (row.action, row.subject, row.detail)
        for row in db.session.scalars(
            sa.select(AuditEntry)
            .where(AuditEntry.action.like("appeal.%hide"))
            .order_by(AuditEntry.id)
        )
    ]


def test_editors_hide_only_admins_unhide_and_both_are_audited(
    app, db, client, make_appeal, api_token
):
    appeal = make_appeal(state="archived")
    slug = appeal.slug
    assert _api(client, api_token("moderator"), slug, "hide").status_code == 403
    assert client.post(f"/api/v1/appeals/{slug}/hide", json={}).status_code == 401
    assert client.get(f"/appeals/{slug}").status_code == 200

    assert _api(client, api_token("editor"), slug, "hide", {"reason": "Raid"}).status_code == 200
    assert client.get(f"/appeals/{slug}").status_code == 404
    # Hiding again changes nothing and records nothing new.
    assert _api(client, api_token("editor"), slug, "hide").status_code == 200

    assert _api(client, api_token("editor"), slug, "unhide").status_code == 403
    assert client.get(f"/appeals/{slug}").status_code == 404
    unhidden = _api(client, api_token("admin"), slug, "unhide")
    assert unhidden.status_code == 200 and unhidden.get_json()["hidden_at"] is None
    assert client.get(f"/appeals/{slug}").status_code == 200
    assert unhidden.get_json()["state"] == "archived"

    entries = _audit(db)
    assert [(a, s) for a, s, _ in entries] == [
        ("appeal.hide", f"appeal:{appeal.id}"),
        ("appeal.unhide", f"appeal:{appeal.id}"),
    ]
    assert "Raid" in entries[0][2] and "archived" in entries[0][2]


def test_a_too_long_reason_is_refused_in_the_envelope(app, db, client, make_appeal, api_token):
    appeal = make_appeal()
    answer = _api(client, api_token("editor"), appeal.slug, "hide", {"reason": "x" * 5001})
    assert answer.status_code == 400 and "reason" in answer.get_json()["error"]["fields"]
    assert client.get(f"/appeals/{appeal.slug}").status_code == 200


def test_editors_see_a_hidden_appeal_through_the_api(app, db, client, make_appeal, api_token):
    appeal = make_appeal()
    hide_appeal(None, appeal)
    db.session.commit()
    assert client.get(f"/api/v1/appeals/{appeal.slug}").status_code == 404
    seen = client.get(f"/api/v1/appeals/{appeal.slug}", headers=api_token("editor"))
    assert seen.status_code == 200 and seen.get_json()["hidden_at"]


def test_admin_take_down_asks_for_confirmation(app, db, client, login, make_appeal):
    appeal = make_appeal(state="closed")
    login("editor")
    page = client.get(f"/admin/appeals/{appeal.slug}")
    assert f"/admin/appeals/{appeal.slug}/hide" in page.get_data(True)
    assert client.get(f"/admin/appeals/{appeal.slug}/hide").status_code == 200

    refused = client.post(f"/admin/appeals/{appeal.slug}/hide", data={"reason": "Raid"})
    assert refused.status_code == 400
    assert client.get(f"/appeals/{appeal.slug}").status_code == 200

    done = client.post(f"/admin/appeals/{appeal.slug}/hide", data={"confirm": "y"})
    assert done.status_code == 302
    assert client.get(f"/appeals/{appeal.slug}").status_code == 404
    shown = client.get(f"/admin/appeals/{appeal.slug}").get_data(True)
    assert "taken-down" in shown
    assert f"/admin/appeals/{appeal.slug}/unhide" not in shown  # editors cannot unhide
    assert client.post(f"/admin/appeals/{appeal.slug}/unhide").status_code == 403


def test_admins_unhide_from_the_admin_page(app, db, client, login, make_appeal):
    appeal = make_appeal()
    hide_appeal(None, appeal)
    db.session.commit()
    login("admin")
    page = client.get(f"/admin/appeals/{appeal.slug}").get_data(True)
    assert f"/admin/appeals/{appeal.slug}/unhide" in page
    assert client.post(f"/admin/appeals/{appeal.slug}/unhide").status_code == 302
    assert client.get(f"/appeals/{appeal.slug}").status_code == 200


def test_campaigners_keep_tracking_a_hidden_appeal(app, db, client, login, make_appeal):
    appeal = make_appeal(title="Tracked while hidden")
    hide_appeal(None, appeal)
    db.session.commit()
    login("editor")
    assert "Tracked while hidden" in client.get("/admin/responses").get_data(True)
    assert client.get(f"/admin/appeals/{appeal.slug}/responses").status_code == 200
    assert client.get(f"/appeals/{appeal.slug}").status_code == 404
