"""Every admin action that changes data leaves an audit entry naming who did it.

Each POST route under /admin is either driven here with valid data (ACTIONS) or exempted with
a reason (EXEMPT); a new admin POST route in neither list fails the suite."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from campaign.audit.models import AuditEntry
from campaign.endorsements.models import Endorsement
from campaign.responses.models import StatusChange
from tests.endorsements.helpers import endorse, link, mails
from tests.signatures.helpers import deliver, links, sign

#: POST routes under /admin that change no campaign data on behalf of a campaigner.
EXEMPT = {
    "accounts.login": "signs a campaigner in; failures are rate limited, not campaign data",
    "accounts.logout": "ends the campaigner's own session only",
    "admin.erase": "looks a person up and shows what would be erased (recorded anyway as "
    "privacy.erase_lookup: tests/privacy/test_erase_on_request.py); admin.erase_confirm erases",
}


def _authority_id(appeal) -> int:
    return appeal.demands[0].targets[0].authority_id


def _draft(make_appeal, db):
    appeal = make_appeal(state="draft")
    db.session.commit()
    return appeal


def _published(make_appeal, db):
    appeal = make_appeal()
    db.session.commit()
    return appeal


def _closed(make_appeal, db):
    appeal = make_appeal(state="closed")
    db.session.commit()
    return appeal


def _confirmed_endorsement(client, db, smtp, appeal) -> int:
    assert endorse(client, appeal.slug).status_code == 302
    assert client.post(link(mails(smtp, 1)[-1], "confirm")).status_code == 200
    db.session.rollback()
    return db.session.scalars(sa.select(Endorsement.id)).one()


APPEAL = {
    "title": "Free the journalists",
    "summary": "Three reporters are held without charge.",
    "body": "We call on the authorities.",
    "language": "en",
    "signature_goal": "1000",
    "issued_on": "2026-01-15",
    "issued_by": "Press Freedom Coalition",
    "closes_at": "",
}
AUTHORITY = {
    "name": "Prosecutor General's Office",
    "kind": "prosecutor",
    "country": "kg",
    "website": "https://prokuror.kg",
    "contact_email": "office@prokuror.kg",
}


# Each action: (ctx) -> (method path, data) after doing its own setup. ctx has client, db,
# smtp, make_appeal, make_authority, make_user, demo (the demo appeal, published).
def a_appeal_new(c):
    return "/admin/appeals/new", APPEAL


def a_appeal_edit(c):
    appeal = _draft(c.make_appeal, c.db)
    return f"/admin/appeals/{appeal.slug}/edit", {**APPEAL, "title": "Changed"}


def a_demand_new(c):
    appeal = _draft(c.make_appeal, c.db)
    return f"/admin/appeals/{appeal.slug}/demands/new", {
        "text": "Release them",
        f"target_{_authority_id(appeal)}": "y",
    }


def a_demand_edit(c):
    appeal = _draft(c.make_appeal, c.db)
    demand = appeal.demands[0]
    return f"/admin/appeals/{appeal.slug}/demands/{demand.id}/edit", {
        "text": "Amended",
        f"target_{_authority_id(appeal)}": "y",
    }


def a_demand_remove(c):
    appeal = _draft(c.make_appeal, c.db)
    return f"/admin/appeals/{appeal.slug}/demands/{appeal.demands[1].id}/remove", {}


def a_demand_move(c):
    appeal = _draft(c.make_appeal, c.db)
    return f"/admin/appeals/{appeal.slug}/demands/{appeal.demands[1].id}/move", {"direction": "up"}


def a_publish(c):
    return f"/admin/appeals/{_draft(c.make_appeal, c.db).slug}/publish", {}


def a_close(c):
    return f"/admin/appeals/{_published(c.make_appeal, c.db).slug}/close", {}


def a_reopen(c):
    return f"/admin/appeals/{_closed(c.make_appeal, c.db).slug}/reopen", {}


def a_archive(c):
    return f"/admin/appeals/{_closed(c.make_appeal, c.db).slug}/archive", {}


def a_hide(c):
    appeal = _closed(c.make_appeal, c.db)
    return f"/admin/appeals/{appeal.slug}/hide", {"reason": "Signers at risk", "confirm": "y"}


def a_unhide(c):
    from campaign.appeals.services import hide_appeal

    appeal = _published(c.make_appeal, c.db)
    hide_appeal(None, appeal)
    c.db.session.commit()
    return f"/admin/appeals/{appeal.slug}/unhide", {}


def a_authority_new(c):
    return "/admin/authorities/new", AUTHORITY


def a_authority_edit(c):
    authority = c.make_authority("Supreme Court")
    c.db.session.commit()
    return f"/admin/authorities/{authority.slug}/edit", {**AUTHORITY, "name": "General Prosecutor"}


def a_invalidate(c):
    appeal = _published(c.make_appeal, c.db)
    sign(c.client, appeal)
    for message in deliver(c.smtp, 1):
        c.client.post(links(message)["confirm"])
    return f"/admin/appeals/{appeal.slug}/signatures/invalidate", {
        "country": "KG",
        "confirm": "1",
        "reason": "duplicates",
    }


def a_blocklist_add(c):
    return "/admin/blocklists/add", {"kind": "domain", "domain": "spam.example"}


def a_blocklist_remove(c):
    from campaign.signatures.models import BlockedEmailDomain

    assert c.client.post("/admin/blocklists/add", data={"kind": "domain", "domain": "spam.example"})
    c.db.session.rollback()
    row = c.db.session.scalars(sa.select(BlockedEmailDomain)).one()
    return f"/admin/blocklists/domain/{row.id}/remove", {}


def a_approve(c):
    endorsement_id = _confirmed_endorsement(c.client, c.db, c.smtp, c.demo)
    return f"/admin/endorsements/{endorsement_id}/approve", {}


def a_reject(c):
    endorsement_id = _confirmed_endorsement(c.client, c.db, c.smtp, c.demo)
    return f"/admin/endorsements/{endorsement_id}/reject", {"reason": "Impersonation"}


def a_initiator(c):
    endorsement_id = _confirmed_endorsement(c.client, c.db, c.smtp, c.demo)
    c.client.post(f"/admin/endorsements/{endorsement_id}/approve")
    return f"/admin/endorsements/{endorsement_id}/initiator", {"initiator": "1"}


def a_add_endorsement(c):
    from tests.endorsements.helpers import FORM

    return f"/admin/appeals/{c.demo.slug}/endorsements/add", FORM


def _paper_form(c):
    import datetime as dt

    return {
        "count": "120",
        "collected_by": "Volunteers of Naryn",
        "place": "Naryn",
        "collected_from": (dt.date.today() - dt.timedelta(days=5)).isoformat(),
        "collected_to": dt.date.today().isoformat(),
    }


def a_record_paper(c):
    return f"/admin/appeals/{c.demo.slug}/paper/record", _paper_form(c)


def a_correct_paper(c):
    from campaign.paper.services import record_paper_batch

    form = _paper_form(c)
    batch = record_paper_batch(
        None, c.demo, count=120, collected_by=form["collected_by"], place=form["place"],
        collected_from=c.demo.published_at.date(), collected_to=c.demo.published_at.date(),
    )  # fmt: skip
    c.db.session.commit()
    prefix = f"batch-{batch.id}-"
    return f"/admin/appeals/{c.demo.slug}/paper/{batch.id}/correct", {
        prefix + "count": "110",
        prefix + "reason": "Ten names were repeated.",
    }


def _target(c):
    return c.demo.demands[1].targets[0]


def a_record_response(c):
    from campaign.appeals.demo import SCNS

    d1, _d2, d3, _d4 = c.demo.demands
    return f"/admin/appeals/{c.demo.slug}/responses/new?authority={SCNS}", {
        "occurred_on": "2025-06-05",
        "kind": "official_letter",
        "summary": "The Committee denies any pressure.",
        "source_url": "https://example.org/letter",
        f"status_{d1.id}": "rejected",
        f"note_{d1.id}": "Denies the facts.",
        f"concerns_{d3.id}": "y",
    }


def a_change_status(c):
    return f"/admin/appeals/{c.demo.slug}/responses/status", {
        "target": str(_target(c).id),
        "status": "acknowledged",
        "note": "Letter received.",
    }


def a_retract(c):
    c.client.post(*a_change_status(c)[:1], data=a_change_status(c)[1])
    c.db.session.rollback()
    change = c.db.session.scalars(sa.select(StatusChange)).one()
    return f"/admin/appeals/{c.demo.slug}/responses/changes/{change.id}/retract", {
        "reason": "Wrong letter"
    }


def a_due(c):
    return f"/admin/appeals/{c.demo.slug}/responses/due", {
        "target": str(_target(c).id),
        "due_on": "2025-06-30",
    }


def a_update(c):
    return f"/admin/appeals/{c.demo.slug}/updates", {"title": "Delivered", "body": "Done."}


def a_notify(c):
    # Something to announce first: a status change (audited itself, so count after it).
    c.client.post(*a_change_status(c)[:1], data=a_change_status(c)[1])
    return f"/admin/appeals/{c.demo.slug}/responses/notify", {}


def a_update_publish(c):
    # A drafted update (audited itself, so count after it), published from its preview.
    c.client.post(*a_update(c)[:1], data=a_update(c)[1])
    from campaign.appeals.models import Update

    c.db.session.rollback()
    update_id = c.db.session.scalars(sa.select(Update.id)).one()
    return f"/admin/appeals/{c.demo.slug}/updates/{update_id}/publish", {}


def a_new_user(c):
    password = "a long enough password"
    return "/admin/users/new", {
        "email": "new.person@example.org",
        "role": "editor",
        "password": password,
        "confirm": password,
    }


def a_user_role(c):
    user = c.make_user("moderator")
    c.db.session.commit()
    return f"/admin/users/{user.id}/role", {f"u{user.id}-role": "editor"}


def a_user_deactivate(c):
    user = c.make_user("editor")
    c.db.session.commit()
    return f"/admin/users/{user.id}/deactivate", {}


def a_password(c):
    from tests.conftest import PASSWORD

    return "/admin/password", {
        "current": PASSWORD,
        "password": "a new passphrase",
        "confirm": "a new passphrase",
    }


def _translation_form(appeal) -> dict:
    data = {"title": "Журналисттерди бошоткула", "summary": "Кыскача.", "body": "Текст."}
    data.update({f"demand_{d.id}": f"Талап {d.position}" for d in appeal.demands})
    return data


def a_translation_edit(c):
    appeal = _published(c.make_appeal, c.db)
    return f"/admin/appeals/{appeal.slug}/translations/ky", _translation_form(appeal)


def a_translation_remove(c):
    appeal = _published(c.make_appeal, c.db)
    added = c.client.post(
        f"/admin/appeals/{appeal.slug}/translations/ky", data=_translation_form(appeal)
    )
    assert added.status_code == 302
    return f"/admin/appeals/{appeal.slug}/translations/ky/remove", {}


def a_sealing_key(c):
    from campaign.privacy.sealing import generate_keypair

    appeal = _published(c.make_appeal, c.db)
    return f"/admin/appeals/{appeal.slug}/sealing-key", {
        "sealing_public_key": generate_keypair()[0]
    }


def _co_issued_draft(c):
    from campaign.appeals.issuers import IssuerInput, set_issuers
    from campaign.endorsements.organizations import get_or_create_organization

    appeal = _draft(c.make_appeal, c.db)
    partner = get_or_create_organization("Partner Union")
    set_issuers(appeal, [IssuerInput(partner, "partner@example.org")])
    c.db.session.commit()
    return appeal


def a_issuers(c):
    appeal = _draft(c.make_appeal, c.db)
    return f"/admin/appeals/{appeal.slug}/issuers", {"issuers": "Partner Union | p@example.org"}


def a_ask_approval(c):
    appeal = _co_issued_draft(c)
    return f"/admin/appeals/{appeal.slug}/ask-approval", {}


def a_publish_override(c):
    appeal = _co_issued_draft(c)
    return f"/admin/appeals/{appeal.slug}/publish-override", {"reason": "Agreed by phone"}


def a_shred(c):
    from tests.conftest import PASSWORD

    appeal = _published(c.make_appeal, c.db)
    return f"/admin/appeals/{appeal.slug}/shred", {"slug": appeal.slug, "password": PASSWORD}


def a_erase(c):
    appeal = _published(c.make_appeal, c.db)
    sign(c.client, appeal, email="erase-me@example.org")
    deliver(c.smtp, 1)
    return "/admin/erase/confirm", {"email": "erase-me@example.org"}


def _message(c, matched: bool = False):
    from campaign.inbox.services import receive_message

    item = receive_message(b"From: a@mvd.gov.kg\r\nSubject: s\r\n\r\nA reply.\r\n")
    if matched:
        appeal = _published(c.make_appeal, c.db)
        item.appeal_id, item.authority_id = appeal.id, _authority_id(appeal)
        item.matched_by = "manual"
    c.db.session.commit()
    return item


def a_inbox_assign(c):
    item, appeal = _message(c), _published(c.make_appeal, c.db)
    return f"/admin/inbox/{item.id}/assign", {"target": f"{appeal.id}:{_authority_id(appeal)}"}


def a_inbox_dismiss(c):
    return f"/admin/inbox/{_message(c).id}/dismiss", {}


def a_inbox_publish(c):
    return f"/admin/inbox/{_message(c, matched=True).id}/publish", {}


def a_inbox_unpublish(c):
    from campaign.inbox.services import publish_correspondence

    item = _message(c, matched=True)
    publish_correspondence(None, item)
    c.db.session.commit()
    return f"/admin/inbox/{item.id}/unpublish", {}


def a_redaction_add(c):
    return "/admin/inbox/redactions", {"pattern": "+996 555", "replacement": "[phone]"}


def a_redaction_remove(c):
    from campaign.inbox.services import add_redaction_rule

    rule = add_redaction_rule(None, "+996 555", False, "[phone]")
    c.db.session.commit()
    return f"/admin/inbox/redactions/{rule.id}/delete", {}


def _reachable_authority(c):
    c.client.application.config["REPLY_TO_DOMAIN"] = "replies.example.org"
    authority = c.demo.demands[0].targets[0].authority
    authority.contact_email = "office@authority.example.kg"
    c.db.session.commit()
    return authority


def a_deliver_email(c):
    authority = _reachable_authority(c)
    return f"/admin/appeals/{c.demo.slug}/deliveries/{authority.slug}/email", {}


def a_record_delivery(c):
    import datetime as dt

    authority = c.demo.demands[0].targets[0].authority
    return f"/admin/appeals/{c.demo.slug}/deliveries/record", {
        "authority": authority.slug,
        "method": "post",
        "delivered_on": dt.datetime.now(dt.UTC).date().isoformat(),
    }


def a_approve_chaser(c):
    from campaign.deliveries.models import Chaser, Delivery

    authority = _reachable_authority(c)
    delivery = Delivery(appeal=c.demo, authority=authority, method="hand", status="delivered")
    delivery.delivered_on = c.demo.published_at.date()
    chaser = Chaser(delivery=delivery, due_on=delivery.delivered_on)
    c.db.session.add(chaser)
    c.db.session.commit()
    return f"/admin/appeals/{c.demo.slug}/chasers/{chaser.id}/approve", {}


def a_working_day(c):
    return "/admin/working-days", {"country": "KG", "day": "2026-03-17", "note": "Decree"}


def a_remove_working_day(c):
    path, data = a_working_day(c)
    assert c.client.post(path, data=data).status_code == 302
    c.db.session.rollback()
    from campaign.deliveries.models import WorkingDayOverride

    override = c.db.session.scalars(sa.select(WorkingDayOverride)).one()
    return f"/admin/working-days/{override.id}/remove", {}


def a_country_name(c):
    return "/admin/countries", {"country": "KG", "language": "ru", "name": "Кыргызстан"}


def a_organization_names(c):
    from campaign.endorsements.models import Organization

    c.db.session.add(Organization(slug="names-org", name="Names Org", name_key="names org"))
    c.db.session.commit()
    return "/admin/organizations/names-org/names", {"name_ru": "Орг", "name_ky": "Уюм"}


ACTIONS = {
    "admin.countries": a_country_name,
    "admin.organization_names": a_organization_names,
    "admin.deliver_email_view": a_deliver_email,
    "admin.record_delivery_view": a_record_delivery,
    "admin.approve_chaser_view": a_approve_chaser,
    "admin.working_days": a_working_day,
    "admin.remove_working_day": a_remove_working_day,
    "admin.appeal_new": a_appeal_new,
    "admin.appeal_edit": a_appeal_edit,
    "admin.demand_new": a_demand_new,
    "admin.demand_edit": a_demand_edit,
    "admin.demand_remove": a_demand_remove,
    "admin.demand_move": a_demand_move,
    "admin.appeal_transition:publish": a_publish,
    "admin.appeal_close": a_close,
    "admin.appeal_transition:reopen": a_reopen,
    "admin.appeal_archive": a_archive,
    "admin.appeal_hide": a_hide,
    "admin.appeal_unhide": a_unhide,
    "admin.authority_new": a_authority_new,
    "admin.authority_edit": a_authority_edit,
    "admin.invalidate": a_invalidate,
    "admin.blocklist_add": a_blocklist_add,
    "admin.blocklist_remove": a_blocklist_remove,
    "admin.approve_endorsement": a_approve,
    "admin.reject_endorsement": a_reject,
    "admin.mark_initiator": a_initiator,
    "admin.add_endorsement": a_add_endorsement,
    "admin.response_new": a_record_response,
    "admin.record_paper_view": a_record_paper,
    "admin.correct_paper_view": a_correct_paper,
    "admin.change_status_view": a_change_status,
    "admin.retract_view": a_retract,
    "admin.due_view": a_due,
    "admin.post_update_view": a_update,
    "admin.notify_view": a_notify,
    "admin.update_publish": a_update_publish,
    "admin.new_user": a_new_user,
    "admin.user_role": a_user_role,
    "admin.user_deactivate": a_user_deactivate,
    "admin.password": a_password,
    "admin.translation_edit": a_translation_edit,
    "admin.translation_remove": a_translation_remove,
    "admin.sealing_key": a_sealing_key,
    "admin.appeal_shred": a_shred,
    "admin.erase_confirm": a_erase,
    "admin.appeal_issuers": a_issuers,
    "admin.appeal_ask_approval": a_ask_approval,
    "admin.appeal_publish_override": a_publish_override,
    "admin.inbox_assign": a_inbox_assign,
    "admin.inbox_dismiss": a_inbox_dismiss,
    "admin.inbox_publish": a_inbox_publish,
    "admin.inbox_unpublish": a_inbox_unpublish,
    "admin.redaction_add": a_redaction_add,
    "admin.redaction_remove": a_redaction_remove,
}


def test_every_admin_post_route_is_covered_or_exempt(app):
    covered = {name.split(":")[0] for name in ACTIONS}
    missing = sorted(
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/admin")
        and "POST" in rule.methods
        and rule.endpoint not in covered
        and rule.endpoint not in EXEMPT
    )
    assert not missing, f"admin POST routes without an audit test (add them to ACTIONS): {missing}"
    assert not covered & set(EXEMPT)


class Ctx:
    def __init__(self, **kw):
        self.__dict__.update(kw)


def _entries(db) -> list[tuple[int | None, str]]:
    db.session.rollback()
    return [
        tuple(row)
        for row in db.session.execute(
            sa.select(AuditEntry.user_id, AuditEntry.action).order_by(AuditEntry.id)
        )
    ]


@pytest.mark.parametrize("name", sorted(ACTIONS))
def test_admin_action_is_audited(
    name, client, db, smtp, login, make_appeal, make_authority, make_user, demo_appeal
):
    admin = login("admin")
    admin_id = admin.id
    ctx = Ctx(
        client=client,
        db=db,
        smtp=smtp,
        make_appeal=make_appeal,
        make_authority=make_authority,
        make_user=make_user,
        demo=demo_appeal,
    )
    path, data = ACTIONS[name](ctx)
    before = _entries(db)
    response = client.post(path, data=data)
    assert 300 <= response.status_code < 400, (response.status_code, response.get_data(True))
    after = _entries(db)
    added = after[len(before) :] if after[: len(before)] == before else after
    assert len(after) > len(before), f"{name} changed data without an audit entry"
    mine = [action for user_id, action in added if user_id == admin_id]
    assert mine and all(mine), f"{name}: no audit entry by the acting admin: {added}"
