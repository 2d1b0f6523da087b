"""Honeypot, rate limit and blocklists: the same answer and mail, stored flagged, never counted."""

from __future__ import annotations

import pytest

from campaign.signatures.counting import signature_count
from campaign.signatures.models import BlockedEmailDomain, BlockedNetwork
from tests.signatures.helpers import by_email, deliver, links, page, sign


@pytest.fixture
def app_config(app_config):
    # Memory storage: a fresh window per test, also when TEST_REDIS_URL points at Redis.
    return {
        **app_config,
        "RATELIMIT_ENABLED": True,
        "SIGN_RATE_LIMIT": "3/minute",
        "RATELIMIT_STORAGE_URI": "answerable-memory://",
    }


def _answer(client, response):
    return response.status_code, page(client.get(response.headers["Location"]))


def _confirm_all(client, smtp, n):
    for message in deliver(smtp, n):
        client.post(links(message)["confirm"])


def _row(db, email):
    return by_email(db, email)


def test_honeypot_is_flagged_same_answer_never_counted(client, db, smtp, make_appeal):
    appeal = make_appeal()
    honest = _answer(client, sign(client, appeal, email="honest@example.org"))
    bot = _answer(client, sign(client, appeal, email="bot@example.org", website="http://x"))
    assert honest == bot
    _confirm_all(client, smtp, 2)
    db.session.expire_all()
    assert _row(db, "bot@example.org").flagged == "honeypot"
    assert _row(db, "bot@example.org").state == "confirmed"
    assert _row(db, "honest@example.org").flagged is None
    assert signature_count(appeal.id) == 1
    html = client.get(f"/appeals/{appeal.slug}").get_data(as_text=True)
    assert html.count('class="signer-name"') == 1


def test_over_the_rate_limit_is_flagged(client, db, smtp, make_appeal):
    appeal = make_appeal()
    answers = {_answer(client, sign(client, appeal, email=f"p{i}@example.org")) for i in range(5)}
    assert len(answers) == 1
    flags = [_row(db, f"p{i}@example.org").flagged for i in range(5)]
    assert flags == [None, None, None, "rate-limit", "rate-limit"]
    _confirm_all(client, smtp, 5)
    assert signature_count(appeal.id) == 3


def test_blocked_network_and_email_domain_are_flagged(client, db, smtp, make_appeal):
    appeal = make_appeal()
    db.session.add(BlockedEmailDomain(domain="spam.example", reason="test"))
    db.session.commit()
    sign(client, appeal, email="x@mail.spam.example")
    db.session.add(BlockedNetwork(cidr="127.0.0.0/8", reason="test"))
    db.session.commit()
    sign(client, appeal, email="y@example.org")
    _confirm_all(client, smtp, 2)
    assert _row(db, "x@mail.spam.example").flagged == "blocked-email-domain"
    assert _row(db, "y@example.org").flagged == "blocked-network"
    assert signature_count(appeal.id) == 0
