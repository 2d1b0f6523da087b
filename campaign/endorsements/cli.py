"""`flask export endorsements SLUG`: every endorsement of an appeal as CSV on stdout, streamed.

The export is private (campaigners follow up by email), so it includes contact emails.
Cells that a spreadsheet would run as a formula are neutralized."""

from __future__ import annotations

import csv
import sys

import click
from flask import Flask
from flask.cli import AppGroup, with_appcontext

from campaign.appeals.services import get_appeal_by_slug
from campaign.endorsements.queries import export_rows

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
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralize(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def _row(e) -> list[str]:
    org = e.organization
    values = (
        e.id,
        e.state,
        org.name,
        org.kind,
        org.country,
        org.website,
        "yes" if org.domain_verified_at else "no",
        e.signatory_name,
        e.signatory_role,
        e.contact_email,
        e.comment,
        "yes" if e.wants_updates else "no",
        "yes" if e.is_initiator else "no",
        "yes" if e.added_by_id else "no",
        e.flagged,
        e.created_at.isoformat() if e.created_at else "",
        e.submitted_at.isoformat() if e.submitted_at else "",
        e.moderated_at.isoformat() if e.moderated_at else "",
        e.withdrawn_at.isoformat() if e.withdrawn_at else "",
    )
    return [neutralize(v) for v in values]


@click.command("endorsements")
@click.argument("slug")
@with_appcontext
def export_endorsements(slug: str):
    """Every endorsement of the appeal SLUG as CSV (with private contact emails)."""
    appeal = get_appeal_by_slug(slug)
    if appeal is None:
        raise click.ClickException(f"No appeal with slug {slug!r}.")
    writer = csv.writer(sys.stdout)
    writer.writerow(COLUMNS)
    for endorsement in export_rows(appeal):
        writer.writerow(_row(endorsement))


def register_export(app: Flask) -> None:
    """Add `endorsements` to the `export` group, creating the group if no other area has."""
    group = app.cli.commands.get("export")
    if not isinstance(group, click.Group):
        group = AppGroup("export", help="CSV exports (private data: handle with care).")
        app.cli.add_command(group)
    group.add_command(export_endorsements)
