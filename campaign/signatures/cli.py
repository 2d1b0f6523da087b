"""`flask counts ...` (the counters kept by campaign.signatures.counting and the hourly rollup)
and `flask export signatures SLUG` (an appeal's signatures as CSV, streamed; sealed with a key).
create_app() registers them (campaign.register_commands)."""

from __future__ import annotations

import datetime as dt

import click
from flask.cli import AppGroup, with_appcontext

from campaign.appeals.cli import appeal_argument
from campaign.appeals.queries import count_appeals
from campaign.core.database import utcnow
from campaign.core.extensions import db
from campaign.core.progress import progress_bar
from campaign.privacy.export_cli import export_options, write_export
from campaign.signatures.counting import verify_counts, verify_rollups
from campaign.signatures.export import appeal_signatures, count_signatures, signature_csv
from campaign.signatures.rollup import fold_shards

counts = AppGroup("counts", help="Signature and endorsement counters.")


@counts.command("verify")
@click.option("--fix", is_flag=True, help="Repair counters that drifted.")
def counts_verify(fix: bool):
    """Recompute counters from the rows (online signatures, the hourly rollup, and each
    appeal's paper count from its batches); exit 1 when any drifted."""
    from campaign.paper.services import verify_paper_counts

    with progress_bar("Recounting signatures", count_appeals) as advance:
        drift = verify_counts(fix=fix, advance=advance)
    with progress_bar("Checking the hourly rollup", count_appeals) as advance:
        rollup_drift = verify_rollups(fix=fix, advance=advance)
    paper_drift = verify_paper_counts(fix=fix)
    if fix:
        db.session.commit()
    for appeal_id, stored, actual in drift:
        click.echo(f"appeal {appeal_id}: counter says {stored}, signatures say {actual}")
    for appeal_id, stored, actual, hours in rollup_drift:
        click.echo(
            f"appeal {appeal_id}: hourly rollup says {stored}, signatures say {actual}"
            f" ({hours} hour/country/channel row(s) differ)"
        )
    for appeal_id, stored, actual in paper_drift:
        click.echo(f"appeal {appeal_id}: paper count says {stored}, paper batches say {actual}")
    if drift or rollup_drift or paper_drift:
        fixed = " and were fixed." if fix else "."
        total = len(drift) + len(rollup_drift) + len(paper_drift)
        click.echo(f"{total} counter(s) drifted{fixed}")
        raise SystemExit(1)
    click.echo("Counts are exact.")


@counts.command("fold")
@click.option("--hours", default=2, show_default=True, help="Leave the last N hours sharded.")
def counts_fold(hours: int):
    """Fold the hourly rollup's shards of past hours into one row each (cheaper charts)."""
    if hours < 0:
        raise click.BadParameter("must be 0 or more", param_hint="--hours")
    removed = fold_shards(utcnow() - dt.timedelta(hours=hours))
    db.session.commit()
    click.echo(f"Folded the hourly rollup: {removed} row(s) fewer.")


@click.command("signatures")
@click.argument("slug")
@export_options
@with_appcontext
def export_signatures(slug: str, seal_to: str | None, sealed: bool, out: str | None):
    """Write the appeal's signatures (with personal data) as CSV to stdout or --out; sealed
    (age) to --seal-to or to the appeal's sealing key when it has one."""
    appeal = appeal_argument(slug)
    appeal_id = appeal.id
    write_export(
        appeal,
        "signatures",
        lambda: signature_csv(appeal_signatures(appeal_id)),
        seal_to=seal_to,
        sealed=sealed,
        out=out,
        rows=lambda: count_signatures(appeal_id),
    )
