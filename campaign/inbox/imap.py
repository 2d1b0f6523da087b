"""`flask inbox fetch`: read new messages from an IMAP mailbox (organizations on hosted mail).

Each unseen message is stored and committed, then marked seen; a message that fails to be
stored stays unseen for the next run, and one stored twice (marking failed) is recognized by
its Message-ID. A message over the size limit is not downloaded: it is flagged and marked
seen in the mailbox, for a human to read there."""

from __future__ import annotations

import contextlib
import imaplib
import ipaddress
import logging
import re
import ssl
from dataclasses import dataclass

from flask import current_app

from campaign.core.extensions import db
from campaign.inbox.services import MessageTooLarge, max_message_bytes, receive_message

log = logging.getLogger(__name__)
TLS_MODES = ("ssl", "starttls", "none")
TIMEOUT = 30


class ImapError(RuntimeError):
    """The mailbox cannot be read: settings, connection or credentials (said plainly)."""


@dataclass
class FetchResult:
    stored: int = 0
    duplicates: int = 0
    too_large: int = 0
    failed: int = 0


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def connect(timeout: float = TIMEOUT) -> imaplib.IMAP4:
    config = current_app.config
    host, port, mode = config.get("IMAP_HOST"), int(config["IMAP_PORT"]), config["IMAP_TLS"]
    if not host or not config.get("IMAP_USER") or config.get("IMAP_PASSWORD") is None:
        raise ImapError("Set IMAP_HOST, IMAP_USER and IMAP_PASSWORD to fetch mail.")
    if mode not in TLS_MODES:
        raise ImapError(f"IMAP_TLS is {mode!r}; use one of {', '.join(TLS_MODES)}.")
    if mode == "none" and not _is_loopback(host):
        raise ImapError("IMAP_TLS=none sends the password in clear: only for a loopback host.")
    try:
        if mode == "ssl":
            context = ssl.create_default_context()
            client = imaplib.IMAP4_SSL(host, port, ssl_context=context, timeout=timeout)
        else:
            client = imaplib.IMAP4(host, port, timeout=timeout)
            if mode == "starttls":
                client.starttls(ssl.create_default_context())
    except (OSError, imaplib.IMAP4.error) as exc:
        raise ImapError(f"Cannot reach the IMAP server {host}:{port}: {exc}") from exc
    try:
        client.login(config["IMAP_USER"], config["IMAP_PASSWORD"])
    except imaplib.IMAP4.error as exc:
        _close(client)
        raise ImapError(f"The IMAP server refused the login of {config['IMAP_USER']}.") from exc
    return client


def _close(client: imaplib.IMAP4) -> None:
    with contextlib.suppress(OSError, imaplib.IMAP4.error):
        client.logout()


def fetch_once() -> FetchResult:
    """Store every unseen message of IMAP_FOLDER; ImapError when the mailbox cannot be read."""
    client = connect()
    result = FetchResult()
    try:
        folder = current_app.config["IMAP_FOLDER"]
        status, _ = client.select(_quoted(folder))
        if status != "OK":
            raise ImapError(f"The IMAP folder {folder!r} cannot be opened.")
        status, data = client.uid("SEARCH", None, "UNSEEN")
        if status != "OK":
            raise ImapError("The IMAP server refused to list unseen messages.")
        for uid in (data[0] or b"").split():
            _fetch_one(client, uid, result)
    except (TimeoutError, OSError, imaplib.IMAP4.error) as exc:
        raise ImapError(f"The IMAP connection failed: {exc}") from exc
    finally:
        _close(client)
    return result


def _quoted(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _fetch_one(client: imaplib.IMAP4, uid: bytes, result: FetchResult) -> None:
    status, data = client.uid("FETCH", uid, "(RFC822.SIZE)")
    size = re.search(rb"RFC822\.SIZE (\d+)", data[0] or b"") if status == "OK" and data else None
    if size is not None and int(size[1]) > max_message_bytes():
        client.uid("STORE", uid, "+FLAGS", r"(\Seen \Flagged)")
        result.too_large += 1
        log.warning("inbox: IMAP message %s is over the size limit; flagged, not stored", uid)
        return
    status, data = client.uid("FETCH", uid, "(BODY.PEEK[])")
    raw = next((part[1] for part in data or [] if isinstance(part, tuple)), None)
    if status != "OK" or raw is None:
        result.failed += 1
        return
    try:
        item = receive_message(raw)
        db.session.commit()
    except MessageTooLarge:
        db.session.rollback()
        client.uid("STORE", uid, "+FLAGS", r"(\Seen \Flagged)")
        result.too_large += 1
        return
    except Exception:
        db.session.rollback()
        log.exception("inbox: storing IMAP message %s failed; it stays unseen", uid)
        result.failed += 1
        return
    client.uid("STORE", uid, "+FLAGS", r"(\Seen)")
    if item is None:
        result.duplicates += 1
    else:
        result.stored += 1
