"""`flask keys init`: the master key file that wraps every data key (campaign.core.datakeys)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

keys_cli = AppGroup("keys", help="The master key file and keypairs.")


@keys_cli.command("init")
def init_command():
    """Create the master key file named by DATA_KEY_FILE (mode 0600); refuses to overwrite.
    Back it up apart from the database: without it the encrypted data cannot be read."""
    from campaign.core.datakeys import create_key_file

    path = current_app.config["DATA_KEY_FILE"]
    try:
        create_key_file(path)
    except FileExistsError:
        raise click.ClickException(
            f"{path} already exists; refusing to overwrite it (that would make every "
            "encrypted value unreadable)."
        ) from None
    except OSError as exc:
        raise click.ClickException(f"Cannot create {path}: {exc.strerror}.") from None
    click.echo(f"Created the master key file {path} (mode 0600). Back it up separately.")
