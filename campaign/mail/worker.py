"""Sending the outbox: claim due messages, send them over one SMTP connection, record the
outcome. Temporary failures retry with backoff; permanent ones (a 5xx for the recipient) stop.

Safe with several workers: on PostgreSQL rows are claimed with FOR UPDATE SKIP LOCKED, on
SQLite inside an IMMEDIATE transaction; a claim expires, so a crashed worker's messages are
picked up again. Each message is marked sent in its own commit right after SMTP accepts it,
so a crash can repeat at most the one message in flight."""

from __future__ import annotations

import datetime as dt
import json
import logging
import smtplib
import sys
import time

import sqlalchemy as sa
from flask import current_app
from flask_mail import Mail, Message

from campaign.database import utcnow
from campaign.extensions import db
from campaign.mail.models import OutboxMessage
from campaign.mail.services import render_waiting

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 10
CLAIM_FOR = dt.timedelta(minutes=5)

#: Flask-Mail (with smtplib and the email package) is bound here, by the processes that send,
#: not by create_app(): web workers only write outbox rows and never load it.
mail = Mail()


def _smtp():
    """Flask-Mail's connection for the current app, bound on first use from its config."""
    if "mail" not in current_app.extensions:
        mail.init_app(current_app)
    return mail.connect()


def backoff(attempts: int) -> dt.timedelta:
    """30 s, 1 min, 2 min, ... capped at one hour."""
    return dt.timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 3600))


def claim_due(limit: int) -> list[int]:
    now = utcnow()
    query = (
        sa.select(OutboxMessage.id)
        .where(OutboxMessage.sent_at.is_(None))
        .where(OutboxMessage.failed_at.is_(None))
        .where(OutboxMessage.next_attempt_at <= now)
        .where(sa.or_(OutboxMessage.locked_until.is_(None), OutboxMessage.locked_until < now))
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit)
    )
    if db.session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    ids = list(db.session.execute(query).scalars())
    if ids:
        db.session.execute(
            sa.update(OutboxMessage)
            .where(OutboxMessage.id.in_(ids))
            .values(locked_until=now + CLAIM_FOR)
        )
    db.session.commit()
    return ids


def _as_mail(message: OutboxMessage) -> Message:
    return Message(
        subject=message.subject,
        recipients=[message.to],
        body=message.text,
        html=message.html,
        sender=current_app.config["MAIL_DEFAULT_SENDER"],
        extra_headers=json.loads(message.headers) if message.headers else None,
    )


def _is_permanent(exc: Exception) -> bool:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code >= 500 and not isinstance(exc, smtplib.SMTPServerDisconnected)
    return False


def _record_failure(message: OutboxMessage, exc: Exception) -> None:
    message.attempts += 1
    message.last_error = f"{type(exc).__name__}: {exc}"[:1000]
    message.locked_until = None
    if _is_permanent(exc) or message.attempts >= MAX_ATTEMPTS:
        message.failed_at = utcnow()
    else:
        message.next_attempt_at = utcnow() + backoff(message.attempts)


def _print(message: OutboxMessage) -> None:
    """No MAIL_SERVER: the embedded default prints mail to the console."""
    out = sys.stdout
    out.write(f"\n----- mail to {message.to}: {message.subject}\n{message.text}\n-----\n")
    out.flush()


def send_due(limit: int = 200) -> tuple[int, int]:
    """Send what is due, up to `limit` messages. Returns (sent, failed_attempts)."""
    ids = claim_due(limit)
    if not ids:
        return 0, 0
    if not current_app.config.get("MAIL_SERVER"):
        return _deliver(ids, None), 0
    progress = {"sent": 0}
    try:
        with _smtp() as connection:
            sent = _deliver(ids, connection, progress)
    except (OSError, smtplib.SMTPException) as exc:
        # SMTP unreachable (or the connection broke): every claimed, unsent message waits;
        # those sent before the break are committed already and count as sent.
        log.warning("SMTP unavailable: %s", type(exc).__name__)
        failed = _release(ids, exc)
        return progress["sent"], failed
    return sent, len(ids) - sent


def _deliver(ids: list[int], connection, progress: dict | None = None) -> int:
    sent = 0
    progress = progress if progress is not None else {}
    for message_id in ids:
        message = db.session.get(OutboxMessage, message_id)
        if message is None or message.sent_at is not None:
            continue
        if not _render(message):
            continue
        try:
            if connection is None:
                _print(message)
            else:
                connection.send(_as_mail(message))
        except (TimeoutError, smtplib.SMTPServerDisconnected, ConnectionError):
            db.session.rollback()
            raise
        except smtplib.SMTPException as exc:
            _record_failure(message, exc)
            db.session.commit()
            continue
        message.sent_at = utcnow()
        message.attempts += 1
        message.locked_until = None
        db.session.commit()
        sent += 1
        progress["sent"] = sent
    return sent


def _render(message: OutboxMessage) -> bool:
    """Render a message written by enqueue_later(). A message that cannot be rendered (a
    template removed by an upgrade, say) will never render: it fails now, visibly, instead of
    blocking the queue."""
    try:
        render_waiting(message)
    except Exception as exc:  # any template error fails this one message
        log.exception("could not render outbox message %s", message.id)
        message.attempts += 1
        message.last_error = f"render: {type(exc).__name__}: {exc}"[:1000]
        message.locked_until = None
        message.failed_at = utcnow()
        db.session.commit()
        return False
    return True


def _release(ids: list[int], exc: Exception) -> int:
    db.session.rollback()
    messages = db.session.execute(
        sa.select(OutboxMessage)
        .where(OutboxMessage.id.in_(ids))
        .where(OutboxMessage.sent_at.is_(None))
    ).scalars()
    count = 0
    for message in messages:
        _record_failure(message, exc)
        count += 1
    db.session.commit()
    return count


def drain(max_rounds: int = 1000) -> int:
    """Send everything due now (used by `outbox work --once` and tests)."""
    total = 0
    for _ in range(max_rounds):
        sent, failed = send_due()
        total += sent
        if sent == 0 and failed == 0:
            break
        if sent == 0:
            break  # SMTP is down; the rest waits for its backoff
    return total


def work_forever(poll_seconds: float = 1.0, when_idle=None) -> None:
    """Poll and send forever. `when_idle()` runs whenever nothing was sent (the CLI passes the
    mailshot expansion, so one worker process does all mail work)."""
    log.info("outbox worker started")
    while True:
        sent, _failed = send_due()
        if sent == 0:
            if when_idle is not None:
                when_idle()
            db.session.remove()
            time.sleep(poll_seconds)
