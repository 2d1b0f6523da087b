"""Command-line groups (`flask --app app ...`), one module per area."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from campaign.core.extensions import db


def init_commands(app: Flask) -> None:
    from campaign.accounts.cli import users
    from campaign.appeals.cli import demo

    # These modules add their commands to the export group.
    from campaign.endorsements import cli as _endorsements_cli  # noqa: F401
    from campaign.mail.cli import outbox
    from campaign.privacy.cli import privacy
    from campaign.responses.cli import mailshots
    from campaign.signatures import cli as _signatures_cli  # noqa: F401

    for group in (users, demo, counts, outbox, export, mailshots, privacy):
        app.cli.add_command(group)


#: `flask export ...`: each area adds its own command (`export signatures`, ...).
export = AppGroup("export", help="CSV exports, streamed to stdout.")

counts = AppGroup("counts", help="Signature and endorsement counters.")


@counts.command("verify")
@click.option("--fix", is_flag=True, help="Repair counters that drifted.")
def counts_verify(fix: bool):
    """Recompute counters from the rows; exit 1 when any drifted."""
    from campaign.signatures.counting import verify_counts, verify_rollups

    drift = verify_counts(fix=fix)
    rollup_drift = verify_rollups(fix=fix)
    if fix:
        db.session.commit()
    for appeal_id, stored, actual in drift:
        click.echo(f"appeal {appeal_id}: counter says {stored}, signatures say {actual}")
    for appeal_id, stored, actual, hours in rollup_drift:
        click.echo(
            f"appeal {appeal_id}: hourly rollup says {stored}, signatures say {actual}"
            f" ({hours} hour/country/channel row(s) differ)"
        )
    if drift or rollup_drift:
        fixed = " and were fixed." if fix else "."
        click.echo(f"{len(drift) + len(rollup_drift)} counter(s) drifted{fixed}")
        raise SystemExit(1)
    click.echo("Counts are exact.")


@counts.command("fold")
@click.option("--hours", default=2, show_default=True, help="Leave the last N hours sharded.")
def counts_fold(hours: int):
    """Fold the hourly rollup's shards of past hours into one row each (cheaper charts)."""
    import datetime as dt

    from campaign.core.database import utcnow
    from campaign.signatures.rollup import fold_shards

    if hours < 0:
        raise click.BadParameter("must be 0 or more", param_hint="--hours")
    removed = fold_shards(utcnow() - dt.timedelta(hours=hours))
    db.session.commit()
    click.echo(f"Folded the hourly rollup: {removed} row(s) fewer.")
