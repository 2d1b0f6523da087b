"""`flask privacy purge [--dry-run]`."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from campaign.core.engine import checkpoint_wal
from campaign.core.extensions import db

privacy = AppGroup("privacy", help="Erase personal data that is no longer needed.")


@privacy.command("purge")
@click.option("--dry-run", is_flag=True, help="Only count what would be erased.")
def purge_command(dry_run: bool):
    """Erase personal data of signatures and endorsements on appeals closed for longer than
    DATA_RETENTION_DAYS and of withdrawn ones, and blank old sent mail."""
    from campaign.privacy.services import purge

    result = purge(dry_run=dry_run)
    if dry_run:
        db.session.rollback()
        verb = "Would erase"
    else:
        db.session.commit()
        checkpoint_wal()
        verb = "Erased"
    click.echo(f"{verb} personal data of {result.signatures} signature(s).")
    click.echo(f"{verb} contact data of {result.endorsements} endorsement(s).")
    click.echo(f"{verb} {result.outbox_messages} old outbox message(s).")
