"""`flask inbox serve`: an SMTP receiver (aiosmtpd) for the reply+ and bounce+ addresses.

The organization's mail server forwards REPLY_TO_DOMAIN to it. It accepts a recipient only
when it is one of our addresses (550 otherwise), refuses a message over
INBOX_MAX_MESSAGE_BYTES (552), and stores each message in its own transaction; if storing
fails, it answers 451 so the sending server tries again later and nothing is lost."""

from __future__ import annotations

import asyncio
import logging

from aiosmtpd.controller import Controller
from flask import Flask

from campaign.core.extensions import db
from campaign.inbox.services import MessageTooLarge, is_our_recipient, receive_message

log = logging.getLogger(__name__)


class InboxHandler:
    def __init__(self, app: Flask):
        self.app = app

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        with self.app.app_context():
            ours = is_our_recipient(address)
        if not ours:
            return "550 5.1.1 No such recipient here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or envelope.content or b""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(None, self.store, bytes(raw), list(envelope.rcpt_tos))

    def store(self, raw: bytes, recipients: list[str]) -> str:
        with self.app.app_context():
            try:
                item = receive_message(raw, recipients)
                db.session.commit()
                stored = "a duplicate" if item is None else f"message {item.id}"
            except MessageTooLarge:
                db.session.rollback()
                return "552 5.3.4 Message too big"
            except Exception:
                db.session.rollback()
                log.exception("inbox: storing a message failed")
                return "451 4.3.0 Cannot store the message now; try again later"
            finally:
                db.session.remove()
        log.info("inbox: received %s", stored)
        return "250 2.0.0 Message accepted"


def make_receiver(app: Flask, host: str, port: int) -> Controller:
    """The receiver, not started. data_size_limit makes aiosmtpd answer 552 to a larger
    message before it is all read."""
    return Controller(
        InboxHandler(app),
        hostname=host,
        port=port,
        data_size_limit=int(app.config["INBOX_MAX_MESSAGE_BYTES"]),
        ident="Answerable inbox",
    )
