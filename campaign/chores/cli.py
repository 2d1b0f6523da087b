"""`flask worker`: all the background work of a site in one process (campaign.worker)."""

from __future__ import annotations

import logging

import click
from flask.cli import with_appcontext


@click.command("worker")
@click.option("--once", is_flag=True, help="Run one round of everything due, then exit.")
@click.option("--poll", default=1.0, show_default=True, help="Seconds between outbox polls.")
@click.option(
    "--safety-poll",
    default=10,
    show_default=True,
    help="With REDIS_URL: seconds idle before the RQ worker also polls the table.",
)
@with_appcontext
def worker_command(once: bool, poll: float, safety_poll: int):
    """Send the outbox (an RQ worker with REDIS_URL), finish mailshots, fetch the IMAP inbox
    (with IMAP_HOST) and run the scheduled chores: rollup folds, chasers and digests, the
    nightly privacy purge and count check. Run one per site; more are safe (each chore runs
    on one worker at a time). SIGTERM or SIGINT stops it cleanly; a second signal at once.
    With --once, exits 1 when a chore failed (for cron)."""
    from campaign import worker

    _log_to_stderr()
    scheduled = worker.chores()
    if once:
        done = worker.work_once(scheduled)
        click.echo(f"Finished {done.mailshots} mailshot(s). Sent {done.sent} message(s).")
        for outcome in done.chores:
            if outcome.failed:
                click.echo(f"{outcome.name}: failed: {outcome.error}", err=True)
            elif outcome.ran:
                click.echo(f"{outcome.name}: {outcome.result}")
        ran = sum(outcome.ran for outcome in done.chores)
        click.echo(f"Ran {ran} chore(s); {len(scheduled) - ran} not due or running elsewhere.")
        if any(outcome.failed for outcome in done.chores):
            raise SystemExit(1)
        return
    worker.work(poll, safety_poll, scheduled)
    click.echo("Worker stopped.")


def _log_to_stderr() -> None:
    """The worker's one line per chore run (and its warnings) on stderr, for journald; left
    alone when logging is configured already (gunicorn, the suite)."""
    logging.basicConfig(format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("campaign").setLevel(logging.INFO)
