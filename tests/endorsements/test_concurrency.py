"""Races on PostgreSQL: two moderators approving rival endorsements of one organization at
once end with one approved and the count at one; the unique constraint decides, and the
loser gets the same clear refusal as when it comes second."""

from __future__ import annotations

import os
import threading

import pytest

from campaign.core.extensions import db as _db
from campaign.endorsements import services
from campaign.endorsements.models import Endorsement
from tests.endorsements.helpers import endorse, link, mails

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
        reason="needs PostgreSQL (TEST_DATABASE_URL) for real concurrency; SQLite serializes",
    ),
]


def _approve_at_once(app, endorsement_ids: list[int]) -> list:
    """Each endorsement approved in its own thread and transaction, released together;
    returns, per endorsement, "approved" or the refusal's message."""
    barrier = threading.Barrier(len(endorsement_ids))
    results: list = [None] * len(endorsement_ids)

    def run(i: int, endorsement_id: int):
        with app.test_request_context():  # messages are translated for a request
            try:
                endorsement = _db.session.get(Endorsement, endorsement_id)
                barrier.wait(timeout=30)
                services.approve_endorsement(None, endorsement)
                _db.session.commit()
                results[i] = "approved"
            except services.InvalidInput as exc:
                _db.session.rollback()
                results[i] = exc.message
            except BaseException as exc:  # reported below, in the test's thread
                results[i] = exc
            finally:
                _db.session.remove()

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(endorsement_ids)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    for result in results:
        if isinstance(result, BaseException):
            raise result
    return results


def test_two_rivals_approved_at_once_leave_one_approved(app, client, db, smtp, demo_appeal):
    for n, email in enumerate(("aida@kloop.kg", "bakyt@gmail.com"), start=1):
        assert endorse(client, demo_appeal.slug, contact_email=email).status_code == 302
        assert client.post(link(mails(smtp, n)[-1], "confirm")).status_code == 200
    ids = [e.id for e in Endorsement.query.order_by(Endorsement.id)]
    db.session.commit()

    results = _approve_at_once(app, ids)

    assert results.count("approved") == 1
    [refusal] = [r for r in results if r != "approved"]
    assert "already has an approved endorsement" in refusal
    db.session.expire_all()
    assert sorted(e.state for e in Endorsement.query) == ["approved", "submitted"]
    db.session.refresh(demo_appeal)
    assert demo_appeal.endorsement_count == 1
