"""`flask outbox work`: the background worker (campaign.worker) from the command line."""

import click
from flask.cli import AppGroup

from campaign import worker

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
    if once:
        done = worker.work_once()
        click.echo(f"Finished {done.mailshots} mailshot(s). Sent {done.sent} message(s).")
        return
    worker.work(poll, safety_poll)
    click.echo("Outbox worker stopped.")
