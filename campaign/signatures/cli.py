"""`flask export signatures SLUG`: an appeal's signatures as CSV on stdout, streamed."""

from __future__ import annotations

import sys

import click

from campaign.appeals.queries import get_appeal_by_slug
from campaign.commands import export
from campaign.core.engine import reads_before_writes
from campaign.signatures.export import appeal_signatures, signature_csv


@export.command("signatures")
@click.argument("slug")
def export_signatures(slug: str):
    """Write the appeal's signatures (with personal data) as CSV to stdout."""
    appeal = get_appeal_by_slug(slug)
    if appeal is None:
        raise click.ClickException(f"No appeal with the slug {slug!r}.")
    # A read transaction: commands otherwise take SQLite's write lock at BEGIN, and signers
    # would wait for the whole export.
    with reads_before_writes():
        for line in signature_csv(appeal_signatures(appeal.id)):
            click.echo(line, nl=False)
    sys.stdout.flush()
