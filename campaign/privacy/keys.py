"""`flask keys`: the master key file that wraps every data key (campaign.core.datakeys), and
key pairs for sealed exports (campaign.privacy.sealing).

The master key lives on the server, apart from the database; a sealing key pair's secret half
stays offline with the coalition, and the appeal holds only its public key."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from campaign.core.files import open_new_private_for_command
from campaign.privacy.sealing import generate_keypair, identity_file_text

keys_cli = AppGroup("keys", help="The master key file and key pairs for sealed exports.")


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


@keys_cli.command("generate", with_appcontext=False)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, writable=True),
    help="Write the secret key to this new file (mode 0600) instead of printing it.",
)
def generate(out: str | None):
    """Make a key pair for sealed exports: the public key goes into the appeal, the secret
    key stays offline with the coalition (whoever holds it opens every sealed export).

    Printed, stdout is an age key file (comments, then the secret key)."""
    public, secret = generate_keypair()
    text = identity_file_text(public, secret)
    if out:
        with open_new_private_for_command(out) as file:
            file.write(text)
        click.echo(f"Public key: {public}")
        click.echo(f"Secret key written to {out} (mode 0600).")
    else:  # stdout is a key file that age reads as it is: `flask keys generate > FILE` works
        click.echo(text, nl=False)
        click.echo(f"Public key: {public}", err=True)
    click.echo(
        "Paste the public key into the appeal's sealing key (admin, or sealing_public_key in "
        "the API). Keep the secret key offline, never on the server: if this machine is the "
        "server, move the key file off it and delete it here.",
        err=True,
    )
