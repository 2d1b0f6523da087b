"""Building inbound messages and sending them to the receiver over real SMTP."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

import sqlalchemy as sa

from campaign.core.extensions import db
from campaign.inbox.models import Correspondence

OFFICIAL = "press.office@mvd.gov.kg"


def reply(to: str, subject: str = "Re: Appeal", body: str = "We received your appeal.",
          **headers) -> EmailMessage:  # fmt: skip
    message = EmailMessage()
    message["From"] = f"Press Office <{OFFICIAL}>"
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = headers.pop("Date", "Mon, 07 Dec 2026 09:30:00 +0600")
    message["Message-ID"] = headers.pop("message_id", "<reply-1@mvd.gov.kg>")
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    return message


def send(server: tuple[str, int], message, recipients: list[str]) -> None:
    raw = message if isinstance(message, bytes) else message.as_bytes()
    with smtplib.SMTP(*server, timeout=30) as client:
        client.sendmail(OFFICIAL, recipients, raw)


def stored() -> list[Correspondence]:
    db.session.rollback()
    return list(db.session.scalars(sa.select(Correspondence).order_by(Correspondence.id)))
