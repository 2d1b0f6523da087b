"""One message that can never be sent is that message's failure, never the worker's: it is
marked (attempts, last_error, failed_at) and every message behind it goes, through the
polling worker and through the RQ job alike. Header values built from data are one line."""

from __future__ import annotations

import collections
import os
import uuid

import pytest
import sqlalchemy as sa

from campaign.mail.models import OutboxMessage
from campaign.mail.services import enqueue, enqueue_later
from campaign.mail.worker import drain
from tests.signatures.helpers import deliver, sign

TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL")
GOOD = 99


@pytest.fixture
def smtp(ascii_only_smtp):
    """Here the server does not offer SMTPUTF8, so a non-ASCII local part cannot go."""
    return ascii_only_smtp


def _non_ascii_local_part(db):
    enqueue("jöran@example.org", "test", subject_line="Hello", body="Body")


def _two_addresses(db):
    enqueue("one@example.org, two@example.org", "test", subject_line="Hello", body="Body")


def _headers_that_are_not_json(db):
    message = enqueue("poison@example.org", "test", subject_line="Hello", body="Body")
    db.session.flush()
    message.headers = "{not json"


def _template_gone(db):
    enqueue_later("poison@example.org", "no_such_template", kind="test", name="x")


#: poison -> what its last_error says
POISONS = {
    "non-ASCII local part, server without SMTPUTF8": (_non_ascii_local_part, "SMTPUTF8"),
    "two addresses in one": (_two_addresses, "compose: UndeliverableAddress"),
    "extra headers that are not JSON": (_headers_that_are_not_json, "compose: JSONDecodeError"),
    "a template that is gone": (_template_gone, "render: TemplateNotFound"),
}


def _poison_then_good(db, poison) -> list[str]:
    """The poison first in the outbox (lowest id, due first), then GOOD good messages."""
    poison(db)
    db.session.commit()
    addresses = [f"person{i}@example.org" for i in range(GOOD)]
    for address in addresses:
        enqueue(address, "test", subject_line="Hello", body="Body")
    db.session.commit()
    return addresses


def _assert_poison_failed_alone(db, smtp, addresses, error):
    received = smtp.wait_for(GOOD)
    assert collections.Counter(m["To"] for m in received) == collections.Counter(addresses)
    db.session.expire_all()
    rows = db.session.execute(sa.select(OutboxMessage).order_by(OutboxMessage.id)).scalars()
    poison, *good = rows
    assert poison.sent_at is None and poison.failed_at is not None
    assert poison.attempts == 1 and error in poison.last_error
    assert all(row.sent_at is not None and row.attempts == 1 for row in good)
    assert all(row.locked_until is None for row in (poison, *good))
    assert drain() == 0  # the poison is never tried again
    assert len(smtp.messages) == GOOD


@pytest.mark.parametrize("poison, error", POISONS.values(), ids=POISONS.keys())
def test_a_poison_message_first_in_a_batch_fails_alone(db, smtp, poison, error):
    addresses = _poison_then_good(db, poison)
    assert drain() == GOOD
    _assert_poison_failed_alone(db, smtp, addresses, error)


@pytest.mark.skipif(not TEST_REDIS_URL, reason="set TEST_REDIS_URL to test the RQ path")
class TestThroughTheQueue:
    @pytest.fixture
    def app_config(self, app_config):
        return {
            **app_config,
            "REDIS_URL": TEST_REDIS_URL,
            "RATELIMIT_STORAGE_URI": "memory://",
            "CACHE_TYPE": "SimpleCache",
            "MAIL_QUEUE_NAME": f"test-mail-{uuid.uuid4().hex}",
        }

    @pytest.mark.parametrize("poison, error", POISONS.values(), ids=POISONS.keys())
    def test_the_job_sends_everything_behind_the_poison(self, app, db, smtp, poison, error):
        from rq import SimpleWorker

        from campaign.mail import queue

        mail_queue = queue.mail_queue()
        try:
            addresses = _poison_then_good(db, poison)
            worker = SimpleWorker([mail_queue], connection=queue.redis_connection())
            assert worker.work(burst=True)
            assert mail_queue.failed_job_registry.count == 0
            _assert_poison_failed_alone(db, smtp, addresses, error)
        finally:
            mail_queue.delete(delete_jobs=True)


# --- header values built from data ----------------------------------------------------------

SEPARATORS = [
    "\r",
    "\n",
    "\r\n",
    "\x0b",
    "\x0c",
    "\x1c",
    "\x1d",
    "\x1e",
    "\x85",
    "\u2028",
    "\u2029",
]


@pytest.mark.parametrize("separator", SEPARATORS, ids=[repr(s) for s in SEPARATORS])
def test_a_line_break_in_a_header_value_never_starts_a_header(db, smtp, separator):
    injected = f"{separator}Bcc: victim@example.org{separator}X-Injected: yes"
    enqueue(
        "reader@example.org",
        "test",
        subject_line=f"Hello{injected}",
        body="Body",
        headers={"List-Unsubscribe": f"<https://example.org/u>{injected}"},
    )
    db.session.commit()
    assert drain() == 1
    [message] = smtp.wait_for(1)
    [envelope] = smtp.envelopes
    assert envelope.rcpt_tos == ["reader@example.org"]
    assert message["Bcc"] is None and message["X-Injected"] is None
    unsubscribe = message["List-Unsubscribe"].strip()  # folded onto its own line
    assert unsubscribe == "<https://example.org/u> Bcc: victim@example.org X-Injected: yes"
    assert message["Subject"].startswith("Hello")
    assert not any(character in message["Subject"] for character in separator)


def test_a_carriage_return_in_an_appeal_title_does_not_stop_the_mail(client, db, smtp, make_appeal):
    appeal = make_appeal(title="Free the press\rBcc: victim@example.org\u2028now")
    sign(client, appeal, email="aida@example.org")
    sign(client, appeal, email="bakyt@example.org")
    messages = deliver(smtp, 2)
    assert sorted(m["To"] for m in messages) == ["aida@example.org", "bakyt@example.org"]
    assert [e.rcpt_tos for e in smtp.envelopes] == [[m["To"]] for m in messages]
    for message in messages:
        assert message["Bcc"] is None
        assert message["Subject"].endswith("Free the press Bcc: victim@example.org now")


def test_a_subject_longer_than_its_column_is_cut_and_the_mail_goes(client, db, smtp, make_appeal):
    appeal = make_appeal(title="Т" * 300)  # the longest title; the subject adds to it
    sign(client, appeal, email="aida@example.org")
    [message] = deliver(smtp, 1)
    db.session.expire_all()
    row = db.session.execute(sa.select(OutboxMessage)).scalar_one()
    # A signer's mail is sealed, and blanked once sent: the subject is checked as it went.
    assert row.sent_at is not None and row.subject == "" and row.to == ""
    assert len(message["Subject"]) == 300 and message["Subject"].endswith("…")
