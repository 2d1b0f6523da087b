import click
from flask.cli import AppGroup

from campaign.responses.mailshots import run_pending

mailshots = AppGroup("mailshots", help="Update and status-change mailshots to subscribers.")


@mailshots.command("send")
def mailshots_send():
    """Queue the rest of every unfinished mailshot into the outbox (safe to rerun)."""
    count = run_pending()
    click.echo(f"Finished {count} mailshot(s).")
