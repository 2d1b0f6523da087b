"""`flask export endorsements SLUG`: every endorsement of an appeal as CSV, streamed.

The export is private (campaigners follow up by email), so it includes contact emails.
Cells that a spreadsheet would run as a formula are neutralized. With a sealing key, the
file is sealed (campaign.privacy.export_cli)."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from campaign.appeals.cli import appeal_argument
from campaign.core.csvexport import csv_line
from campaign.endorsements.queries import count_export_rows, export_rows
from campaign.privacy.export_cli import export_options, write_export

COLUMNS = (
    "id",
    "state",
    "organization",
    "kind",
    "country",
    "website",
    "domain_verified",
    "signatory_name",
    "signatory_role",
    "contact_email",
    "comment",
    "wants_updates",
    "initiator",
    "added_by_campaigner",
    "flagged",
    "created_at",
    "submitted_at",
    "moderated_at",
    "withdrawn_at",
)


def _row(e) -> tuple:
    org = e.organization
    return (
        e.id,
        e.state,
        org.name,
        org.kind,
        org.country,
        org.website,
        "yes" if e.domain_verified_at else "no",
        e.signatory_name,
        e.signatory_role,
        e.contact_email,
        e.comment,
        "yes" if e.wants_updates else "no",
        "yes" if e.is_initiator else "no",
        "yes" if e.added_by_id else "no",
        e.flagged,
        e.created_at,
        e.submitted_at,
        e.moderated_at,
        e.withdrawn_at,
    )


@click.command("endorsements")
@click.argument("slug")
@export_options
@with_appcontext
def export_endorsements(slug: str, seal_to: str | None, sealed: bool, out: str | None):
    """Every endorsement of the appeal SLUG as CSV (with private contact emails); sealed
    (age) to --seal-to or to the appeal's sealing key when it has one."""
    appeal = appeal_argument(slug)

    def lines():
        yield csv_line(COLUMNS)
        for endorsement in export_rows(appeal):
            yield csv_line(_row(endorsement))

    write_export(
        appeal,
        "endorsements",
        lines,
        seal_to=seal_to,
        sealed=sealed,
        out=out,
        rows=lambda: count_export_rows(appeal),
    )
