import click
from flask.cli import AppGroup

from campaign.mail.worker import drain, work_forever

outbox = AppGroup("outbox", help="The mail outbox.")


@outbox.command("work")
@click.option("--once", is_flag=True, help="Send what is due now, then exit.")
@click.option("--poll", default=1.0, show_default=True, help="Seconds between polls.")
def outbox_work(once: bool, poll: float):
    """Send waiting mail (prints it when MAIL_SERVER is unset)."""
    if once:
        click.echo(f"Sent {drain()} message(s).")
        return
    try:
        work_forever(poll)
    except KeyboardInterrupt:
        click.echo("Outbox worker stopped.")
