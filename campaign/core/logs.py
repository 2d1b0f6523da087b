"""Logs carry no email addresses and no raw IP addresses.

A log record factory masks them in every record's message (after %-formatting its args),
exception text and stack text, before any handler sees the record. It is process-wide, so
it covers the app's own loggers, werkzeug's request log (which starts with the client
address), flask-limiter's "rate limit exceeded" lines (keyed by address), gunicorn's access
and error logs in its workers, and libraries' tracebacks (SQL parameters, SMTP replies)."""

from __future__ import annotations

import ipaddress
import logging
import re

from flask import Flask

EMAIL = re.compile(
    r"[^\s@<>\"'(),;:\[\]]+@[^\s@<>\"'(),;:\[\]]+\.[^\s@<>\"'(),;:\[\]]*[^\s@<>\"'(),;:\[\].]"
)
IPV4 = re.compile(r"(?<![\w.])\d{1,3}(?:\.\d{1,3}){3}(?![\w]|\.\d)")
IPV6 = re.compile(
    r"(?<![\w:.])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9A-Fa-f]{1,4})?(?![\w:]|\.\d)"
)
EMAIL_MASK = "[email]"
IP_MASK = "[ip]"


def _ip_or_keep(match: re.Match) -> str:
    text = match.group(0)
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return text  # a time (04:30:12), a version number, ...: not an address
    return IP_MASK


def mask(text: str) -> str:
    """`text` with email addresses and IPv4/IPv6 addresses replaced by placeholders."""
    if "@" in text:
        text = EMAIL.sub(EMAIL_MASK, text)
    if ":" in text:
        text = IPV6.sub(_ip_or_keep, text)
    if "." in text:
        text = IPV4.sub(_ip_or_keep, text)
    return text


def mask_record(record: logging.LogRecord) -> logging.LogRecord:
    try:
        message = record.getMessage()
    except Exception:  # noqa: BLE001 - a broken format is logging's problem, not ours
        message = str(record.msg)
    masked = mask(message)
    if masked != message or record.args:
        record.msg, record.args = masked, ()
    if record.exc_info and record.exc_info[0] is not None and not record.exc_text:
        record.exc_text = mask(logging.Formatter().formatException(record.exc_info))
    if record.stack_info:
        record.stack_info = mask(record.stack_info)
    return record


def install_record_factory() -> None:
    """Wrap the current log record factory once per process."""
    previous = logging.getLogRecordFactory()
    if getattr(previous, "masks_personal_data", False):
        return

    def factory(*args, **kwargs):
        return mask_record(previous(*args, **kwargs))

    factory.masks_personal_data = True
    logging.setLogRecordFactory(factory)


def init_logging(app: Flask) -> None:
    install_record_factory()
