"""Races on PostgreSQL: the unique index stops duplicates under parallel signing, and the
sharded counters stay exact under parallel confirmations."""

from __future__ import annotations

import os
import threading

import pytest
import sqlalchemy as sa

from campaign.core.extensions import db as _db
from campaign.core.security import make_token
from campaign.mail.models import OutboxMessage
from campaign.optin.mail import MAX_CONFIRMATION_MAILS
from campaign.signatures.counting import signature_count, verify_counts
from campaign.signatures.models import Signature
from campaign.signatures.services import email_key
from tests.signatures.helpers import form

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
        reason="needs PostgreSQL (TEST_DATABASE_URL) for real concurrency; SQLite serializes",
    ),
]


@pytest.fixture
def app_config(app_config):
    return {**app_config, "SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": 12, "max_overflow": 12}}


def _in_parallel(app, calls) -> list:
    """Run each call(client) in its own thread with its own app context and test client,
    all released at once; returns the results (exceptions re-raised)."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(i, call):
        with app.app_context():
            client = app.test_client()
            try:
                barrier.wait(timeout=30)
                results[i] = call(client)
            except BaseException as exc:  # reported below, in the test's thread
                results[i] = exc
            finally:
                _db.session.remove()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    for result in results:
        if isinstance(result, BaseException):
            raise result
    return results


def test_parallel_signing_with_one_email_makes_one_row(app, db, make_appeal):
    appeal = make_appeal()
    url = f"/appeals/{appeal.slug}/sign"
    variants = [
        "aida.b@gmail.com",
        "AIDA.B@gmail.com",
        "aidab+x@googlemail.com",
        "a.idab@gmail.com",
    ]
    emails = [variants[i % 4] for i in range(24)]
    calls = [(lambda c, e=e: c.post(url, data=form(email=e)).status_code) for e in emails]
    statuses = _in_parallel(app, calls)
    assert statuses == [303] * 24
    rows = db.session.execute(sa.select(Signature)).scalars().all()
    assert len(rows) == 1
    assert rows[0].email_key == email_key(appeal.id, "aidab@gmail.com")
    assert rows[0].mails_sent == MAX_CONFIRMATION_MAILS
    mails = db.session.execute(sa.select(sa.func.count()).select_from(OutboxMessage)).scalar()
    assert mails == MAX_CONFIRMATION_MAILS


def test_parallel_confirmations_make_an_exact_count(app, db, make_appeal):
    appeal = make_appeal()
    rows = [
        Signature(
            appeal_id=appeal.id,
            name=f"Person {i}",
            email=f"p{i}@example.org",
            email_key=f"p{i}@example.org",
            country="KG",
            state="pending",
        )
        for i in range(100)
    ]
    db.session.add_all(rows)
    db.session.commit()
    tokens = [make_token("signature-confirm", row.id) for row in rows]
    # Every signature confirmed once, and the first 20 a second time at the same moment.
    targets = tokens + tokens[:20]
    calls = [(lambda c, t=t: c.post(f"/confirm/{t}").status_code) for t in targets]
    assert set(_in_parallel(app, calls)) == {303}
    assert signature_count(appeal.id) == 100
    assert verify_counts() == []
    confirmed = db.session.execute(
        sa.select(sa.func.count()).where(Signature.state == "confirmed")
    ).scalar()
    assert confirmed == 100
