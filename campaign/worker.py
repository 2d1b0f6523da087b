"""Background work, composed in one place: `flask outbox work` (campaign.mail.cli) runs it, as
one process per machine or as many as mail needs. Web workers never import it: they only
write the rows it picks up.

- **Sending the outbox.** campaign.mail.worker claims due messages and sends them (backoff,
  one message never holds up the others). Without REDIS_URL this module polls the table for
  them; with it, campaign.mail.queue runs an RQ worker for the jobs pushed after each commit
  that wrote mail, and drains the table here too whenever it has been idle for a while.
- **The chores**, whenever no mail is due: finishing mailshots (campaign.responses.mailshots)
  and, every FOLD_EVERY seconds, folding the hourly rollup's shards of past hours
  (campaign.signatures.rollup); every DAILY_EVERY seconds the daily chores of deliveries
  (chasers drafted, the digest: both idempotent per day, so running hourly sends each once).
- **Stopping.** SIGTERM or SIGINT finishes the message in flight and gives the rest of its
  batch back; a second signal stops at once (campaign.mail.shutdown)."""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable

from flask import current_app

from campaign.core.database import utcnow
from campaign.core.extensions import db
from campaign.deliveries.digest import send_digests
from campaign.deliveries.services import draft_chasers
from campaign.mail import shutdown
from campaign.mail.queue import work_rq
from campaign.mail.worker import drain, send_due
from campaign.responses.mailshots import run_pending
from campaign.signatures.rollup import fold_shards

log = logging.getLogger(__name__)

#: Seconds between folds of the hourly rollup.
FOLD_EVERY = 15 * 60
#: Seconds between runs of the daily chores (campaign.deliveries: once per day each).
DAILY_EVERY = 60 * 60
#: The recent hours the fold leaves sharded: signing still writes to them.
KEEP_SHARDED = dt.timedelta(hours=2)


def work_once() -> tuple[int, int]:
    """Finish the pending mailshots, then send what is due now: (mailshots, messages sent)."""
    with shutdown.signals_stop_the_worker():
        mailings = run_pending()
        return mailings, drain()


def work(poll_seconds: float = 1.0, safety_poll_seconds: int = 10) -> None:
    """Send mail and do the chores until SIGTERM or SIGINT: as an RQ worker when REDIS_URL is
    set and Redis answers, else (also when Redis is unreachable) by polling the table."""
    with shutdown.signals_stop_the_worker():
        chores = idle_chores()
        try:
            redis = current_app.config.get("REDIS_URL")
            if not (redis and work_rq(poll_seconds, safety_poll_seconds, chores)):
                poll_outbox(poll_seconds, when_idle=chores)
        except KeyboardInterrupt:
            pass  # a second signal: stopped at once, the batch's claims given back


def poll_outbox(poll_seconds: float = 1.0, when_idle: Callable[[], None] | None = None) -> None:
    """Poll and send until a stop is asked for. `when_idle()` runs whenever nothing was due.
    A round that fails (the database restarting, say) is logged and tried again after
    `poll_seconds`; it never ends the worker."""
    log.info("outbox worker started")
    while not shutdown.requested():
        busy = False
        try:
            batch = send_due()
            busy = batch.claimed > 0 and not batch.smtp_down
            if not busy and when_idle is not None:
                when_idle()
        except Exception:
            log.exception("outbox round failed; trying again in %s s", poll_seconds)
        if not busy:
            db.session.remove()
            shutdown.wait(poll_seconds)


def watch_mailshots(poll_seconds: float, finished: Callable[[int], None]) -> None:
    """`flask mailshots send --watch`: the mailshot chore alone, every `poll_seconds`, until
    interrupted; `finished(n)` hears of each round that finished some."""
    while True:
        db.session.remove()
        time.sleep(poll_seconds)
        count = run_pending()
        if count:
            finished(count)


def daily_chores() -> None:
    """Draft chasers for what went past its due date, then write the day's digests; each in
    its own commit (campaign.deliveries: both do nothing the second time on one day)."""
    draft_chasers()
    db.session.commit()
    send_digests()
    db.session.commit()


def idle_chores(finish_mailshots: Callable[[], object] = run_pending) -> Callable[[], None]:
    """What the worker does when no mail is due: finish mailshots every time; fold the
    rollup's shards of hours older than KEEP_SHARDED every FOLD_EVERY seconds."""
    # None, not 0.0: the monotonic clock starts near zero at boot, so "0.0" would skip the
    # first fold on a machine up for less than FOLD_EVERY.
    last_fold: float | None = None
    last_daily: float | None = None

    def chores() -> None:
        nonlocal last_fold, last_daily
        finish_mailshots()
        if last_fold is None or time.monotonic() - last_fold >= FOLD_EVERY:
            last_fold = time.monotonic()
            fold_shards(utcnow() - KEEP_SHARDED)
            db.session.commit()
        if last_daily is None or time.monotonic() - last_daily >= DAILY_EVERY:
            last_daily = time.monotonic()
            daily_chores()

    return chores
