"""A mail worker that is interrupted, or loses SMTP, half way through a batch neither loses nor
duplicates mail: each message is marked sent in its own commit right after SMTP accepts it,
an interrupted batch gives its claims back at once, and the claims of a worker killed
outright expire (tests/mail/test_shutdown.py)."""

from __future__ import annotations

import collections

import pytest
import sqlalchemy as sa

from campaign.core.database import utcnow
from campaign.mail import worker
from campaign.mail.models import OutboxMessage
from campaign.mail.services import enqueue
from campaign.mail.worker import drain
from tests.conftest import SmtpSink

N = 12
K = 5


class FlakySink(SmtpSink):
    """Accepts `accept` messages, then answers 421 (service closing) to everything."""

    def __init__(self, accept: int):
        super().__init__()
        self.accept = accept

    async def handle_DATA(self, server, session, envelope):
        if len(self.messages) >= self.accept:
            return "421 Service not available, closing transmission channel"
        return await super().handle_DATA(server, session, envelope)


def _enqueue(db, n=N) -> list[str]:
    addresses = [f"person{i}@example.org" for i in range(n)]
    for address in addresses:
        enqueue(address, "test", subject_line="Hello", body="Body")
    db.session.commit()
    return addresses


def _make_due(db) -> None:
    db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.sent_at.is_(None))
        .values(next_attempt_at=utcnow(), locked_until=None)
    )
    db.session.commit()


def _received(sink) -> collections.Counter:
    return collections.Counter(m["To"] for m in sink.messages)


def _all_sent_once(db, sink, addresses) -> None:
    sink.wait_for(len(addresses))
    assert _received(sink) == collections.Counter(addresses)
    db.session.expire_all()
    rows = db.session.execute(sa.select(OutboxMessage)).scalars().all()
    assert len(rows) == len(addresses)
    assert all(row.sent_at is not None and row.failed_at is None for row in rows)


def test_smtp_refusing_mid_batch_then_back(db, smtp):
    port = smtp.port
    smtp.stop()
    flaky = FlakySink(accept=K)
    flaky.start(port)
    try:
        addresses = _enqueue(db)
        assert drain() == K
        db.session.expire_all()
        sent = db.session.execute(
            sa.select(sa.func.count()).where(OutboxMessage.sent_at.is_not(None))
        ).scalar_one()
        assert sent == K and len(flaky.messages) == K
        waiting = (
            db.session.execute(sa.select(OutboxMessage).where(OutboxMessage.sent_at.is_(None)))
            .scalars()
            .all()
        )
        assert len(waiting) == N - K
        assert all(m.failed_at is None and m.attempts >= 1 for m in waiting)  # retried later

        # The server goes away entirely and comes back healthy.
        flaky.stop()
        flaky.accept = 10**6
        flaky.start(port)
        _make_due(db)
        assert drain() == N - K
        _all_sent_once(db, flaky, addresses)
        assert drain() == 0
    finally:
        flaky.stop()


def test_worker_interrupted_mid_batch_gives_its_claims_back(db, smtp, monkeypatch):
    addresses = _enqueue(db)
    real = worker.send
    calls = {"n": 0}

    def interrupted(*args):
        calls["n"] += 1
        if calls["n"] > K:
            raise KeyboardInterrupt  # a second Ctrl+C: the worker stops in the middle
        return real(*args)

    monkeypatch.setattr(worker, "send", interrupted)
    with pytest.raises(KeyboardInterrupt):
        drain()
    smtp.wait_for(K)
    monkeypatch.setattr(worker, "send", real)

    # The claims came back at once and cost no attempt: a restart sends the rest now.
    db.session.expire_all()
    waiting = db.session.execute(sa.select(OutboxMessage).where(OutboxMessage.sent_at.is_(None)))
    assert [(m.locked_until, m.attempts) for m in waiting.scalars()] == [(None, 0)] * (N - K)
    assert drain() == N - K
    _all_sent_once(db, smtp, addresses)
