"""The RQ path of the outbox: a job pushed after commit runs the same sending code; without
a reachable Redis the mail still leaves through the polling worker."""

from __future__ import annotations

import collections
import logging
import os
import signal
import threading
import uuid

import pytest
import sqlalchemy as sa

from campaign.core.extensions import db as _db
from campaign.mail import queue
from campaign.mail.models import OutboxMessage
from campaign.mail.services import enqueue
from campaign.mail.worker import drain

TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL")
UNREACHABLE = "redis://127.0.0.1:1/0"


def _mail(to="someone@example.org"):
    enqueue(to, "test", subject_line="Hello", body="Body text")
    _db.session.commit()


class TestUnreachableRedis:
    @pytest.fixture
    def app_config(self, app_config):
        return {
            **app_config,
            "REDIS_URL": UNREACHABLE,
            "RATELIMIT_STORAGE_URI": "memory://",
            "CACHE_TYPE": "SimpleCache",
        }

    def test_commit_survives_and_the_polling_worker_sends(self, db, smtp, caplog):
        with caplog.at_level(logging.WARNING, logger="campaign.mail.queue"):
            _mail()
        assert "Redis unreachable" in caplog.text
        assert db.session.query(OutboxMessage).one().sent_at is None
        assert drain() == 1
        assert smtp.wait_for(1)[0]["Subject"] == "Hello"

    def test_worker_falls_back_to_polling(self, app, caplog):
        with caplog.at_level(logging.WARNING, logger="campaign.mail.queue"):
            assert queue.work_rq(poll_seconds=0.01) is False
        assert "falling back" in caplog.text


def test_without_redis_nothing_is_pushed(app, db, smtp, monkeypatch):
    pushed = []
    monkeypatch.setattr(queue, "push_send_job", lambda: pushed.append(1))
    app.config["REDIS_URL"] = None
    _mail()
    assert pushed == []
    assert drain() == 1


@pytest.mark.skipif(not TEST_REDIS_URL, reason="set TEST_REDIS_URL to test the RQ path")
class TestRedisQueue:
    @pytest.fixture
    def app_config(self, app_config):
        return {
            **app_config,
            "REDIS_URL": TEST_REDIS_URL,
            "RATELIMIT_STORAGE_URI": "memory://",
            "CACHE_TYPE": "SimpleCache",
            "MAIL_QUEUE_NAME": f"test-mail-{uuid.uuid4().hex}",
        }

    @pytest.fixture
    def mail_queue(self, app):
        q = queue.mail_queue()
        yield q
        q.empty()
        q.delete(delete_jobs=True)

    def test_commit_pushes_one_job_that_sends(self, app, db, smtp, mail_queue):
        from rq import SimpleWorker

        _mail("a@example.org")
        _mail("b@example.org")
        assert mail_queue.count == 1  # one job drains everything due
        worker = SimpleWorker([mail_queue], connection=queue.redis_connection())
        assert worker.work(burst=True)
        assert {m["To"] for m in smtp.wait_for(2)} == {"a@example.org", "b@example.org"}
        db.session.expire_all()
        assert all(m.sent_at for m in db.session.query(OutboxMessage))
        assert mail_queue.count == 0
        _mail("c@example.org")
        assert mail_queue.count == 1  # the finished job no longer blocks a new one

    def test_after_a_failed_job_the_backlog_drains_at_once(
        self, app, db, smtp, runner, monkeypatch
    ):
        """A job that dies half way (the database going away, say) gives its claims back; the
        worker drains the rest at once, and the next push is not refused as a duplicate of
        the failed job, although the table is polled only once a minute here."""
        from campaign.mail import worker

        real, rounds = worker._deliver, []

        def dies_in_the_second_round(claim, *args):
            rounds.append(len(claim.ids))
            if len(rounds) == 2:
                raise sa.exc.OperationalError("UPDATE outbox_messages", {}, Exception("gone"))
            return real(claim, *args)

        monkeypatch.setattr(worker, "_deliver", dies_in_the_second_round)
        addresses = [f"person{i}@example.org" for i in range(250)]
        for address in addresses:
            enqueue(address, "test", subject_line="Hello", body="Body")
        _db.session.commit()  # one job for all of them

        def meanwhile():  # the worker runs in the main thread, as it does in its process
            try:
                smtp.wait_for(250)
                with app.app_context():
                    _mail("late@example.org")  # a new signing pushes a new job
                    _db.session.remove()
                smtp.wait_for(251)
            finally:
                signal.pthread_kill(threading.main_thread().ident, signal.SIGTERM)

        thread = threading.Thread(target=meanwhile)
        thread.start()
        result = runner.invoke(args=["outbox", "work", "--poll", "0.05", "--safety-poll", "60"])
        thread.join()
        assert result.exit_code == 0 and "Outbox worker stopped." in result.output
        assert rounds[:2] == [200, 50]
        received = collections.Counter(m["To"] for m in smtp.messages)
        assert received == collections.Counter([*addresses, "late@example.org"])
