"""Logs carry no email addresses and no raw IP addresses: every record of a real session of
signing, confirming, tripping a rate limit, failing a login and losing SMTP is scanned."""

from __future__ import annotations

import logging
import random
import re
import sys
import urllib.request

import pytest

from campaign.core.logs import mask, mask_record
from campaign.mail.worker import drain
from tests.signatures.helpers import deliver, links, sign

EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
IPV4 = re.compile(r"\b\d{1,3}(?:\.\d{1,3}){3}\b")


@pytest.fixture
def app_config(app_config):
    return {
        **app_config,
        "RATELIMIT_ENABLED": True,
        "LOGIN_RATE_LIMIT": "2/minute",
        "TRUSTED_PROXIES": 1,
    }


def _text(record: logging.LogRecord) -> str:
    """What a handler writes: logging.Formatter uses exc_text when set."""
    return logging.Formatter().format(record)


def test_no_email_or_ip_in_any_log_record(app, client, db, smtp, make_appeal, caplog, live_server):
    caplog.set_level(logging.DEBUG)
    ip = f"203.0.113.{random.randrange(2, 250)}"  # fresh per run: limits may live in Redis
    headers = {"X-Forwarded-For": ip}
    appeal = make_appeal()

    # Sign and confirm.
    client.post(
        f"/appeals/{appeal.slug}/sign",
        data={"name": "Log Marker", "email": "log-marker@example.org", "country": "KG"},
        headers=headers,
    )
    message = deliver(smtp, 1)[0]
    client.post(links(message)["confirm"], headers=headers)
    # Sign again: the "already signed" path.
    sign(client, appeal, email="log-marker@example.org")

    # Failed logins until the rate limit trips.
    statuses = [
        client.post(
            "/admin/login",
            data={"email": "nobody-marker@example.org", "password": "wrong password!"},
            headers=headers,
        ).status_code
        for _ in range(4)
    ]
    assert statuses[-1] == 429

    # SMTP down while mail waits.
    smtp.stop()
    sign(client, appeal, email="smtp-marker@example.org")
    db.session.commit()
    assert drain() == 0

    # A request through the real WSGI server: werkzeug logs the client address.
    with urllib.request.urlopen(f"{live_server}/", timeout=10) as response:  # noqa: S310
        assert response.status == 200

    # Libraries log exceptions too (SQL parameters, SMTP replies carry addresses).
    try:
        raise ValueError("refused recipient log-marker@example.org from 2001:db8::77")
    except ValueError:
        logging.getLogger("campaign.test").exception("failure for %s", "log-marker@example.org")

    texts = [_text(record) for record in caplog.records]
    joined = "\n".join(texts)
    # The session did log the things that carry addresses (so the scan is not vacuous)...
    assert "SMTP unavailable" in joined
    assert re.search(r"ratelimit .* exceeded", joined)
    assert "[ip] - -" in joined  # werkzeug's request line, masked
    assert "[email]" in joined
    # ... and none of it carries an address.
    assert not EMAIL.findall(joined), EMAIL.findall(joined)
    assert not IPV4.findall(joined), IPV4.findall(joined)
    assert ip not in joined and "2001:db8::77" not in joined


def test_mask_keeps_times_and_versions():
    line = '127.0.0.1 - - [28/Nov/2026 04:30:12] "GET /a?v=1.2.3 HTTP/1.1" 200 -'
    assert mask(line) == '[ip] - - [28/Nov/2026 04:30:12] "GET /a?v=1.2.3 HTTP/1.1" 200 -'
    assert mask("from ::ffff:198.51.100.7 and fe80::1") == "from [ip] and [ip]"
    assert mask("to a.b+tag@mail.example.co.uk.") == "to [email]."


def test_mask_record_covers_args_and_exceptions():
    try:
        raise RuntimeError("x@example.org")
    except RuntimeError:
        record = logging.LogRecord(
            "any",
            logging.ERROR,
            __file__,
            1,
            "%s at %s",
            ("y@example.org", "10.0.0.1"),
            sys.exc_info(),
        )
    mask_record(record)
    assert record.getMessage() == "[email] at [ip]"
    assert "x@example.org" not in record.exc_text and "[email]" in record.exc_text
