import datetime as dt
import time

import click
from flask import current_app
from flask.cli import AppGroup

from campaign.core.database import utcnow
from campaign.core.extensions import db
from campaign.mail import shutdown
from campaign.mail.queue import work_rq
from campaign.mail.worker import drain, work_forever
from campaign.signatures.rollup import fold_shards

outbox = AppGroup("outbox", help="The mail outbox.")


@outbox.command("work")
@click.option("--once", is_flag=True, help="Send what is due now, then exit.")
@click.option("--poll", default=1.0, show_default=True, help="Seconds between polls.")
@click.option(
    "--safety-poll",
    default=10,
    show_default=True,
    help="With REDIS_URL: seconds idle before the RQ worker also polls the table.",
)
def outbox_work(once: bool, poll: float, safety_poll: int):
    """Send waiting mail (prints it when MAIL_SERVER is unset). With REDIS_URL, run an RQ
    worker for the mail queue; without Redis (or when it is unreachable), poll the table.
    SIGTERM or SIGINT stops it cleanly: the message in flight is finished, the rest of its
    batch given back at once; a second signal stops at once."""
    # The composition root: mailshots are expanded into the outbox by the same worker, which
    # also folds the hourly rollup now and then.
    from campaign.responses.mailshots import run_pending

    with shutdown.signals_stop_the_worker():
        if once:
            mailings = run_pending()
            click.echo(f"Finished {mailings} mailshot(s). Sent {drain()} message(s).")
            return
        try:
            when_idle = _idle_tasks(run_pending)
            if not (current_app.config.get("REDIS_URL") and work_rq(poll, safety_poll, when_idle)):
                work_forever(poll, when_idle=when_idle)
        except KeyboardInterrupt:
            pass  # a second signal: stopped at once, the batch's claims given back
    click.echo("Outbox worker stopped.")


FOLD_EVERY = 15 * 60  # seconds between folds of the hourly rollup


def _idle_tasks(run_pending):
    """What the worker does when no mail is due: finish mailshots; every FOLD_EVERY seconds,
    fold the rollup's shards of hours older than two hours."""
    # None, not 0.0: the monotonic clock starts near zero at boot, so "0.0" would skip the
    # first fold on a machine up for less than FOLD_EVERY.
    last_fold: list[float | None] = [None]

    def idle() -> None:
        run_pending()
        if last_fold[0] is None or time.monotonic() - last_fold[0] >= FOLD_EVERY:
            last_fold[0] = time.monotonic()
            fold_shards(utcnow() - dt.timedelta(hours=2))
            db.session.commit()

    return idle
