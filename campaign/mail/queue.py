"""With REDIS_URL, the outbox is also a queue: after a transaction that wrote outbox rows
commits, an RQ job (campaign.mail.job) is pushed that runs the same sending code
(campaign.mail.worker.drain), so mail leaves at once instead of at the next poll. The rows stay
the source of truth: if Redis is unreachable the push is skipped with a warning and the
polling worker sends the mail; the RQ worker (`flask outbox work` with REDIS_URL, composed in
campaign.worker) also polls the table now and then as a safety net for retries whose backoff
has passed.

One job at a time is enough (it drains everything due), so the job has a fixed id and is
pushed with unique=True: while one is queued or running, further pushes are no-ops.

The RQ worker stops like the polling one (campaign.mail.shutdown). A job that fails (one
message never fails it: the worker records that message's failure and goes on; the database
going away does) hands over to the safety-net drain at once, with its claims already given
back, and its record is deleted so that the next push is not refused as a duplicate."""

from __future__ import annotations

import contextlib
import functools
import logging
import time

from flask import current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from campaign.mail import shutdown
from campaign.mail.models import OUTBOX_WRITTEN

log = logging.getLogger(__name__)

#: Seconds to skip pushes after Redis failed, so requests do not each wait for a timeout.
RETRY_REDIS_AFTER = 30.0


def init_queue() -> None:
    """Push a send job after every commit that wrote outbox rows (campaign.mail.models.
    mark_outbox_written), when the app has REDIS_URL. The hook is on the Session class, shared
    by every app a process builds, so it is added once; each commit reads its app's config."""
    if not event.contains(Session, "after_commit", _after_commit):
        event.listen(Session, "after_commit", _after_commit)


def _after_commit(session) -> None:
    if not session.info.pop(OUTBOX_WRITTEN, False) or not has_app_context():
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


def job_id() -> str:
    return f"{queue_name()}-send-outbox"  # job ids are global in a Redis db


def push_send_job() -> bool:
    """Ask the RQ worker to send what is due; False (and a warning) when Redis is down."""
    from redis.exceptions import RedisError
    from rq.exceptions import DuplicateJobError

    state = current_app.extensions.setdefault("mail_queue_state", {"down_until": 0.0})
    if time.monotonic() < state["down_until"]:
        return False  # Redis failed moments ago; do not make every request wait on it
    try:
        mail_queue().enqueue(
            "campaign.mail.job.send_job",
            job_id=job_id(),
            unique=True,
            result_ttl=0,
            failure_ttl=60,
            ttl=24 * 3600,
            # No time limit: a drain ends when nothing is due, and MAIL_TIMEOUT bounds each
            # wait on SMTP. RQ's default (180 s) failed the job half way through a backlog.
            job_timeout=-1,
        )
    except DuplicateJobError:
        return True  # one is queued or running; it drains everything due
    except (RedisError, OSError) as exc:
        state["down_until"] = time.monotonic() + RETRY_REDIS_AFTER
        log.warning("Redis unreachable (%s); the polling outbox worker sends the mail", exc)
        return False
    return True


def work_rq(poll_seconds: float, safety_poll_seconds: int = 10, when_idle=None) -> bool:
    """Run an RQ worker for the mail queue until a stop is asked for (SIGTERM, SIGINT). When
    it has been idle `safety_poll_seconds`, and at once after a job failed, the table is
    drained here too: retries whose backoff passed, pushes that were lost, the backlog a
    failed job left. Returns False at once when Redis is unreachable (the caller polls the
    table)."""
    from redis.exceptions import RedisError

    try:
        redis_connection().ping()
    except (RedisError, OSError) as exc:
        log.warning("Redis unreachable (%s); falling back to the polling outbox worker", exc)
        return False
    log.info("outbox RQ worker started on queue %s", queue_name())
    while not shutdown.requested():
        try:
            _serve_jobs(max(1, safety_poll_seconds))
        except (RedisError, OSError) as exc:
            log.warning("Redis unreachable (%s); polling the outbox table meanwhile", exc)
            shutdown.wait(poll_seconds)
        if not shutdown.requested():
            _safety_net(poll_seconds, when_idle)
    return True


def _serve_jobs(idle_seconds: int) -> None:
    """Run pushed jobs in this process until idle for `idle_seconds`, a job failed, or a
    stop is asked for."""
    from rq.exceptions import StopRequested

    worker = _worker_class()([mail_queue()], connection=redis_connection())
    with contextlib.suppress(StopRequested):  # a signal while the worker was tearing down
        worker.work(burst=False, max_idle_time=idle_seconds, logging_level="WARNING")
    if worker.job_failed:
        # RQ keeps a failed job for failure_ttl, and its id would refuse every push till then.
        mail_queue().failed_job_registry.remove(job_id(), delete_job=True)


def _safety_net(poll_seconds: float, when_idle) -> None:
    from campaign.core.extensions import db
    from campaign.mail.worker import drain

    try:
        drain()
        if when_idle is not None:
            when_idle()
    except Exception:  # the database restarting, say: never the end of the worker
        log.exception("outbox drain failed; trying again in %s s", poll_seconds)
        shutdown.wait(poll_seconds)
    finally:
        db.session.remove()


@functools.cache
def _worker_class():
    from rq import SimpleWorker

    class MailWorker(SimpleWorker):
        """RQ's in-process worker (jobs run inside the CLI's app context) that stops as the
        outbox worker does and returns to work_rq right after a failed job."""

        job_failed = False
        _working = False

        def work(self, *args, **kwargs):
            self._working = True
            try:
                return super().work(*args, **kwargs)
            finally:
                self._working = False

        def request_stop(self, signum, frame):
            # RQ's handler for SIGTERM and SIGINT. Ours first: the job in flight (a drain)
            # stops after its message and gives the rest back. Then RQ's warm shutdown:
            # after the job, or at once when idle; never outside work(), where RQ would
            # raise into the safety-net drain.
            shutdown.on_signal(signum, frame)
            if self._working:
                super().request_stop(signum, frame)

        def handle_job_failure(self, job, queue, *args, **kwargs):
            super().handle_job_failure(job, queue, *args, **kwargs)
            self.job_failed = True

        def dequeue_job_and_maintain_ttl(self, timeout, max_idle_time=None):
            if self.job_failed or shutdown.requested():
                return None  # as if idle: work() returns to work_rq
            return super().dequeue_job_and_maintain_ttl(timeout, max_idle_time)

    return MailWorker
