"""Background work, composed in one place: `flask worker` (one process per site) runs all of
it; `flask outbox work` (campaign.mail.cli) the mail and the chores it always ran. Web workers
never import it: they only write the rows it picks up.

- **Sending the outbox.** campaign.mail.worker claims due messages and sends them (backoff,
  one message never holds up the others). Without REDIS_URL this module polls the table for
  them; with it, campaign.mail.queue runs an RQ worker for the jobs pushed after each commit
  that wrote mail, and drains the table here too whenever it has been idle for a while.
- **Whenever no mail is due**: finishing mailshots (campaign.responses.mailshots), then, at
  most every CHECK_CHORES_EVERY seconds, the scheduled chores that are due (chores()):
  claimed through campaign.chores.schedule, so that each runs on one worker at a time and a
  daily one once a day, however many workers run.
- **Stopping.** SIGTERM or SIGINT finishes the message (or chore) in flight and gives the
  rest of its batch back; a second signal stops at once (campaign.mail.shutdown)."""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from flask import current_app

from campaign.chores.schedule import Chore, Clock, Outcome, run_due
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
#: Seconds between runs of the deliveries' chores (each does its work once per day).
DAILY_EVERY = 60 * 60
#: The recent hours the fold leaves sharded: signing still writes to them.
KEEP_SHARDED = dt.timedelta(hours=2)
#: Seconds between looks at the chores' schedule (each look is a query per chore).
CHECK_CHORES_EVERY = 30


# --- the chores ------------------------------------------------------------------------------


def fold_rollup() -> str:
    removed = fold_shards(utcnow() - KEEP_SHARDED)
    db.session.commit()
    return f"{removed} rollup row(s) fewer"


def chase_deliveries() -> str:
    drafted = draft_chasers()
    db.session.commit()
    return f"{len(drafted)} chaser(s) drafted"


def send_the_digests() -> str:
    count = send_digests()
    db.session.commit()
    return f"{count} digest mail(s) queued"


def purge_personal_data() -> str:
    from campaign.core.engine import checkpoint_wal
    from campaign.privacy.services import purge

    result = purge()
    db.session.commit()
    checkpoint_wal()
    return (
        f"erased {result.signatures} signature(s), {result.endorsements} endorsement(s), "
        f"{result.outbox_messages} outbox message(s)"
    )


def verify_counts() -> str:
    from campaign.signatures.drift import tell_admins_of_drift

    drifted, mails = tell_admins_of_drift()
    db.session.commit()
    return f"{drifted} count(s) drifted; {mails} admin(s) mailed" if drifted else "counts exact"


def fetch_inbox() -> str:
    from campaign.inbox.imap import fetch_once

    result = fetch_once()
    if result.failed:
        raise RuntimeError(f"{result.failed} message(s) could not be stored (left unseen)")
    return f"{result.stored} message(s) stored, {result.too_large} too large"


def chores(config=None) -> list[Chore]:
    """Every scheduled chore of `flask worker`, in the order a round runs them. The privacy
    purge and the count check are daily, from NIGHTLY_HOUR (UTC); the inbox is fetched every
    IMAP_POLL_SECONDS when IMAP_HOST is set."""
    config = config or current_app.config
    night = int(config.get("NIGHTLY_HOUR", 2))
    found = [
        *outbox_chores(),
        Chore("privacy-purge", purge_personal_data, daily_at=night),
        Chore("counts-verify", verify_counts, daily_at=night),
    ]
    if config.get("IMAP_HOST"):
        every = dt.timedelta(seconds=int(config["IMAP_POLL_SECONDS"]))
        found.append(Chore("inbox-fetch", fetch_inbox, every=every, lease=dt.timedelta(hours=1)))
    return found


def outbox_chores() -> list[Chore]:
    """The chores `flask outbox work` always ran: folds and the deliveries' daily work."""
    hourly = dt.timedelta(seconds=DAILY_EVERY)
    return [
        Chore("rollup-fold", fold_rollup, every=dt.timedelta(seconds=FOLD_EVERY)),
        Chore("deliveries-chasers", chase_deliveries, every=hourly),
        Chore("deliveries-digest", send_the_digests, every=hourly),
    ]


# --- running it ------------------------------------------------------------------------------


@dataclass
class Round:
    mailshots: int = 0
    sent: int = 0
    chores: list[Outcome] = field(default_factory=list)


def work_once(scheduled: Sequence[Chore] | None = None, clock: Clock = utcnow) -> Round:
    """One round: finish the pending mailshots, run the chores that are due (none unless
    given), then send what is due now (also what the chores wrote)."""
    with shutdown.signals_stop_the_worker():
        done = Round(mailshots=run_pending())
        if scheduled:
            done.chores = run_due(scheduled, clock, stop=shutdown.requested)
        done.sent = drain()
        return done


def work(
    poll_seconds: float = 1.0,
    safety_poll_seconds: int = 10,
    scheduled: Sequence[Chore] | None = None,
) -> None:
    """Send mail and do the chores (default: outbox_chores()) until SIGTERM or SIGINT: as an
    RQ worker when REDIS_URL is set and Redis answers, else (also when Redis is unreachable)
    by polling the table."""
    with shutdown.signals_stop_the_worker():
        when_idle = idle_chores(scheduled=scheduled)
        try:
            redis = current_app.config.get("REDIS_URL")
            if not (redis and work_rq(poll_seconds, safety_poll_seconds, when_idle)):
                poll_outbox(poll_seconds, when_idle=when_idle)
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


def idle_chores(
    finish_mailshots: Callable[[], object] = run_pending,
    scheduled: Sequence[Chore] | None = None,
    clock: Clock = utcnow,
) -> Callable[[], None]:
    """What the worker does when no mail is due: finish mailshots every time; run the
    scheduled chores that are due (default: outbox_chores()) every CHECK_CHORES_EVERY s."""
    # None, not 0.0: the monotonic clock starts near zero at boot, so "0.0" would skip the
    # first look on a machine up for less than CHECK_CHORES_EVERY.
    last_look: float | None = None

    def idle() -> None:
        nonlocal last_look
        finish_mailshots()
        if last_look is None or time.monotonic() - last_look >= CHECK_CHORES_EVERY:
            last_look = time.monotonic()
            due = outbox_chores() if scheduled is None else scheduled
            run_due(due, clock, stop=shutdown.requested)

    return idle
