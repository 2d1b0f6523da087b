"""The blocklists are kept in memory for BLOCKLIST_CACHE_SECONDS: a campaigner's change applies
at once in the process that made it; a row written elsewhere shows after the copy expires."""

from __future__ import annotations

import pytest

from campaign.optin.abuse import abuse_reason, blocklists
from campaign.signatures import blocklists as service
from campaign.signatures.models import BlockedEmailDomain


@pytest.fixture
def app_config(app_config):
    return {**app_config, "BLOCKLIST_CACHE_SECONDS": 3600, "RATELIMIT_ENABLED": False}


def test_a_campaigners_change_applies_at_once(db, make_user):
    user = make_user("moderator")
    assert abuse_reason("sign", "203.0.113.9", "a@spam.example", None) is None
    service.add_blocked_network(user, "203.0.113.0/24")
    service.add_blocked_domain(user, "spam.example")
    db.session.commit()
    reason = abuse_reason("sign", "203.0.113.9", "a@mail.spam.example", None)
    assert reason == "blocked-network,blocked-email-domain"
    row = db.session.execute(db.select(BlockedEmailDomain)).scalar_one()
    service.remove_blocked_domain(user, row.id)
    db.session.commit()
    assert abuse_reason("sign", "198.51.100.1", "a@mail.spam.example", None) is None


def test_a_row_written_by_another_process_shows_when_the_copy_expires(app, db):
    assert blocklists().domains == frozenset()
    db.session.add(BlockedEmailDomain(domain="elsewhere.example", reason="other worker"))
    db.session.commit()
    assert blocklists().domains == frozenset()  # this process's copy is still fresh
    app.extensions["blocklists"] = blocklists().__class__((), frozenset(), until=0.0)
    assert blocklists().domains == {"elsewhere.example"}


def test_no_cache_when_the_ttl_is_zero(app, db):
    app.config["BLOCKLIST_CACHE_SECONDS"] = 0
    assert blocklists().domains == frozenset()
    db.session.add(BlockedEmailDomain(domain="now.example", reason="x"))
    db.session.commit()
    assert blocklists().domains == {"now.example"}
