"""`flask worker` fetches the IMAP mailbox (a real dovecot) only when IMAP_HOST is set, every
IMAP_POLL_SECONDS, as one of its chores."""

from __future__ import annotations

import datetime as dt

from campaign import worker
from campaign.chores.schedule import run_due
from tests.inbox.conftest import IMAP_PASSWORD, IMAP_USER
from tests.inbox.helpers import reply, stored


def _names(chores) -> list[str]:
    return [chore.name for chore in chores]


def test_without_imap_host_the_worker_does_not_fetch(app, runner, dovecot, target):
    dovecot.deliver(reply(target.reply_to).as_bytes(), "reply")
    assert "inbox-fetch" not in _names(worker.chores())
    result = runner.invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output
    assert "inbox-fetch" not in result.output and stored() == []


def test_with_imap_host_the_worker_fetches_every_imap_poll_seconds(app, runner, dovecot, target):
    app.config.update(
        IMAP_HOST=dovecot.host, IMAP_PORT=dovecot.port, IMAP_USER=IMAP_USER,
        IMAP_PASSWORD=IMAP_PASSWORD, IMAP_TLS="none", IMAP_POLL_SECONDS=300,
    )  # fmt: skip
    dovecot.deliver(reply(target.reply_to).as_bytes(), "reply")
    result = runner.invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output
    assert "inbox-fetch: 1 message(s) stored, 0 too large" in result.output
    [item] = stored()
    assert item.appeal_id == target.appeal.id

    [fetch] = [chore for chore in worker.chores() if chore.name == "inbox-fetch"]
    assert fetch.every == dt.timedelta(seconds=300)
    dovecot.deliver(reply(target.reply_to, message_id="<reply-2@mvd.gov.kg>").as_bytes(), "r2")
    now = dt.datetime.now(dt.UTC)
    assert not any(o.ran for o in run_due([fetch], lambda: now + dt.timedelta(seconds=299)))
    assert len(stored()) == 1
    assert [o.result for o in run_due([fetch], lambda: now + dt.timedelta(seconds=301))] == [
        "1 message(s) stored, 0 too large"
    ]
    assert len(stored()) == 2
