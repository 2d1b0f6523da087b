import time

import click
from flask.cli import AppGroup

from campaign.core.extensions import db
from campaign.responses.mailshots import run_pending

mailshots = AppGroup("mailshots", help="Update and status-change mailshots to subscribers.")


@mailshots.command("send")
@click.option("--watch", is_flag=True, help="Keep running, finishing new mailshots as they come.")
@click.option("--poll", default=10.0, show_default=True, help="Seconds between checks (--watch).")
def mailshots_send(watch: bool, poll: float):
    """Queue the rest of every unfinished mailshot into the outbox (safe to rerun: each
    recipient gets one message per mailshot, also after a crash)."""
    count = run_pending()
    click.echo(f"Finished {count} mailshot(s).")
    while watch:
        db.session.remove()
        time.sleep(poll)
        count = run_pending()
        if count:
            click.echo(f"Finished {count} mailshot(s).")
