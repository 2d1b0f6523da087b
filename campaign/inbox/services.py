"""What can happen to inbound mail: received (and matched), assigned by hand, dismissed,
recorded as a response, published on the tracker. Services flush, never commit."""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app

from campaign.accounts.models import User
from campaign.appeals.models import Appeal
from campaign.audit.services import record
from campaign.authorities.models import Authority
from campaign.core.database import utcnow
from campaign.core.extensions import db
from campaign.core.urls import external_url
from campaign.core.validation import InvalidInput
from campaign.deliveries.addresses import BounceAddress, ReplyAddress, parse_address
from campaign.deliveries.models import Delivery
from campaign.inbox.models import Correspondence, CorrespondenceAttachment, RedactionRule
from campaign.inbox.parsing import Parsed, parse_message
from campaign.inbox.redaction import (
    MAX_REPLACEMENT,
    BadPattern,
    compile_rule,
    redact,
)
from campaign.mail.services import enqueue_later
from campaign.responses.documents import check_document, delete_document, store_document

#: At most this many attachments of one message are stored; the rest are listed.
MAX_ATTACHMENTS = 20


class MessageTooLarge(ValueError):
    """The message is over INBOX_MAX_MESSAGE_BYTES: refused, nothing stored."""


def max_message_bytes() -> int:
    return int(current_app.config["INBOX_MAX_MESSAGE_BYTES"])


def is_our_recipient(address: str) -> bool:
    """A reply+ or bounce+ address of this instance (for the SMTP receiver's RCPT TO)."""
    return parse_address(address) is not None


# --- receiving -------------------------------------------------------------------------------


def receive_message(raw: bytes, envelope_recipients=()) -> Correspondence | None:
    """Store one inbound message and match it to its appeal and authority: by the reply or
    bounce address it came to, else by In-Reply-To/References against the delivery emails'
    Message-IDs, else it waits unmatched. A DSN for a delivery marks it bounced and mails the
    campaigners. None when the same message (Message-ID and sender) is already stored.
    MessageTooLarge over the size limit; never any other error for what the message holds."""
    if len(raw) > max_message_bytes():
        raise MessageTooLarge(f"{len(raw)} bytes is over the limit of {max_message_bytes()}.")
    parsed = parse_message(raw)
    if parsed.message_id and _already_stored(parsed):
        return None
    item = Correspondence(
        sender=parsed.sender,
        subject=parsed.subject,
        text=parsed.text,
        html=parsed.html,
        sent_at=parsed.sent_at,
        received_at=utcnow(),
        message_id=parsed.message_id,
        in_reply_to=parsed.in_reply_to,
        references=" ".join(parsed.references) or None,
        problem="\n".join(parsed.problems) or None,
        raw=raw,
        kind="bounce" if parsed.is_dsn else "auto_reply" if parsed.auto_reply else "reply",
        state="new",
        matched_by="none",
    )
    _match(item, parsed, list(envelope_recipients))
    db.session.add(item)
    _attach(item, parsed)
    db.session.flush()
    if item.kind == "bounce" and item.delivery is not None and parsed.dsn_failed:
        _mark_bounced(item.delivery, parsed.dsn_reason or "", item)
    return item


def _already_stored(parsed: Parsed) -> bool:
    return db.session.scalar(
        sa.select(sa.func.count(Correspondence.id)).where(
            Correspondence.message_id == parsed.message_id,
            Correspondence.sender == parsed.sender,
        )
    ) > 0  # fmt: skip


def _match(item: Correspondence, parsed: Parsed, envelope: list[str]) -> None:
    for address in envelope + parsed.recipients:
        named = parse_address(address)
        if isinstance(named, ReplyAddress):
            appeal = db.session.get(Appeal, named.appeal_id)
            authority = db.session.get(Authority, named.authority_id)
            if appeal is not None and authority is not None:
                item.recipient = address[:320]
                _set_target(item, appeal.id, authority.id, "token")
                item.delivery = _delivery_for(appeal.id, authority.id)
                return
        elif isinstance(named, BounceAddress):
            delivery = db.session.get(Delivery, named.delivery_id)
            if delivery is not None:
                item.recipient = address[:320]
                item.kind = "bounce"
                item.bounce_reason = parsed.dsn_reason
                item.delivery = delivery
                _set_target(item, delivery.appeal_id, delivery.authority_id, "token")
                return
    ids = [parsed.in_reply_to] if parsed.in_reply_to else []
    ids += parsed.references + parsed.dsn_original_ids
    if ids:
        delivery = db.session.scalar(
            sa.select(Delivery).where(Delivery.message_id.in_(ids[:200])).limit(1)
        )
        if delivery is not None:
            item.delivery = delivery
            if item.kind == "bounce":
                item.bounce_reason = parsed.dsn_reason
            _set_target(item, delivery.appeal_id, delivery.authority_id, "in_reply_to")


def _set_target(item: Correspondence, appeal_id: int, authority_id: int, how: str) -> None:
    item.appeal_id, item.authority_id, item.matched_by = appeal_id, authority_id, how


def _delivery_for(appeal_id: int, authority_id: int) -> Delivery | None:
    return db.session.scalar(
        sa.select(Delivery).where(
            Delivery.appeal_id == appeal_id, Delivery.authority_id == authority_id
        )
    )


def _attach(item: Correspondence, parsed: Parsed) -> None:
    for index, attachment in enumerate(parsed.attachments):
        row = CorrespondenceAttachment(
            filename=attachment.filename,
            content_type=attachment.content_type,
            size=len(attachment.data),
        )
        if index >= MAX_ATTACHMENTS:
            row.refused = f"More than {MAX_ATTACHMENTS} attachments: not stored."
        else:
            try:
                checked = check_document(attachment.data)
            except InvalidInput as exc:
                row.refused = exc.message
            else:
                row.document = store_document(checked)
                row.document_type = checked.content_type
        item.attachments.append(row)


def _mark_bounced(delivery: Delivery, reason: str, item: Correspondence) -> None:
    """The delivery failed for good: say so on it and tell the campaigners."""
    if delivery.status == "bounced":
        return
    delivery.status = "bounced"
    delivery.bounced_at = utcnow()
    delivery.bounce_reason = reason or None
    record(None, "delivery.bounce", delivery, {"correspondence": item.id, "reason": reason})
    appeal = db.session.get(Appeal, delivery.appeal_id)
    authority = db.session.get(Authority, delivery.authority_id)
    link = external_url("admin.inbox_message", item_id=item.id)
    for user in campaigners():
        enqueue_later(
            user.email, "inbox_bounce", kind="inbox_bounce",
            appeal_title=appeal.title, authority_name=authority.name,
            reason=reason, message_url=link,
        )  # fmt: skip


def campaigners() -> list[User]:
    """Who is told about an appeal's bounced deliveries: active editors and admins."""
    return list(
        db.session.scalars(
            sa.select(User)
            .where(User.active.is_(True), User.role.in_(("editor", "admin")))
            .order_by(User.id)
        )
    )


# --- campaigners' actions --------------------------------------------------------------------


def assign_correspondence(user, item: Correspondence, appeal: Appeal | None, authority) -> None:
    """File a message under an appeal and one of the authorities it is addressed to."""
    if appeal is None:
        raise InvalidInput("Choose an appeal.", {"appeal": "Choose an appeal."})
    if authority is None or authority.id not in {
        t.authority_id for d in appeal.demands for t in d.targets
    }:
        message = "Choose an authority the appeal is addressed to."
        raise InvalidInput(message, {"authority": message})
    if item.published_at is not None:
        raise InvalidInput("Unpublish the message before moving it.")
    _set_target(item, appeal.id, authority.id, "manual")
    item.delivery = _delivery_for(appeal.id, authority.id)
    item.handled_by_id = getattr(user, "id", None)
    db.session.flush()
    record(user, "correspondence.assign", item, {"appeal": appeal.id, "authority": authority.slug})


def dismiss_correspondence(user, item: Correspondence) -> None:
    if item.state == "recorded":
        raise InvalidInput("The message is already recorded as a response.")
    item.state = "dismissed" if item.state == "new" else "new"
    item.handled_by_id = getattr(user, "id", None)
    record(user, "correspondence.dismiss", item, {"state": item.state})


def mark_recorded(user, item: Correspondence, response) -> None:
    """The message became `response` (called with record_response, in its transaction)."""
    item.state = "recorded"
    item.response_id = response.id
    item.handled_by_id = getattr(user, "id", None)
    record(user, "correspondence.record", item, {"response": response.id})


def redaction_rules() -> list[RedactionRule]:
    return list(db.session.scalars(sa.select(RedactionRule).order_by(RedactionRule.id)))


def public_copy(item: Correspondence) -> tuple[str, str]:
    """The subject and text as they would be published: every redaction rule applied."""
    rules = redaction_rules()
    try:
        return redact(item.subject, rules), redact(item.text, rules)
    except BadPattern as exc:
        raise InvalidInput(f"A redaction rule is broken; fix it first. {exc}") from exc


def publish_correspondence(user, item: Correspondence) -> None:
    if not item.matched:
        raise InvalidInput("File the message under an appeal and authority first.")
    if item.kind == "bounce":
        raise InvalidInput("A bounce is not published.")
    item.public_subject, item.public_text = public_copy(item)
    item.published_at = utcnow()
    record(user, "correspondence.publish", item, {"appeal": item.appeal_id})


def unpublish_correspondence(user, item: Correspondence) -> None:
    if item.published_at is None:
        raise InvalidInput("The message is not published.")
    item.published_at = None
    item.public_subject = item.public_text = None
    record(user, "correspondence.unpublish", item, {"appeal": item.appeal_id})


def add_redaction_rule(user, pattern: str, is_regex: bool, replacement: str, note: str = ""):
    pattern = (pattern or "").replace("\x00", "")
    replacement = (replacement or "").replace("\x00", "").strip() or "[redacted]"
    try:
        compile_rule(pattern, is_regex)
    except BadPattern as exc:
        raise InvalidInput(str(exc), {"pattern": str(exc)}) from exc
    if len(replacement) > MAX_REPLACEMENT:
        message = f"The replacement is at most {MAX_REPLACEMENT} characters."
        raise InvalidInput(message, {"replacement": message})
    rule = RedactionRule(
        pattern=pattern, is_regex=is_regex, replacement=replacement,
        note=(note or "").replace("\x00", "").strip()[:500],
        created_by_id=getattr(user, "id", None),
    )  # fmt: skip
    db.session.add(rule)
    db.session.flush()
    record(user, "redaction.add", rule, {"is_regex": is_regex})
    return rule


def remove_redaction_rule(user, rule: RedactionRule) -> None:
    record(user, "redaction.remove", rule, {"pattern": rule.pattern})
    db.session.delete(rule)
    db.session.flush()


def delete_correspondence_files(item: Correspondence) -> None:
    for attachment in item.attachments:
        delete_document(attachment.document)
