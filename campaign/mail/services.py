"""enqueue_later() and enqueue(): the only ways to send an email. Each writes one outbox row
in the caller's transaction; a worker sends it after commit (campaign.mail.worker)."""

from __future__ import annotations

import json
from functools import lru_cache

import sqlalchemy as sa
from flask import render_template
from flask_babel import force_locale

from campaign.core.database import utcnow
from campaign.core.datakeys import seal, unseal
from campaign.core.extensions import db
from campaign.core.security import make_token
from campaign.mail.headers import fit, one_line
from campaign.mail.models import OutboxMessage, mark_outbox_written

_SUBJECT_LENGTH = OutboxMessage.__table__.c.subject.type.length


def render_mail(template: str, language: str = "en", **context) -> tuple[str, str, str]:
    """(subject, text, html) from templates/mail/<template>.txt and .html, in `language`.

    The text template's first line is 'Subject: ...'. The subject comes out as one line (a
    title may hold a carriage return or a line separator) that fits its column."""
    with force_locale(language):
        text = render_template(f"mail/{template}.txt", **context)
        html = render_template(f"mail/{template}.html", **context)
    first, _, rest = text.partition("\n")
    if not first.startswith("Subject:"):
        raise ValueError(f"mail/{template}.txt must start with a 'Subject:' line")
    subject = fit(one_line(first.removeprefix("Subject:")), _SUBJECT_LENGTH)
    return subject, rest.lstrip("\n"), html


#: The outbox columns sealed for a mail about an appeal (see OutboxMessage.appeal_id).
SEALED_FIELDS = ("to", "context", "text", "html")


def _sealed(appeal_id: int | None, row: dict) -> dict:
    if appeal_id is None:
        return row
    sealed = {f: seal(appeal_id, f"outbox.{f}", row[f]) for f in SEALED_FIELDS if f in row}
    return {**row, **sealed, "appeal_id": appeal_id}


def enqueue_later(
    to: str,
    template: str,
    *,
    kind: str | None = None,
    language: str = "en",
    appeal_id: int | None = None,
    **context,
) -> None:
    """Write one mail to the outbox as its template and context (plain JSON values; links
    with tokens as token_url()); the worker renders it when it sends, so a link's token is
    as old as the mail. The way to write mail: one prebuilt Core INSERT and no ORM object
    (signing holds SQLite's write lock while it runs). With `appeal_id` (a mail to one of
    its signers or endorsers) the recipient and context are sealed with its data key."""
    stored = json.dumps({"language": language, "values": context})
    row = _new_row(to, kind or template, template=template, context=stored)
    row = _sealed(appeal_id, {"appeal_id": None, **row})
    db.session.connection().execute(_outbox_insert(), row)
    mark_outbox_written(db.session())


def enqueue(
    to: str,
    template: str,
    *,
    kind: str | None = None,
    language: str = "en",
    dedupe_key: str | None = None,
    headers: dict | None = None,
    appeal_id: int | None = None,
    **context,
) -> OutboxMessage:
    """Write one mail to the outbox rendered now, as an ORM object: for a context of objects
    that cannot wait as JSON (a mailshot's appeal and status changes), with its dedupe key
    and headers; sealed like enqueue_later()'s with `appeal_id`."""
    subject, text, html = render_mail(template, language, **context)
    headers_json = json.dumps(headers) if headers else None
    row = _new_row(to, kind or template, subject=subject, text=text, html=html)
    row = _sealed(appeal_id, row)
    message = OutboxMessage(**row, dedupe_key=dedupe_key, headers=headers_json)
    db.session.add(message)
    mark_outbox_written(db.session())
    return message


def _new_row(to: str, kind: str, **values) -> dict:
    """The columns of a mail waiting for its first attempt, whichever way it is written."""
    now = utcnow()
    row = {"to": to, "kind": kind, "subject": "", "text": "", "attempts": 0}
    return {**row, "next_attempt_at": now, "created_at": now, **values}


@lru_cache(maxsize=1)
def _outbox_insert() -> sa.Insert:
    # Built once, values as parameters: building it per mail cost a third of the INSERT.
    return sa.insert(OutboxMessage.__table__)


def token_url(prefix: str, purpose: str, payload) -> dict:
    """For an enqueue_later() context: a link ending in a signed token
    (campaign.core.security), made when the worker renders the mail, so the token's age
    counts from sending."""
    return {"token_url": prefix, "purpose": purpose, "payload": payload}


def _resolve(value):
    if isinstance(value, dict) and "token_url" in value:
        return value["token_url"] + make_token(value["purpose"], value["payload"])
    return value


def opened(message: OutboxMessage):
    """The message to render and send: itself, or for a sealed one a transient copy with its
    sealed fields opened (the stored row stays sealed). None when the appeal's data key was
    destroyed (shredded): the mail can no longer go."""
    if message.appeal_id is None:
        return message
    values = {f: unseal(message.appeal_id, f"outbox.{f}", getattr(message, f)) for f in
              SEALED_FIELDS}  # fmt: skip
    if not values["to"]:
        return None
    copy = OutboxMessage(
        subject=message.subject, template=message.template, headers=message.headers,
        kind=message.kind, **values,
    )  # fmt: skip
    return copy


def blank_sealed(message: OutboxMessage) -> None:
    """After a sealed message is sent: keep no recipient or body (kind and times stay)."""
    if message.appeal_id is not None:
        for name, value in _BLANK.items():
            if name != "last_error":
                setattr(message, name, value)


def render_waiting(message: OutboxMessage) -> None:
    """Fill in subject, text and html of a message written by enqueue_later() (no-op for the
    others). The worker calls it just before sending; the result is stored with the send."""
    if message.template is None or message.subject or message.context is None:
        return
    stored = json.loads(message.context)
    values = {name: _resolve(value) for name, value in stored.get("values", {}).items()}
    message.subject, message.text, message.html = render_mail(
        message.template, stored.get("language") or "en", **values
    )


#: What a blanked outbox row keeps: kind, times, attempts and the dedupe key (for mail health).
_BLANK = {
    "to": "",
    "subject": "",
    "text": "",
    "html": None,
    "context": None,
    "headers": None,
    "last_error": None,
}


def forget_addresses(addresses) -> int:
    """Blank the mails already sent (or given up) to these addresses, in the caller's
    transaction; returns how many. Unsent ones are left to go out: they may concern another
    appeal the person still signs, and `privacy purge` blanks them once they are old."""
    addresses = sorted({a for a in addresses if a})
    if not addresses:
        return 0
    result = db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.to.in_(addresses))
        .where(sa.or_(OutboxMessage.sent_at.is_not(None), OutboxMessage.failed_at.is_not(None)))
        .values(**_BLANK)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


def blank_old_messages(before, dry_run: bool = False) -> int:
    """Blank sent or failed outbox rows older than `before` (the recipient, subject and body
    are personal data; the rows stay for the mail-health figures). Returns how many."""
    old = sa.and_(
        OutboxMessage.to != "",
        sa.or_(OutboxMessage.sent_at < before, OutboxMessage.failed_at < before),
    )
    if dry_run:
        return db.session.execute(
            sa.select(sa.func.count()).select_from(OutboxMessage).where(old)
        ).scalar_one()
    result = db.session.execute(
        sa.update(OutboxMessage)
        .where(old)
        .values(**_BLANK)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


def blank_messages(condition, settle: bool = False) -> int:
    """Blank the outbox rows matching `condition` (a shred); with `settle`, unsent ones are
    marked failed so no worker tries them. Returns how many."""
    values = dict(_BLANK)
    if settle:
        failed = sa.case((OutboxMessage.sent_at.is_(None), utcnow()), else_=OutboxMessage.failed_at)
        values["failed_at"] = sa.func.coalesce(OutboxMessage.failed_at, failed)
    return db.session.execute(
        sa.update(OutboxMessage)
        .where(condition, sa.or_(OutboxMessage.to != "", OutboxMessage.context.is_not(None)))
        .values(**values)
        .execution_options(synchronize_session=False)
    ).rowcount
