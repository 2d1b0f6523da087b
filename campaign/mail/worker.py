"""Sending the outbox: claim due messages, send them over one SMTP connection, record the
outcome. Temporary failures retry with backoff; permanent ones (a 5xx for the recipient, an
address or a row that can never make an email) stop.

One message is only ever its own problem: whatever rendering, composing or sending it raises
is recorded on that message (attempts, last_error, failed_at when it can never go) in its own
commit, and the batch goes on with the next. Only a broken connection (SMTP down,
disconnected, timed out) stops a batch: its unsent messages wait for their backoff, as in an
outage. Anything else that ends a batch early (a stop, a crash, a database error) gives its
claims back at once, so nothing waits for a claim to expire.

Safe with several workers: on PostgreSQL rows are claimed with FOR UPDATE SKIP LOCKED, on
SQLite inside an IMMEDIATE transaction; a claim expires, so the messages of a worker killed
outright are picked up again. Each message is marked sent in its own commit right after SMTP
accepts it, so a crash can repeat at most the one message in flight."""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import smtplib
import sys
from dataclasses import dataclass
from typing import NamedTuple

import flask_mail
import sqlalchemy as sa
from flask import current_app

from campaign.core.database import utcnow
from campaign.core.extensions import db
from campaign.mail import shutdown
from campaign.mail.message import Outgoing, Sender, compose, send, sender_from
from campaign.mail.models import OutboxMessage
from campaign.mail.services import blank_sealed, opened, render_waiting

log = logging.getLogger(__name__)

#: Flask-Mail holds the SMTP settings and opens the connection. It is bound here, by the
#: processes that send, not by create_app(): web workers only write outbox rows.
_mail = flask_mail.Mail()

MAX_ATTEMPTS = 10
CLAIM_FOR = dt.timedelta(minutes=5)


class Batch(NamedTuple):
    claimed: int
    sent: int
    smtp_down: bool = False


@dataclass(frozen=True)
class Claim:
    ids: list[int]
    #: The claim's stamp: only rows still carrying it are this batch's to give back.
    until: dt.datetime


def backoff(attempts: int) -> dt.timedelta:
    """30 s, 1 min, 2 min, ... capped at one hour."""
    return dt.timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 3600))


def claim_due(limit: int) -> Claim:
    now = utcnow()
    until = now + CLAIM_FOR
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
            sa.update(OutboxMessage).where(OutboxMessage.id.in_(ids)).values(locked_until=until)
        )
    db.session.commit()
    return Claim(ids, until)


class _Connection(flask_mail.Connection):
    """Flask-Mail's SMTP connection (MAIL_SERVER, MAIL_PORT, MAIL_USE_SSL/TLS, MAIL_USERNAME,
    MAIL_PASSWORD, MAIL_SUPPRESS_SEND), with MAIL_TIMEOUT on connecting and on every wait:
    Flask-Mail 0.10 opens its socket without one, so a stuck server would hang the worker.
    Messages are built by campaign.mail.message, not Flask-Mail's Message (see there)."""

    def configure_host(self) -> smtplib.SMTP:
        state, timeout = self.mail, current_app.config["MAIL_TIMEOUT"]
        factory = smtplib.SMTP_SSL if state.use_ssl else smtplib.SMTP
        host = factory(state.server, state.port, timeout=timeout)
        try:
            if state.use_tls:
                host.starttls()
            if state.username and state.password:
                host.login(state.username, state.password)
        except BaseException:
            host.close()
            raise
        return host


def _connect() -> smtplib.SMTP | None:
    """An open SMTP connection (None when MAIL_SUPPRESS_SEND says to send nothing)."""
    if "mail" not in current_app.extensions:
        _mail.init_app(current_app)
    return _Connection(current_app.extensions["mail"]).__enter__().host


def send_due(limit: int = 200) -> Batch:
    """Send what is due, up to `limit` messages."""
    claim = claim_due(limit)
    if not claim.ids:
        return Batch(0, 0)
    try:
        return _send_batch(claim)
    except BaseException:
        _unclaim(claim)
        raise


def _send_batch(claim: Claim) -> Batch:
    sender = sender_from(current_app.config["MAIL_DEFAULT_SENDER"])
    sent: list[int] = []
    try:
        connection = _connect() if current_app.config.get("MAIL_SERVER") else None
        if connection is None:  # no MAIL_SERVER (or MAIL_SUPPRESS_SEND): printed
            _deliver(claim, None, sender, sent)
            return Batch(len(claim.ids), len(sent))
        try:
            _deliver(claim, connection, sender, sent)
        except BaseException:
            connection.close()  # no polite QUIT: the server may be what is stuck
            raise
        with contextlib.suppress(OSError):  # the mail went; a failing QUIT changes nothing
            connection.quit()
    except OSError as exc:  # smtplib.SMTPException included: connecting or logging in failed
        # SMTP unreachable (or the connection broke): every claimed, unsent message waits;
        # those sent before the break are committed already and count as sent.
        log.warning("SMTP unavailable: %s", type(exc).__name__)
        _release(claim, exc)
        return Batch(len(claim.ids), len(sent), smtp_down=True)
    return Batch(len(claim.ids), len(sent))


def _deliver(claim: Claim, connection, sender: Sender, sent: list[int]) -> None:
    for position, message_id in enumerate(claim.ids):
        if shutdown.requested():
            _unclaim(Claim(claim.ids[position:], claim.until))
            return
        if _deliver_one(message_id, connection, sender):
            sent.append(message_id)


def _deliver_one(message_id: int, connection, sender: Sender) -> bool:
    """Render, compose and send one message, and record what happened in its own commit.
    True if it went. Raises only for a broken connection (the batch's problem)."""
    message = db.session.get(OutboxMessage, message_id)
    if message is None or message.sent_at is not None or message.failed_at is not None:
        return False
    view = opened(message)  # a sealed message's opened copy; the row stays sealed
    if view is None:
        return _settle(message, AppealShredded(), stage="open", permanent=True)
    hide = view.to if view is not message else None  # a sealed address stays out of errors
    try:
        render_waiting(view)
    except Exception as exc:  # noqa: BLE001 - a template removed by an upgrade, say: never renders
        return _settle(message, exc, stage="render", permanent=True, hide=hide)
    try:
        outgoing = compose(view, sender)
    except Exception as exc:  # noqa: BLE001 - the row's own data (address, headers): never sendable
        return _settle(message, exc, stage="compose", permanent=True, hide=hide)
    try:
        if connection is None:
            _print(outgoing)
        else:
            send(connection, outgoing, sender)
    except Exception as exc:
        if _breaks_connection(exc):
            db.session.rollback()
            raise
        return _settle(message, exc, permanent=_is_permanent(exc), hide=hide)
    blank_sealed(message)
    return _settle(message)


class AppealShredded(Exception):
    """The appeal's data key was destroyed: its signers' mail can no longer be opened."""

    def __str__(self) -> str:
        return "the appeal's data were shredded; this mail can no longer be sent"


def _breaks_connection(exc: Exception) -> bool:
    """The server gone, the socket broken or timed out: the batch's problem, not the
    message's. (Every SMTPException is an OSError too; those are answers about a message.)"""
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return True
    return isinstance(exc, OSError) and not isinstance(exc, smtplib.SMTPException)


def _is_permanent(exc: Exception) -> bool:
    """Will sending this message again fail the same way? SMTP says so with a 5xx (or by not
    offering SMTPUTF8); an error that is not SMTP's at all comes from the message's own data."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code >= 500
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return True
    return not isinstance(exc, smtplib.SMTPException)


def _describe(exc: BaseException, stage: str | None = None) -> str:
    text = f"{stage + ': ' if stage else ''}{type(exc).__name__}: {exc}"
    return text.replace("\x00", "")[:1000]  # PostgreSQL text holds no NUL


def _outcome(
    message: OutboxMessage, exc: BaseException | None, stage: str | None, permanent: bool
) -> dict:
    now = utcnow()
    values = {"attempts": message.attempts + 1, "locked_until": None}
    if exc is None:
        return {**values, "sent_at": now}
    values["last_error"] = _describe(exc, stage)
    if permanent or values["attempts"] >= MAX_ATTEMPTS:
        return {**values, "failed_at": now}
    return {**values, "next_attempt_at": now + backoff(values["attempts"])}


def _settle(
    message: OutboxMessage,
    exc: Exception | None = None,
    *,
    stage: str | None = None,
    permanent: bool = False,
    hide: str | None = None,
) -> bool:
    """Record one message's outcome in its own commit; True if it was sent. `hide`: a
    sealed recipient, kept out of the stored error."""
    if exc is not None:
        log.warning("outbox message %s failed: %s", message.id, type(exc).__name__)
    message_id = message.id
    values = _outcome(message, exc, stage, permanent)
    if hide and values.get("last_error"):
        values["last_error"] = values["last_error"].replace(hide, "<recipient>")
    for name, value in values.items():
        setattr(message, name, value)
    try:
        _after_settle(message)
        db.session.commit()
    except sa.exc.SQLAlchemyError as refused:
        # The database refused what rendering produced (a NUL, say): record the outcome
        # without it, so the message is settled and never claimed again as if unsent.
        db.session.rollback()
        note = f"not stored: {type(refused).__name__}"
        values["last_error"] = "; ".join(filter(None, [values.get("last_error"), note]))
        db.session.execute(
            sa.update(OutboxMessage).where(OutboxMessage.id == message_id).values(**values)
        )
        _after_settle(db.session.get(OutboxMessage, message_id))
        db.session.commit()
    return exc is None


#: Outbox kinds whose outcome another area records, in the same commit as the outcome.
_SETTLE_KINDS = ("delivery",)


def _after_settle(message: OutboxMessage | None) -> None:
    """A delivery's email sent or failed moves its Delivery (campaign.deliveries)."""
    if message is None or message.kind not in _SETTLE_KINDS:
        return
    from campaign.deliveries.services import record_outbox_outcome  # only deliveries' mail

    try:
        with db.session.begin_nested():  # its failure never undoes the message's outcome
            record_outbox_outcome(message)
    except Exception:
        log.exception("outbox message %s: could not record its delivery", message.id)


def _print(outgoing: Outgoing) -> None:
    """No MAIL_SERVER: the embedded default prints mail to the console."""
    mail = outgoing.email
    text = mail.get_body(("plain",)).get_content()
    out = sys.stdout
    out.write(f"\n----- mail to {outgoing.recipient}: {mail['Subject']}\n{text}\n-----\n")
    out.flush()


def _release(claim: Claim, exc: Exception) -> None:
    """The connection broke: each message the batch still holds counts an attempt and waits
    for its backoff."""
    db.session.rollback()
    messages = db.session.execute(
        sa.select(OutboxMessage)
        .where(OutboxMessage.id.in_(claim.ids))
        .where(OutboxMessage.locked_until == claim.until)
    ).scalars()
    for message in messages:
        for name, value in _outcome(message, exc, None, permanent=False).items():
            setattr(message, name, value)
    db.session.commit()


def _unclaim(claim: Claim) -> None:
    """Give back, at once and without counting an attempt, the messages the batch still
    holds (a stop, a crash): another round or worker takes them now, not in CLAIM_FOR."""
    try:
        db.session.rollback()
        db.session.execute(
            sa.update(OutboxMessage)
            .where(OutboxMessage.id.in_(claim.ids))
            .where(OutboxMessage.locked_until == claim.until)
            .values(locked_until=None)
            .execution_options(synchronize_session=False)
        )
        db.session.commit()
    except Exception:  # the database itself is gone: the claims expire on their own
        log.exception("could not give back %s claimed outbox messages", len(claim.ids))


def drain(max_rounds: int = 1000) -> int:
    """Send everything due now (`outbox work --once`, the RQ job, tests); returns how many
    went. Stops early when SMTP is down (the rest waits for its backoff) or on a stop."""
    total = 0
    for _ in range(max_rounds):
        if shutdown.requested():
            break
        batch = send_due()
        total += batch.sent
        if batch.claimed == 0 or batch.smtp_down:
            break
    return total
