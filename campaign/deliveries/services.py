"""What can happen to deliveries: an appeal sent to an authority by email, or a delivery by
hand, post or fax recorded; the targets' due dates set from it; chasers drafted and approved.
Services flush, never commit.

The rule for delivering again (one Delivery per appeal and authority): a delivery that
`failed` or `bounced` may be delivered again (by any method), which reuses its row, with a new
Message-ID; any other is refused (DeliveryExists, a 409 in the API)."""

from __future__ import annotations

import datetime as dt
import json
from email.utils import make_msgid, parseaddr

from flask import current_app

from campaign.appeals.models import Appeal, Demand, DemandTarget
from campaign.appeals.services import set_due_date
from campaign.appeals.status import today_utc
from campaign.appeals.translations import localized
from campaign.audit.services import record
from campaign.authorities.models import Authority
from campaign.core.database import utcnow
from campaign.core.extensions import db
from campaign.core.urls import external_url
from campaign.core.validation import InvalidInput, require
from campaign.deliveries import queries
from campaign.deliveries.addresses import (
    NoReplyDomain,
    bounce_address,
    reply_address,
    reply_domain,
)
from campaign.deliveries.models import DELIVERY_METHODS, Chaser, Delivery, WorkingDayOverride
from campaign.deliveries.workdays import working_days_after
from campaign.mail.models import OutboxMessage
from campaign.mail.services import enqueue
from campaign.responses.documents import CheckedDocument, store_document
from campaign.signatures.counting import signature_count

#: A delivery in these states may be delivered again (its row reused).
REDELIVERABLE = ("failed", "bounced")
#: Outbox kinds whose outcome moves a delivery or a chaser (campaign.mail.worker calls
#: record_outbox_outcome for them).
DELIVERY_KIND, CHASER_KIND = "delivery", "chaser"


class DeliveryExists(InvalidInput):
    """The appeal was delivered to that authority already (and did not fail)."""


def term_days(authority: Authority) -> int:
    """The authority's legal term to answer in working days, else the instance default."""
    return authority.response_term_days or current_app.config["RESPONSE_TERM_WORKING_DAYS"]


def _check_deliverable(appeal: Appeal, authority: Authority) -> Delivery | None:
    """The existing row to reuse (a failed or bounced delivery), or None; raises otherwise."""
    require(appeal.state in ("published", "closed"), "appeal", _NOT_DELIVERABLE)
    require(
        appeal.hidden_at is None,
        "appeal", "This appeal is taken down: restore it before delivering it.",
    )  # fmt: skip
    require(
        bool(queries.targets_for(appeal, authority)),
        "authority", "None of this appeal's demands is addressed to that authority.",
    )  # fmt: skip
    existing = queries.get_delivery(appeal, authority)
    if existing is not None and existing.status not in REDELIVERABLE:
        message = "This appeal was delivered to that authority already."
        raise DeliveryExists(message, {"authority": message})
    return existing


_NOT_DELIVERABLE = "Only a published or closed appeal can be delivered."


def _new_message_id() -> str:
    """A Message-ID on the sender's domain (never this machine's name), as the worker makes."""
    address = parseaddr(current_app.config["MAIL_DEFAULT_SENDER"])[1]
    domain = address.rpartition("@")[2] or "localhost"
    return make_msgid(domain=domain.encode("idna").decode("ascii"))


def _row(existing: Delivery | None, appeal: Appeal, authority: Authority) -> Delivery:
    if existing is not None:
        for name in ("sent_at", "delivered_on", "message_id", "outbox_message_id",
                     "receipt_document", "bounced_at", "bounce_reason"):  # fmt: skip
            setattr(existing, name, None)
        db.session.flush()  # the old Message-ID leaves before a new one may take its place
        return existing
    delivery = Delivery(appeal=appeal, authority=authority)
    db.session.add(delivery)
    return delivery


def delivery_mail_context(
    appeal: Appeal, authority: Authority, awaiting_by: dt.date | None = None
) -> dict:
    """What the delivery and chaser letters say: the appeal in the authority's language where
    a translation exists, the demands addressed to it (for a chaser, `awaiting_by` its due
    date: only those still awaiting past it), the counts and a link."""
    language = authority.language or appeal.language
    text = localized(appeal, language)
    targets = queries.targets_for(appeal, authority)
    if awaiting_by is not None:
        targets = [
            t for t in targets if t.status == "awaiting" and t.due_on and t.due_on <= awaiting_by
        ]
    demands: list[Demand] = [t.demand for t in targets]
    return {
        "language": text.language,
        "values": {
            "authority_name": authority.name,
            "title": text.title,
            "summary": text.summary,
            "body": text.body,
            "body_html": text.body_html,
            "demands": [(d.position, text.demand(d)) for d in demands],
            "signature_count": signature_count(appeal.id),
            "endorsement_count": appeal.endorsement_count,
            "appeal_url": external_url("appeals.show", slug=appeal.slug),
            "tracker_url": external_url("responses.tracker", slug=appeal.slug),
        },
    }


def _enqueue_letter(
    template: str,
    kind: str,
    appeal: Appeal,
    authority: Authority,
    delivery: Delivery,
    awaiting_by: dt.date | None = None,
    **extra,
) -> tuple[OutboxMessage, str]:
    context = delivery_mail_context(appeal, authority, awaiting_by)
    message_id = _new_message_id()
    headers = {"Reply-To": reply_address(appeal.id, authority.id), "Message-ID": message_id}
    message = enqueue(
        authority.contact_email,
        template,
        kind=kind,
        language=context["language"],
        headers=headers,
        **context["values"],
        **extra,
    )
    message.envelope_from = bounce_address(delivery.id)
    db.session.flush()
    return message, message_id


def deliver_by_email(user, appeal: Appeal, authority: Authority) -> Delivery:
    """Send the appeal to the authority through the outbox. The delivery is `queued` until the
    worker has sent it (then `sent`, delivered on the day it was sent: email gives no better
    proof of receipt), `failed` if the mail can never go."""
    require(
        bool(authority.contact_email),
        "authority", "This authority has no contact email: add one, or record a delivery by "
        "hand, post or fax.",
    )  # fmt: skip
    try:
        reply_domain()
    except NoReplyDomain:
        raise InvalidInput(
            "Set REPLY_TO_DOMAIN to deliver by email: replies must find their way back.",
            {"method": "REPLY_TO_DOMAIN is not set."},
        ) from None
    existing = _check_deliverable(appeal, authority)
    delivery = _row(existing, appeal, authority)
    delivery.method, delivery.status = "email", "queued"
    delivery.recorded_by_id = getattr(user, "id", None)
    db.session.flush()
    message, message_id = _enqueue_letter("delivery", DELIVERY_KIND, appeal, authority, delivery)
    delivery.message_id, delivery.outbox_message_id = message_id, message.id
    db.session.flush()
    record(user, "delivery.email", delivery, {"appeal": appeal.slug, "authority": authority.slug})
    return delivery


def record_delivery(
    user,
    appeal: Appeal,
    authority: Authority,
    method: str,
    delivered_on: dt.date | None,
    receipt: CheckedDocument | None = None,
    note: str | None = None,
) -> Delivery:
    """Record a delivery by hand, post or fax on the day the authority received it, with an
    optional scan of the receipt (checked by campaign.responses.documents.check_document).
    Sets the targets' due dates."""
    require(method in DELIVERY_METHODS and method != "email", "method", _METHOD)
    require(delivered_on is not None, "delivered_on", "Give the day it was delivered.")
    require(delivered_on <= today_utc(), "delivered_on", "That day has not come yet.")
    if appeal.published_at is not None:
        require(
            delivered_on >= appeal.published_at.date(),
            "delivered_on", "The appeal was not published yet on that day.",
        )  # fmt: skip
    require(len(note or "") <= 2000, "note", "At most 2000 characters.")
    existing = _check_deliverable(appeal, authority)
    delivery = _row(existing, appeal, authority)
    delivery.method, delivery.status, delivery.delivered_on = method, "delivered", delivered_on
    delivery.note = (note or "").strip()
    delivery.recorded_by_id = getattr(user, "id", None)
    if receipt is not None:
        delivery.receipt_document = store_document(receipt)
    db.session.flush()
    set_target_due_dates(user, delivery)
    record(
        user, "delivery.record", delivery,
        {"appeal": appeal.slug, "authority": authority.slug, "method": method,
         "delivered_on": delivered_on, "receipt": receipt is not None},
    )  # fmt: skip
    return delivery


_METHOD = "Choose hand, post or fax (email is sent from here)."


def set_target_due_dates(user, delivery: Delivery) -> list[DemandTarget]:
    """Each target of the appeal's demands addressed to this authority is due `term_days`
    working days after delivery (in the authority's country's calendar). A target that had a
    due date keeps the old one in its history (a DueDateChange, as every change)."""
    authority = delivery.authority
    due_on = working_days_after(authority.country, delivery.delivered_on, term_days(authority))
    changed = []
    for target in queries.targets_for(delivery.appeal, authority):
        if target.due_on != due_on:
            reason = f"Delivered on {delivery.delivered_on.isoformat()} ({delivery.method})"
            set_due_date(user, target, due_on, reason)
            changed.append(target)
    return changed


def record_outbox_outcome(message: OutboxMessage) -> None:
    """The worker settled a delivery's or chaser's mail (campaign.mail.worker): a sent
    delivery becomes `sent`, delivered that day, and sets its targets' due dates; a mail that
    can never go makes it `failed`. In the worker's transaction."""
    if message.kind != DELIVERY_KIND:
        return
    delivery = db.session.execute(
        db.select(Delivery).where(Delivery.outbox_message_id == message.id)
    ).scalar_one_or_none()
    if delivery is None or delivery.status != "queued":
        return
    if message.sent_at is not None:
        delivery.status, delivery.sent_at = "sent", message.sent_at
        delivery.delivered_on = message.sent_at.astimezone(dt.UTC).date()
        db.session.flush()
        set_target_due_dates(None, delivery)
        record(None, "delivery.sent", delivery, {"message_id": delivery.message_id})
    elif message.failed_at is not None:
        delivery.status = "failed"
        db.session.flush()
        record(None, "delivery.failed", delivery, {"error": message.last_error})


# --- chasers -----------------------------------------------------------------------------------


def draft_chasers(today: dt.date | None = None) -> list[Chaser]:
    """Draft a chaser for each email delivery whose targets are past their due date and still
    awaiting an answer: one per delivery and missed due date, never sent until approved."""
    today = today or today_utc()
    drafted = []
    for delivery, due_on in queries.deliveries_to_chase(today):
        chaser = Chaser(delivery=delivery, due_on=due_on)
        db.session.add(chaser)
        db.session.flush()
        record(None, "chaser.draft", chaser, {"delivery": delivery.id, "due_on": due_on})
        drafted.append(chaser)
    return drafted


def approve_chaser(user, chaser: Chaser) -> Chaser:
    """A campaigner approves a drafted chaser: it goes to the outbox, replying to the
    delivery (In-Reply-To its Message-ID), with the same reply and bounce addresses."""
    require(chaser.approved_at is None, "chaser", "This chaser was approved already.")
    delivery = chaser.delivery
    authority = delivery.authority
    require(bool(authority.contact_email), "chaser", "This authority has no contact email.")
    message, message_id = _enqueue_letter(
        "chaser", CHASER_KIND, delivery.appeal, authority, delivery, chaser.due_on,
        due_on=chaser.due_on.isoformat(),
        delivered_on=delivery.delivered_on.isoformat() if delivery.delivered_on else "",
    )  # fmt: skip
    if delivery.message_id:
        headers = json.loads(message.headers or "{}")
        headers["In-Reply-To"] = headers["References"] = delivery.message_id
        message.headers = json.dumps(headers)
    chaser.approved_at, chaser.approved_by_id = utcnow(), getattr(user, "id", None)
    chaser.outbox_message_id, chaser.message_id = message.id, message_id
    db.session.flush()
    record(user, "chaser.approve", chaser, {"delivery": delivery.id, "due_on": chaser.due_on})
    return chaser


# --- the working-day calendar ------------------------------------------------------------------


def set_working_day(user, country: str | None, day, working: bool, note: str | None):
    """Declare a day off or working in a country, over the `holidays` calendar (replacing an
    earlier override of that day)."""
    country = (country or "").strip().upper()
    require(
        len(country) == 2 and country.isascii() and country.isalpha(),
        "country", "Use a two-letter country code (KG, KZ, ...).",
    )  # fmt: skip
    require(day is not None, "day", "Give the day.")
    require(len(note or "") <= 500, "note", "At most 500 characters.")
    override = db.session.execute(
        db.select(WorkingDayOverride).filter_by(country=country, day=day)
    ).scalar_one_or_none()
    if override is None:
        override = WorkingDayOverride(country=country, day=day)
        db.session.add(override)
    override.working, override.note = bool(working), (note or "").strip()
    db.session.flush()
    record(user, "workday.set", override, {"country": country, "day": day, "working": working})
    return override


def remove_working_day(user, override: WorkingDayOverride) -> None:
    detail = {"country": override.country, "day": override.day, "working": override.working}
    record(user, "workday.remove", override, detail)
    db.session.delete(override)
    db.session.flush()
