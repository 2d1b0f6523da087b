"""`flask deliveries digest` and `flask deliveries chase`: the daily chores by hand (the
worker runs them on its own, campaign.worker)."""

from __future__ import annotations

import datetime as dt

import click
from flask.cli import AppGroup

from campaign.core.extensions import db
from campaign.deliveries.digest import send_digests
from campaign.deliveries.services import draft_chasers

deliveries = AppGroup("deliveries", help="Deliveries of appeals: daily digest and chasers.")


def _day(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter("give a date as YYYY-MM-DD", param_hint="--day") from None


@deliveries.command("digest")
@click.option("--day", help="The day of the digest (YYYY-MM-DD; default: today, UTC).")
def digest_command(day: str | None):
    """Mail each appeal's campaigners its digest of the day (once a day: a second run sends
    nothing)."""
    count = send_digests(_day(day))
    db.session.commit()
    click.echo(f"Queued {count} digest mail(s).")


@deliveries.command("chase")
@click.option("--day", help="Today, as the due dates see it (YYYY-MM-DD; default: today, UTC).")
def chase_command(day: str | None):
    """Draft a chaser for each delivery whose due date passed without an answer. Drafts only:
    a campaigner approves each before it is sent."""
    drafted = draft_chasers(_day(day))
    db.session.commit()
    click.echo(f"Drafted {len(drafted)} chaser(s), waiting for approval.")
