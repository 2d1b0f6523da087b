"""Races on PostgreSQL: two moderators approving rival endorsements of one organization at
once end with one approved and the count at one; the unique constraint decides, and the
loser gets the same clear refusal as when it comes second."""

from __future__ import annotations

import os
import threading

import pytest
import sqlalchemy as sa

from campaign.core.extensions import db as _db
from campaign.endorsements import services
from campaign.endorsements.models import Endorsement
from campaign.mail.models import OutboxMessage
from campaign.optin.mail import MAX_CONFIRMATION_MAILS
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


def test_the_same_submission_at_once_gets_at_most_the_capped_mails(app, db, demo_appeal):
    """A second click, many times at once: each finds the same pending row, and the cap on its
    confirmation mails holds (one atomic UPDATE claims each mail)."""
    assert endorse(app.test_client(), demo_appeal.slug).status_code == 302
    barrier = threading.Barrier(12)
    statuses: list = [None] * 12

    def run(i: int):
        with app.app_context():
            try:
                client = app.test_client()
                barrier.wait(timeout=30)
                statuses[i] = endorse(client, demo_appeal.slug).status_code
            except BaseException as exc:  # reported below, in the test's thread
                statuses[i] = exc
            finally:
                _db.session.remove()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert statuses == [302] * 12
    db.session.expire_all()
    [endorsement] = Endorsement.query.all()
    assert endorsement.mails_sent == MAX_CONFIRMATION_MAILS
    mails = db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage))
    assert mails == MAX_CONFIRMATION_MAILS
