import click
from flask import current_app
from flask.cli import AppGroup

from campaign.mail.queue import work_rq
from campaign.mail.worker import drain, work_forever

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
    worker for the mail queue; without Redis (or when it is unreachable), poll the table."""
    # The composition root: mailshots are expanded into the outbox by the same worker.
    from campaign.responses.mailshots import run_pending

    if once:
        mailings = run_pending()
        click.echo(f"Finished {mailings} mailshot(s). Sent {drain()} message(s).")
        return
    try:
        if current_app.config.get("REDIS_URL") and work_rq(poll, safety_poll, run_pending):
            return
        work_forever(poll, when_idle=run_pending)
    except KeyboardInterrupt:
        click.echo("Outbox worker stopped.")
