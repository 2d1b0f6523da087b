"""With REDIS_URL, the outbox is also a queue: after a transaction that wrote outbox rows
commits, an RQ job is pushed that runs the same sending code (worker.drain), so mail leaves
at once instead of at the next poll. The rows stay the source of truth: if Redis is
unreachable the push is skipped with a warning and the polling worker sends the mail; the
RQ worker (`flask outbox work` with REDIS_URL) also polls the table now and then as a
safety net for retries whose backoff has passed.

One job at a time is enough (it drains everything due), so the job has a fixed id and is
pushed with unique=True: while one is queued or running, further pushes are no-ops."""

from __future__ import annotations

import logging
import time

from flask import current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

#: Seconds to skip pushes after Redis failed, so requests do not each wait for a timeout.
RETRY_REDIS_AFTER = 30.0
#: Marks a session whose transaction wrote outbox rows (set by enqueue()).
PENDING_FLAG = "outbox_written"


def mark_outbox_written(session) -> None:
    session.info[PENDING_FLAG] = True


@event.listens_for(Session, "after_commit")
def _after_commit(session) -> None:
    if not session.info.pop(PENDING_FLAG, False) or not has_app_context():
        return
    if current_app.config.get("REDIS_URL"):
        push_send_job()


def queue_name() -> str:
    return current_app.config.get("MAIL_QUEUE_NAME", "answerable-mail")


def redis_connection():
    """A Redis client for REDIS_URL with short timeouts (a request must never hang on it)."""
    from redis import Redis

    clients = current_app.extensions.setdefault("mail_queue_redis", {})
    url = current_app.config["REDIS_URL"]
    if url not in clients:
        clients[url] = Redis.from_url(url, socket_connect_timeout=1, socket_timeout=2)
    return clients[url]


def mail_queue():
    from rq import Queue

    return Queue(queue_name(), connection=redis_connection())


def push_send_job() -> bool:
    """Ask the RQ worker to send what is due; False (and a warning) when Redis is down."""
    from redis.exceptions import RedisError
    from rq.exceptions import DuplicateJobError

    state = current_app.extensions.setdefault("mail_queue_state", {"down_until": 0.0})
    if time.monotonic() < state["down_until"]:
        return False  # Redis failed moments ago; do not make every request wait on it
    try:
        mail_queue().enqueue(
            "campaign.mail.queue.send_job",
            job_id=f"{queue_name()}-send-outbox",  # job ids are global in a Redis db
            unique=True,
            result_ttl=0,
            failure_ttl=60,
            ttl=24 * 3600,
        )
    except DuplicateJobError:
        return True  # one is queued or running; it drains everything due
    except (RedisError, OSError) as exc:
        state["down_until"] = time.monotonic() + RETRY_REDIS_AFTER
        log.warning("Redis unreachable (%s); the polling outbox worker sends the mail", exc)
        return False
    return True


def send_job() -> int:
    """The RQ job: the same sending code as the polling worker."""
    from campaign.extensions import db
    from campaign.mail.worker import drain

    if has_app_context():
        try:
            return drain()
        finally:
            db.session.remove()
    from campaign import create_app

    with create_app().app_context():
        try:
            return drain()
        finally:
            db.session.remove()


def work_rq(poll_seconds: float, safety_poll_seconds: int = 10, when_idle=None) -> bool:
    """Run an RQ worker for the mail queue, with a DB poll every `safety_poll_seconds` when
    idle. Returns False at once when Redis is unreachable (the caller polls the table)."""
    from redis.exceptions import RedisError
    from rq import SimpleWorker

    from campaign.extensions import db
    from campaign.mail.worker import send_due

    try:
        redis_connection().ping()
    except (RedisError, OSError) as exc:
        log.warning("Redis unreachable (%s); falling back to the polling outbox worker", exc)
        return False
    log.info("outbox RQ worker started on queue %s", queue_name())
    while True:
        try:
            # SimpleWorker runs jobs in this process, inside the CLI's app context.
            worker = SimpleWorker([mail_queue()], connection=redis_connection())
            worker.work(
                burst=False,
                max_idle_time=max(1, safety_poll_seconds),
                logging_level="WARNING",
            )
        except (RedisError, OSError) as exc:
            log.warning("Redis unreachable (%s); polling the outbox table meanwhile", exc)
            time.sleep(poll_seconds)
        send_due()  # the safety net: retries whose backoff passed, pushes that were lost
        if when_idle is not None:
            when_idle()
        db.session.remove()
