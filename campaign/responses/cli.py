import click
from flask.cli import AppGroup

from campaign import worker
from campaign.core.progress import progress_bar
from campaign.responses.mailshots import remaining_recipients, run_pending, shredded_pending

mailshots = AppGroup("mailshots", help="Update and status-change mailshots to subscribers.")


@mailshots.command("send")
@click.option("--watch", is_flag=True, help="Keep running, finishing new mailshots as they come.")
@click.option("--poll", default=10.0, show_default=True, help="Seconds between checks (--watch).")
def mailshots_send(watch: bool, poll: float):
    """Queue the rest of every unfinished mailshot into the outbox (safe to rerun: each
    recipient gets one message per mailshot, also after a crash)."""
    refused = shredded_pending()
    for line in refused:
        click.echo(line, err=True)
    with progress_bar("Queueing mailshots", remaining_recipients) as advance:
        count = run_pending(advance=advance)
    click.echo(f"Finished {count} mailshot(s).")
    if refused and not watch:
        raise SystemExit(1)
    if watch:
        worker.watch_mailshots(poll, lambda n: click.echo(f"Finished {n} mailshot(s)."))
