"""User stories of organizations endorsing an appeal, through the client and a real SMTP sink."""

from __future__ import annotations

import sqlalchemy as sa

from campaign.audit.models import AuditEntry
from campaign.endorsements.models import Endorsement, Organization
from campaign.mail.models import OutboxMessage
from tests.endorsements.helpers import FORM, endorse, link, logout, mails, text_of


def _count(db, model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _only_endorsement(db) -> Endorsement:
    db.session.expire_all()
    return db.session.execute(sa.select(Endorsement)).unique().scalar_one()


def _endorse_and_confirm(client, smtp, appeal, n_mails=1, **overrides):
    assert endorse(client, appeal.slug, **overrides).status_code == 302
    message = mails(smtp, n_mails)[-1]
    assert client.post(link(message, "confirm")).status_code == 200
    return message


def _approve(client, login, endorsement_id):
    login("moderator")
    response = client.post(f"/admin/endorsements/{endorsement_id}/approve")
    assert response.status_code == 302
    logout(client)


def test_endorse_confirm_approve_makes_it_public_everywhere(client, db, smtp, demo_appeal, login):
    page = client.get(f"/appeals/{demo_appeal.slug}").get_data(as_text=True)
    assert "Endorse as an organization" in page

    response = endorse(client, demo_appeal.slug)
    assert response.status_code == 302
    assert "Check your email" in client.get(response.location).get_data(as_text=True)
    [message] = mails(smtp, 1)
    assert message["To"] == "aida@kloop.kg"
    assert "Kloop Media" in message["Subject"]
    confirm = link(message, "confirm")

    # Opening the link (as a mail scanner does) shows a button and changes nothing.
    page = client.get(confirm).get_data(as_text=True)
    assert '<form method="post"' in page and "Confirm the endorsement" in page
    assert _only_endorsement(db).state == "pending"
    assert client.post(confirm).status_code == 200
    endorsement = _only_endorsement(db)
    assert endorsement.state == "submitted" and endorsement.submitted_at is not None
    assert client.post(confirm).status_code == 200  # twice is harmless

    # Confirmed but not approved: nowhere public.
    page = client.get(f"/appeals/{demo_appeal.slug}").get_data(as_text=True)
    assert "Kloop Media" not in page
    assert client.get("/organizations/kloop-media").status_code == 404
    api = client.get(f"/api/v1/appeals/{demo_appeal.slug}/endorsements").get_json()
    assert api["total"] == 0

    login("moderator")
    queue = client.get("/admin/endorsements").get_data(as_text=True)
    assert "Kloop Media" in queue and "aida@kloop.kg" in queue and "(1 waiting)" in queue
    assert client.post(f"/admin/endorsements/{endorsement.id}/approve").status_code == 302
    assert "(0 waiting)" in client.get("/admin/endorsements").get_data(as_text=True)
    logout(client)

    approved = mails(smtp, 2)[1]
    assert approved["To"] == "aida@kloop.kg"
    assert "published" in approved["Subject"]
    assert "/endorsements/withdraw/" in text_of(approved)

    page = client.get(f"/appeals/{demo_appeal.slug}").get_data(as_text=True)
    assert "Kloop Media" in page and "domain verified" in page
    assert '<strong class="endorsement-count">1</strong>' in page
    assert "We stand with our colleagues." in page
    assert "aida@kloop.kg" not in page
    org_page = client.get("/organizations/kloop-media").get_data(as_text=True)
    assert demo_appeal.title in org_page and "aida@kloop.kg" not in org_page
    api = client.get(f"/api/v1/appeals/{demo_appeal.slug}/endorsements")
    assert api.get_json()["total"] == 1
    assert api.get_json()["items"][0]["organization"]["name"] == "Kloop Media"
    assert "aida@kloop.kg" not in api.get_data(as_text=True)
    db.session.refresh(demo_appeal)
    assert demo_appeal.endorsement_count == 1


def test_rejected_endorsement_is_never_public_and_its_reason_stays_private(
    client, db, smtp, demo_appeal, login
):
    _endorse_and_confirm(client, smtp, demo_appeal)
    endorsement = _only_endorsement(db)
    login("moderator")
    form = client.get(f"/admin/endorsements/{endorsement.id}/reject")
    assert form.status_code == 200
    empty = client.post(f"/admin/endorsements/{endorsement.id}/reject", data={"reason": " "})
    assert empty.status_code == 400
    assert "Give a reason" in empty.get_data(as_text=True)
    assert _only_endorsement(db).state == "submitted"
    response = client.post(
        f"/admin/endorsements/{endorsement.id}/reject",
        data={"reason": "Impersonation suspected: no such staff member"},
    )
    assert response.status_code == 302
    logout(client)

    endorsement = _only_endorsement(db)
    assert endorsement.state == "rejected"
    assert endorsement.moderation_reason == "Impersonation suspected: no such staff member"
    rejected = mails(smtp, 2)[1]
    assert "not accepted" in rejected["Subject"]
    assert "Impersonation" not in text_of(rejected)

    page = client.get(f"/appeals/{demo_appeal.slug}").get_data(as_text=True)
    assert "Kloop Media" not in page and "Impersonation" not in page
    assert client.get("/organizations/kloop-media").status_code == 404
    api = client.get(f"/api/v1/appeals/{demo_appeal.slug}/endorsements").get_data(as_text=True)
    assert "Kloop" not in api and "Impersonation" not in api
    db.session.refresh(demo_appeal)
    assert demo_appeal.endorsement_count == 0


def test_same_organization_by_name_variant_updates_the_pending_endorsement(
    client, db, smtp, demo_appeal
):
    assert endorse(client, demo_appeal.slug).status_code == 302
    first = mails(smtp, 1)[0]
    response = endorse(
        client,
        demo_appeal.slug,
        organization_name="  KLOOP   media! ",
        website="",
        signatory_name="Bakyt Osmonov",
        contact_email="bakyt@kloop.kg",
    )
    assert response.status_code == 302
    second = mails(smtp, 2)[1]
    assert second["To"] == "bakyt@kloop.kg"
    assert _count(db, Organization) == 2 and _count(db, Endorsement) == 1  # + the issuer
    endorsement = _only_endorsement(db)
    assert endorsement.signatory_name == "Bakyt Osmonov"
    assert endorsement.organization.name == "Kloop Media"  # never renamed by a submitter
    # The first address's link no longer confirms: the endorsement now belongs to the second.
    assert client.post(link(first, "confirm")).status_code == 400
    assert client.post(link(second, "confirm")).status_code == 200
    assert _only_endorsement(db).state == "submitted"


def test_same_organization_by_website_domain_is_already_endorsed_once_approved(
    client, db, smtp, demo_appeal, login
):
    _endorse_and_confirm(client, smtp, demo_appeal)
    _approve(client, login, _only_endorsement(db).id)
    mails(smtp, 2)
    response = endorse(
        client,
        demo_appeal.slug,
        organization_name="Kloop (Kyrgyzstan)",
        website="www.kloop.kg/en/about",
        contact_email="someone@kloop.kg",
    )
    assert response.status_code == 302
    assert "Already endorsed" in client.get(response.location).get_data(as_text=True)
    assert _count(db, Organization) == 2 and _count(db, Endorsement) == 1  # + the issuer
    assert _only_endorsement(db).contact_email == "aida@kloop.kg"
    assert _count(db, OutboxMessage) == 2  # no third mail


def test_domain_is_verified_only_by_an_address_on_the_website_domain(
    client, db, smtp, demo_appeal, make_appeal
):
    _endorse_and_confirm(client, smtp, demo_appeal, contact_email="aida@gmail.com")
    assert _only_endorsement(db).organization.domain_verified_at is None

    other = make_appeal()
    _endorse_and_confirm(
        client,
        smtp,
        other,
        n_mails=2,
        organization_name="Lookalike",
        website="kloop-news.org",
        contact_email="x@evilkloop-news.org",
    )
    lookalike = db.session.execute(
        sa.select(Organization).where(Organization.name == "Lookalike")
    ).scalar_one()
    assert lookalike.domain_verified_at is None

    _endorse_and_confirm(
        client, smtp, other, n_mails=3, contact_email="desk@news.kloop.kg"
    )  # a subdomain of the website's domain counts
    db.session.expire_all()
    kloop = db.session.execute(
        sa.select(Organization).where(Organization.name == "Kloop Media")
    ).scalar_one()
    assert kloop.domain_verified_at is not None


def test_withdrawal_leaves_the_list_and_the_count_and_is_audited(
    client, db, smtp, demo_appeal, login
):
    confirmation = _endorse_and_confirm(client, smtp, demo_appeal)
    _approve(client, login, _only_endorsement(db).id)
    db.session.refresh(demo_appeal)
    assert demo_appeal.endorsement_count == 1

    withdraw = link(confirmation, "withdraw")
    assert "Withdraw the endorsement" in client.get(withdraw).get_data(as_text=True)
    assert _only_endorsement(db).state == "approved"  # GET changes nothing
    assert client.post(withdraw).status_code == 200
    assert client.post(withdraw).status_code == 200  # twice is harmless

    endorsement = _only_endorsement(db)
    assert endorsement.state == "withdrawn" and endorsement.withdrawn_at is not None
    # Its contact details go at once, with the mails already sent to that address.
    assert endorsement.contact_email is None and endorsement.ip_key is None
    sent_to = db.session.execute(
        sa.select(OutboxMessage.to, OutboxMessage.text).where(OutboxMessage.sent_at.is_not(None))
    ).all()
    assert sent_to and all(FORM["contact_email"] not in (to + (text or "")) for to, text in sent_to)
    db.session.refresh(demo_appeal)
    assert demo_appeal.endorsement_count == 0
    page = client.get(f"/appeals/{demo_appeal.slug}").get_data(as_text=True)
    assert "Kloop Media" not in page
    assert client.get("/organizations/kloop-media").status_code == 404
    entries = db.session.execute(
        sa.select(AuditEntry).where(AuditEntry.action == "endorsement.withdraw")
    ).scalars()
    [entry] = list(entries)
    assert entry.subject == f"endorsement:{endorsement.id}" and "approved" in entry.detail


def test_campaigner_adds_an_endorsement_collected_by_phone(client, db, smtp, demo_appeal, login):
    login("moderator")
    url = f"/admin/appeals/{demo_appeal.slug}/endorsements/add"
    assert client.get(url).status_code == 403
    logout(client)

    editor = login("editor")
    form = {k: v for k, v in FORM.items() if k != "contact_email"}
    bad = client.post(url, data={**form, "organization_name": ""})
    assert bad.status_code == 400 and "Give the organization" in bad.get_data(as_text=True)
    assert _count(db, Endorsement) == 0
    assert client.post(url, data=form).status_code == 302
    endorsement = _only_endorsement(db)
    assert endorsement.state == "approved"
    assert endorsement.added_by_id == editor.id and endorsement.contact_email is None
    admin_page = client.get(f"/admin/appeals/{demo_appeal.slug}/endorsements")
    assert "added by a campaigner" in admin_page.get_data(as_text=True)
    again = client.post(url, data=form)
    assert again.status_code == 400 and "already endorses" in again.get_data(as_text=True)
    db.session.refresh(demo_appeal)
    assert demo_appeal.endorsement_count == 1
    assert "Kloop Media" in client.get(f"/appeals/{demo_appeal.slug}").get_data(as_text=True)
    assert _count(db, OutboxMessage) == 0  # no address, no mail


def test_initiators_are_listed_first_then_endorsers_by_country(client, db, demo_appeal, login):
    login("editor")
    url = f"/admin/appeals/{demo_appeal.slug}/endorsements/add"
    for name, country in (("Alpha Verein", "DE"), ("Beta Union", "KG"), ("Zeta Forum", "KG")):
        data = {**FORM, "organization_name": name, "country": country, "website": ""}
        assert client.post(url, data=data).status_code == 302
    zeta = db.session.execute(
        sa.select(Endorsement).join(Organization).where(Organization.name == "Zeta Forum")
    ).scalar_one()
    response = client.post(f"/admin/endorsements/{zeta.id}/initiator", data={"initiator": "1"})
    assert response.status_code == 302
    page = client.get(f"/appeals/{demo_appeal.slug}").get_data(as_text=True)
    section = page[page.index('id="endorsers"') :]
    assert section.index("Initiators") < section.index("Zeta Forum") < section.index("Germany")
    assert section.index("Germany") < section.index("Alpha Verein") < section.index("Kyrgyzstan")
    assert section.index("Kyrgyzstan") < section.index("Beta Union")
    assert '<strong class="endorsement-count">3</strong>' in section


def test_honeypot_gets_the_same_answer_but_never_reaches_the_queue(
    client, db, smtp, demo_appeal, login
):
    response = endorse(client, demo_appeal.slug, homepage="http://spam.example")
    assert response.status_code == 302
    assert "Check your email" in client.get(response.location).get_data(as_text=True)
    message = mails(smtp, 1)[0]
    assert client.post(link(message, "confirm")).status_code == 200
    endorsement = _only_endorsement(db)
    assert endorsement.state == "submitted" and endorsement.flagged == "honeypot"
    login("moderator")
    queue = client.get("/admin/endorsements").get_data(as_text=True)
    assert "Kloop Media" not in queue and "(0 waiting)" in queue
    admin_page = client.get(f"/admin/appeals/{demo_appeal.slug}/endorsements")
    assert "honeypot" in admin_page.get_data(as_text=True)


def test_bad_input_shows_errors_beside_fields_keeps_values_and_stores_nothing(
    client, db, demo_appeal
):
    response = endorse(
        client,
        demo_appeal.slug,
        organization_name="",
        contact_email="not-an-email",
        website="javascript:alert(1)",
        country="XX",
        signatory_name="Keep Me",
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'id="organization_name-error"' in page
    assert 'id="contact_email-error"' in page and "not valid" in page
    assert 'id="website-error"' in page and 'id="country-error"' in page
    assert 'value="Keep Me"' in page
    assert _count(db, Endorsement) == 0 and _count(db, Organization) == 1  # the demo's issuer
    assert _count(db, OutboxMessage) == 0


def test_endorse_page_is_distinct_and_links_to_the_individual_form(client, demo_appeal):
    page = client.get(f"/appeals/{demo_appeal.slug}/endorse").get_data(as_text=True)
    assert "on behalf of an organization" in page
    assert f'href="/appeals/{demo_appeal.slug}#sign"' in page
    assert 'class="honeypot"' in page


def test_closed_appeals_refuse_and_drafts_do_not_exist(client, db, make_appeal):
    closed = make_appeal(state="closed")
    assert "no longer takes endorsements" in client.get(f"/appeals/{closed.slug}/endorse").get_data(
        as_text=True
    )
    assert endorse(client, closed.slug).status_code == 409
    assert _count(db, Endorsement) == 0
    draft = make_appeal(state="draft")
    assert client.get(f"/appeals/{draft.slug}/endorse").status_code == 404
    assert endorse(client, draft.slug).status_code == 404


def test_tampered_links_are_refused(client):
    assert client.get("/endorsements/confirm/not-a-token").status_code == 400
    assert client.post("/endorsements/withdraw/not-a-token").status_code == 400


def test_a_concurrent_duplicate_insert_is_answered_as_a_second_attempt(
    client, db, smtp, demo_appeal, monkeypatch
):
    from campaign.endorsements import services

    assert endorse(client, demo_appeal.slug).status_code == 302
    real = services.endorsement_for
    calls = []

    def not_yet_visible(appeal, organization):
        # The first lookup misses the row, as when another request inserts it concurrently.
        calls.append(1)
        return None if len(calls) == 1 else real(appeal, organization)

    monkeypatch.setattr(services, "endorsement_for", not_yet_visible)
    response = endorse(client, demo_appeal.slug, signatory_name="Second Try")
    assert response.status_code == 302
    assert _count(db, Endorsement) == 1
    assert _only_endorsement(db).signatory_name == "Second Try"
    assert len(mails(smtp, 2)) == 2
