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


def _endorsements(db) -> list[Endorsement]:
    db.session.expire_all()
    return list(db.session.execute(sa.select(Endorsement).order_by(Endorsement.id)).scalars())


def _state_of(endorsement: Endorsement) -> tuple:
    return (
        endorsement.state,
        endorsement.contact_email,
        endorsement.signatory_name,
        endorsement.signatory_role,
        endorsement.comment,
        endorsement.submitted_at,
        endorsement.domain_verified_at,
    )


ATTACKER = {
    "organization_name": "  KLOOP   media! ",  # the same organization, by its name
    "website": "",
    "signatory_name": "Bakyt Osmonov",
    "signatory_role": "Editor-in-chief",
    "contact_email": "kloop.editor@gmail.com",
    "comment": "We withdraw our support.",
}


def test_a_second_submission_cannot_take_over_a_confirmed_endorsement(
    client, db, smtp, demo_appeal, login
):
    # The real contact confirms from the organization's domain: domain-verified.
    first = _endorse_and_confirm(client, smtp, demo_appeal)
    [real] = _endorsements(db)
    assert real.state == "submitted" and real.domain_verified_at is not None
    before = _state_of(real)

    # Anyone can type the organization's name: the second submission is a new row.
    response = endorse(client, demo_appeal.slug, **ATTACKER)
    assert response.status_code == 302
    assert "Check your email" in client.get(response.location).get_data(as_text=True)
    second = mails(smtp, 2)[1]
    assert second["To"] == "kloop.editor@gmail.com"
    real, rival = _endorsements(db)
    assert _state_of(real) == before  # contact, signatory, comment, state, verification
    assert rival.organization_id == real.organization_id
    assert rival.state == "pending" and rival.signatory_name == "Bakyt Osmonov"
    assert _count(db, Organization) == 2  # + the issuer: no new organization
    # The real contact's link still works, and confirming again changes nothing.
    assert client.post(link(first, "confirm")).status_code == 200
    assert _state_of(_endorsements(db)[0]) == before

    # The rival confirms its own; it does not inherit the domain verification.
    assert client.post(link(second, "confirm")).status_code == 200
    real, rival = _endorsements(db)
    assert rival.state == "submitted" and rival.domain_verified_at is None
    assert _state_of(real) == before

    # The moderator sees both, each naming and linking the other.
    login("moderator")
    queue = client.get("/admin/endorsements").get_data(as_text=True)
    assert "(2 waiting)" in queue
    assert queue.count("Another endorsement for this organization exists") == 2
    page = f"/admin/appeals/{demo_appeal.slug}/endorsements"
    assert f'href="{page}#endorsement-{rival.id}"' in queue
    assert f'href="{page}#endorsement-{real.id}"' in queue
    appeal_page = client.get(page).get_data(as_text=True)
    assert f'id="endorsement-{real.id}"' in appeal_page
    assert f'id="endorsement-{rival.id}"' in appeal_page
    assert appeal_page.count("Another endorsement for this organization exists") == 2

    # One can be approved; the other is then refused, with a message that says why.
    assert client.post(f"/admin/endorsements/{real.id}/approve").status_code == 302
    refused = client.post(f"/admin/endorsements/{rival.id}/approve", follow_redirects=True)
    assert "already has an approved endorsement of this appeal" in refused.get_data(as_text=True)
    logout(client)
    real, rival = _endorsements(db)
    assert real.state == "approved" and rival.state == "submitted"
    db.session.refresh(demo_appeal)
    assert demo_appeal.endorsement_count == 1
    public = client.get(f"/appeals/{demo_appeal.slug}").get_data(as_text=True)
    assert "We stand with our colleagues." in public and "We withdraw" not in public


def test_a_rival_approved_instead_shows_no_domain_verification(
    client, db, smtp, demo_appeal, login
):
    _endorse_and_confirm(client, smtp, demo_appeal)
    _endorse_and_confirm(client, smtp, demo_appeal, n_mails=2, **ATTACKER)
    real, rival = _endorsements(db)
    assert real.organization.domain_verified_at is not None  # the organization's record
    login("moderator")
    reason = {"reason": "Checked by phone: not the organization"}
    assert client.post(f"/admin/endorsements/{real.id}/reject", data=reason).status_code == 302
    assert client.post(f"/admin/endorsements/{rival.id}/approve").status_code == 302
    logout(client)
    page = client.get(f"/appeals/{demo_appeal.slug}").get_data(as_text=True)
    assert "We withdraw our support." in page and "domain verified" not in page
    api = client.get(f"/api/v1/appeals/{demo_appeal.slug}/endorsements").get_json()
    assert api["items"][0]["organization"]["domain_verified"] is False
    org_page = client.get("/organizations/kloop-media").get_data(as_text=True)
    assert "domain verified" not in org_page


def test_a_rival_cannot_give_the_organization_a_website_to_verify_itself_against(
    client, db, smtp, demo_appeal
):
    # The first submission names no website: the organization has none yet.
    _endorse_and_confirm(client, smtp, demo_appeal, website="")
    _endorse_and_confirm(
        client,
        smtp,
        demo_appeal,
        n_mails=2,
        **{**ATTACKER, "website": "kloop-news.kg", "contact_email": "desk@kloop-news.kg"},
    )
    real, rival = _endorsements(db)
    assert real.organization.website is None and real.organization.website_domain is None
    assert rival.domain_verified_at is None and real.domain_verified_at is None


def test_after_approval_a_new_submission_waits_beside_the_approved_one(
    client, db, smtp, demo_appeal, login
):
    _endorse_and_confirm(client, smtp, demo_appeal)
    _approve(client, login, _only_endorsement(db).id)
    approved_before = _state_of(_only_endorsement(db))
    response = endorse(
        client,
        demo_appeal.slug,
        organization_name="Kloop (Kyrgyzstan)",
        website="www.kloop.kg/en/about",  # the same organization, by its domain
        contact_email="someone@kloop.kg",
        signatory_name="Someone Else",
    )
    assert response.status_code == 302
    assert "Check your email" in client.get(response.location).get_data(as_text=True)
    confirm = link(mails(smtp, 3)[2], "confirm")
    assert client.post(confirm).status_code == 200
    approved, rival = _endorsements(db)
    assert _state_of(approved) == approved_before
    assert rival.state == "submitted" and rival.domain_verified_at is not None  # its own
    assert _count(db, Organization) == 2  # + the issuer

    login("moderator")
    refused = client.post(f"/admin/endorsements/{rival.id}/approve", follow_redirects=True)
    assert "already has an approved endorsement" in refused.get_data(as_text=True)
    assert _endorsements(db)[1].state == "submitted"
    db.session.refresh(demo_appeal)
    assert demo_appeal.endorsement_count == 1

    # Replacing it is two steps the moderator takes on purpose.
    reason = {"reason": "Replaced by the new director's endorsement"}
    assert client.post(f"/admin/endorsements/{approved.id}/reject", data=reason).status_code == 302
    assert client.post(f"/admin/endorsements/{rival.id}/approve").status_code == 302
    logout(client)
    approved, rival = _endorsements(db)
    assert (approved.state, rival.state) == ("rejected", "approved")
    db.session.refresh(demo_appeal)
    assert demo_appeal.endorsement_count == 1
    assert "Someone Else" in client.get("/organizations/kloop-media").get_data(as_text=True)


def test_the_same_submission_again_resends_its_confirmation(client, db, smtp, demo_appeal):
    assert endorse(client, demo_appeal.slug).status_code == 302
    assert endorse(client, demo_appeal.slug).status_code == 302  # a second click, a lost mail
    first, second = mails(smtp, 2)
    assert first["To"] == second["To"] == "aida@kloop.kg"
    assert _count(db, Endorsement) == 1
    assert client.post(link(second, "confirm")).status_code == 200
    assert _only_endorsement(db).state == "submitted"
    # Different details are a submission of their own.
    assert endorse(client, demo_appeal.slug, comment="Updated comment.").status_code == 302
    assert _count(db, Endorsement) == 2


def test_a_withdrawn_endorsement_may_be_followed_by_a_fresh_one(
    client, db, smtp, demo_appeal, login
):
    confirmation = _endorse_and_confirm(client, smtp, demo_appeal)
    _approve(client, login, _only_endorsement(db).id)
    assert client.post(link(confirmation, "withdraw")).status_code == 200
    again = _endorse_and_confirm(client, smtp, demo_appeal, n_mails=3, comment="Still with you.")
    assert again["To"] == "aida@kloop.kg"
    withdrawn, fresh = _endorsements(db)
    assert withdrawn.state == "withdrawn" and fresh.state == "submitted"
    _approve(client, login, fresh.id)
    db.session.refresh(demo_appeal)
    assert demo_appeal.endorsement_count == 1
    assert "Still with you." in client.get(f"/appeals/{demo_appeal.slug}").get_data(as_text=True)


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
