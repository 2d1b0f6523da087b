"""Command-line groups (`flask --app app ...`), one module per area."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from campaign.extensions import db


def init_commands(app: Flask) -> None:
    from campaign.accounts.cli import users
    from campaign.appeals.cli import demo
    from campaign.backup import add_backup_commands

    # These modules add their commands to the export group.
    from campaign.endorsements import cli as _endorsements_cli  # noqa: F401
    from campaign.mail.cli import outbox
    from campaign.privacy.cli import privacy
    from campaign.responses.cli import mailshots
    from campaign.signatures import cli as _signatures_cli  # noqa: F401

    for group in (users, demo, counts, outbox, export, mailshots, privacy):
        app.cli.add_command(group)
    add_backup_commands()  # flask db backup / restore


#: `flask export ...`: each area adds its own command (`export signatures`, ...).
export = AppGroup("export", help="CSV exports, streamed to stdout.")

counts = AppGroup("counts", help="Signature and endorsement counters.")


@counts.command("verify")
@click.option("--fix", is_flag=True, help="Repair counters that drifted.")
def counts_verify(fix: bool):
    """Recompute counters from the rows; exit 1 when any drifted."""
    from campaign.signatures.counting import verify_counts

    drift = verify_counts(fix=fix)
    if fix:
        db.session.commit()
    for appeal_id, stored, actual in drift:
        click.echo(f"appeal {appeal_id}: counter says {stored}, signatures say {actual}")
    if drift:
        click.echo(f"{len(drift)} counter(s) drifted" + (" and were fixed." if fix else "."))
        raise SystemExit(1)
    click.echo("Counts are exact.")
