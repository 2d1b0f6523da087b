"""`flask privacy purge [--dry-run]`."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from campaign.core.engine import checkpoint_wal
from campaign.core.extensions import db
from campaign.core.progress import progress_bar

privacy = AppGroup("privacy", help="Erase personal data that is no longer needed.")


@privacy.command("purge")
@click.option("--dry-run", is_flag=True, help="Only count what would be erased.")
def purge_command(dry_run: bool):
    """Erase personal data of signatures and endorsements on appeals closed for longer than
    their retention period (the appeal's own, else AT_RISK_RETENTION_DAYS for at-risk appeals
    and DATA_RETENTION_DAYS for others) and of withdrawn ones, and blank old sent mail."""
    from campaign.privacy.services import purge, signatures_due

    if dry_run:
        result = purge(dry_run=True)
    else:
        with progress_bar("Erasing signers' personal data", signatures_due) as advance:
            result = purge(advance=advance)
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
    click.echo(f"{verb} {result.paper_scans} scan(s) of paper batches.")


@privacy.command("shred")
@click.argument("slug", required=False)
@click.option("--all", "everything", is_flag=True, help="Every appeal, and the IP day keys.")
@click.option("--yes", is_flag=True, help="Required: there is no undo.")
def shred_command(slug: str | None, everything: bool, yes: bool):
    """Emergency erase: destroy the data key of appeal SLUG (or of every appeal with --all),
    then blank its personal data. Counts, public names, statuses and responses stay."""
    import time

    from campaign.privacy.shred import appeals_to_shred, clean_rows, count_rows, destroy_keys

    if bool(slug) == everything:
        raise click.UsageError("Give one appeal's SLUG, or --all (not both).")
    if not yes:
        raise click.UsageError("Shredding cannot be undone: add --yes to go ahead.")
    try:
        appeals = appeals_to_shred(slug, everything)
    except LookupError:
        raise click.ClickException(f"No appeal {slug!r}.") from None
    started = time.perf_counter()
    when = destroy_keys(None, appeals, everything)
    db.session.commit()
    destroyed = time.perf_counter() - started
    click.echo(
        f"Destroyed the data keys of {len(appeals)} appeal(s) at {when:%Y-%m-%d %H:%M:%S} UTC "
        f"in {destroyed:.3f} s: their personal data can no longer be read."
    )
    started = time.perf_counter()
    ids = [a.id for a in appeals]
    with progress_bar("Blanking signatures", lambda: count_rows(ids)) as advance:
        cleaned = clean_rows(ids, everything, advance=advance)
    click.echo(
        f"Blanked {cleaned.signatures} signature(s), {cleaned.endorsements} endorsement(s), "
        f"{cleaned.outbox_messages} outbox message(s) and {cleaned.paper_scans} paper scan(s)"
        f" in {time.perf_counter() - started:.3f} s."
    )
