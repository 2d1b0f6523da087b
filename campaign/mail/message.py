"""An outbox row as the email that leaves: headers, body, envelope. Only the worker loads this.

Internationalized addresses are accepted where people type them (signing, endorsing:
campaign.optin.addresses.normalize_address uses email-validator, which allows them) and sent
here as follows:

- a domain with non-ASCII letters (`joran@exämple.org`) goes out in its IDNA form
  (`joran@xn--exmple-cua.org`), which every server takes;
- a non-ASCII local part (`jöran@example.org`) goes out with SMTPUTF8 (RFC 6531) when the
  server advertises it; when it does not, that one message fails permanently with
  NeedsSMTPUTF8 as its last_error, and the others go on.

The headers are built with the standard email package, not Flask-Mail's Message (whose
formataddr raises on a non-ASCII local part, and whose header check raises on a carriage
return): every value built from data goes through headers.one_line() first."""

from __future__ import annotations

import datetime as dt
import email.policy
import json
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr

from email_validator import EmailNotValidError, validate_email

from campaign.mail.headers import one_line
from campaign.mail.models import OutboxMessage

#: CRLF line ends; non-ASCII bodies in base64 or quoted-printable, so they need no 8BITMIME.
POLICY = email.policy.SMTP.clone(cte_type="7bit")


class UndeliverableAddress(ValueError):
    """The recipient is not one address that SMTP can carry: a permanent failure."""


class NeedsSMTPUTF8(smtplib.SMTPNotSupportedError):
    """The recipient's local part is not ASCII and the server does not offer SMTPUTF8."""

    def __init__(self) -> None:
        super().__init__(
            "the address has non-ASCII characters before the @ and the mail server does not "
            "offer SMTPUTF8, so it cannot carry it"
        )


@dataclass(frozen=True)
class Sender:
    header: str  #: the From header, as configured (MAIL_DEFAULT_SENDER)
    address: str  #: the envelope sender (MAIL FROM)
    domain: str  #: for Message-IDs: the sender's, never this machine's name


@dataclass(frozen=True)
class Outgoing:
    email: EmailMessage
    recipient: str
    #: MAIL FROM when not the sender's (a delivery's bounce address); None: the sender's.
    envelope_from: str | None = None


def sender_from(configured: str) -> Sender:
    header = one_line(configured)
    address = parseaddr(header)[1] or header
    local, _, domain = address.rpartition("@")
    ascii_domain = domain.encode("idna").decode("ascii") if not domain.isascii() else domain
    return Sender(header, f"{local}@{ascii_domain}" if local else address, ascii_domain)


def recipient(address: str) -> str:
    """The address as SMTP gets it: exactly one address (never a list, a display name or
    a second header), its domain in IDNA form. Syntax only, and never stricter than the
    checks at signing: the domain may be a test or private one."""
    try:
        valid = validate_email(
            address,
            check_deliverability=False,
            test_environment=True,
            globally_deliverable=False,
        )
    except EmailNotValidError as exc:
        raise UndeliverableAddress(str(exc)) from None
    return valid.ascii_email or f"{valid.local_part}@{valid.ascii_domain}"


def compose(message: OutboxMessage, sender: Sender) -> Outgoing:
    """The email for one outbox row. Raises (ValueError and kin) when the row can never make
    one; the worker then fails that message alone."""
    to = recipient(message.to)
    mail = EmailMessage(policy=POLICY)
    mail["Subject"] = one_line(message.subject)
    mail["From"] = sender.header
    mail["To"] = to
    mail["Date"] = format_datetime(dt.datetime.now(dt.UTC))
    extra = json.loads(message.headers) if message.headers else {}
    # A Message-ID among the stored headers is the one the row was given (a delivery keeps
    # its own, to match replies): it replaces the generated one, never doubles it.
    mail["Message-ID"] = one_line(str(extra.pop("Message-ID", ""))) or make_msgid(
        domain=sender.domain
    )
    for name, value in extra.items():
        mail[one_line(str(name))] = one_line(str(value))
    mail.set_content(message.text)
    if message.html:
        mail.add_alternative(message.html, subtype="html")
    envelope_from = recipient(message.envelope_from) if message.envelope_from else None
    return Outgoing(mail, to, envelope_from)


def send(connection: smtplib.SMTP, outgoing: Outgoing, sender: Sender) -> None:
    """Hand one email to the server. smtplib asks for SMTPUTF8 when an address needs it."""
    try:
        connection.send_message(
            outgoing.email,
            from_addr=outgoing.envelope_from or sender.address,
            to_addrs=[outgoing.recipient],
        )
    except smtplib.SMTPNotSupportedError as exc:
        raise NeedsSMTPUTF8() from exc
