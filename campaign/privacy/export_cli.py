"""How the export commands write: plain CSV, or sealed to an age public key
(campaign.privacy.sealing), to stdout or a new 0600 file; and `flask export open`, which
opens a sealed export on the campaigner's own machine."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable, Iterable

import click

from campaign.appeals.models import Appeal
from campaign.core.engine import reads_before_writes
from campaign.core.extensions import db
from campaign.core.files import open_new_private_for_command
from campaign.core.progress import progress
from campaign.core.validation import InvalidInput
from campaign.privacy.exports import record_export, seal_for
from campaign.privacy.sealing import OpenError, open_sealed, seal_to_file


def export_options(command: Callable) -> Callable:
    """--seal-to, --sealed and --out, as every export command takes them."""

    @click.option(
        "--seal-to",
        metavar="PUBLIC_KEY",
        help="Seal the file to this age public key (age1...). Without it, the appeal's own "
        "sealing key is used when it has one.",
    )
    @click.option("--sealed", is_flag=True, help="Refuse to write a plain file (no key: exit 1).")
    @click.option(
        "--out",
        type=click.Path(dir_okay=False, writable=True),
        help="Write to this new file (mode 0600) instead of stdout.",
    )
    @functools.wraps(command)
    def wrapped(*args, **kwargs):
        return command(*args, **kwargs)

    return wrapped


def write_export(
    appeal: Appeal,
    what: str,
    chunks: Callable[[], Iterable[str]],
    *,
    seal_to: str | None,
    sealed: bool,
    out: str | None,
    rows: Callable[[], int] | None = None,
) -> None:
    """Write `chunks()` (CSV text), sealed when a key applies; audited as `export.<what>`.
    `rows()` counts the data rows, for the progress bar drawn when stderr is a terminal."""
    try:
        key = seal_for(appeal, seal_to)
    except InvalidInput as error:
        raise click.ClickException(f"--seal-to: {error.message}") from None
    if sealed and not key:
        raise click.ClickException(
            f"Appeal {appeal.slug!r} has no sealing key: set one in the admin or give --seal-to."
        )
    if key and not out and sys.stdout.isatty():
        raise click.ClickException("A sealed export is binary: give --out FILE or redirect it.")
    record_export(None, appeal, what, key, via="cli")
    db.session.commit()
    target = open_new_private_for_command(out, "wb") if out else sys.stdout.buffer
    try:
        # A read transaction: commands otherwise take SQLite's write lock at BEGIN, and
        # signers would wait for the whole export.
        with reads_before_writes():
            text = _with_progress(chunks(), what, rows)
            if key:
                seal_to_file(text, key, target)
            else:
                for chunk in text:
                    target.write(chunk.encode())
    except BaseException:
        if out:  # half an export is no export: leave no file that looks like one
            target.close()
            os.unlink(out)
        raise
    finally:
        if not target.closed:
            target.flush()
            if out:
                target.close()
    if out:
        click.echo(f"{'Sealed export' if key else 'Export'} written to {out}.", err=True)


def _with_progress(
    chunks: Iterable[str], what: str, rows: Callable[[], int] | None
) -> Iterable[str]:
    """The chunks, moving a bar by the lines each holds (the header and one per row; a cell
    with a line break in it counts twice, and the bar stops at its end)."""
    if rows is None:
        return chunks
    return progress(chunks, f"Exporting {what}", lambda: rows() + 1, size=_lines)


def _lines(chunk: str) -> int:
    return chunk.count("\n")


@click.command("open")
@click.argument("file", type=click.File("rb"))
@click.option(
    "--key",
    "key_file",
    required=True,
    type=click.File("r"),
    help="The secret key file (from `flask keys generate --out` or age-keygen).",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, writable=True),
    help="Write the CSV to this new file (mode 0600) instead of stdout.",
)
def open_export(file, key_file, out: str | None):
    """Open a sealed export (.csv.age) with its secret key, on your own computer.

    `age -d -i KEYFILE FILE` does the same without Answerable installed."""
    secret = key_file.read()
    if not out:
        try:
            open_sealed(file, sys.stdout.buffer, secret)
        except OpenError as error:
            sys.stdout.flush()
            raise click.ClickException(f"{error} Anything written above is incomplete.") from None
        sys.stdout.flush()
        return
    if os.path.lexists(out):
        raise click.ClickException(f"{out} already exists: choose another file.")
    partial = out + ".partial"
    target = open_new_private_for_command(partial, "wb")
    try:
        with target:
            open_sealed(file, target, secret)
    except OpenError as error:
        os.unlink(partial)
        raise click.ClickException(str(error)) from None
    try:
        os.link(partial, out)  # never replaces a file that is already there
    except FileExistsError:
        os.unlink(partial)
        raise click.ClickException(f"{out} already exists: choose another file.") from None
    os.unlink(partial)
    click.echo(f"Opened: {out}", err=True)
