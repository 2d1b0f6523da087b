import sys

import click
from flask.cli import AppGroup

from campaign.accounts.models import ROLES
from campaign.accounts.queries import find_user
from campaign.accounts.services import AccountError, create_user, issue_token
from campaign.core.extensions import db

users = AppGroup("users", help="Campaigner accounts.")


@users.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice(ROLES), required=True)
def users_create(email: str, role: str):
    """Create a campaigner. The password is read from stdin unless it is a terminal."""
    if sys.stdin.isatty():
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    try:
        user = create_user(email, password, role)
    except AccountError as exc:
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"Created {user.email} ({user.role}).")


@users.command("token")
@click.argument("email")
def users_token(email: str):
    """Print a new API bearer token for a campaigner."""
    user = find_user(email)
    if user is None or not user.active:
        raise click.ClickException(f"no active user with email {email}")
    token = issue_token(user)
    db.session.commit()
    click.echo(token)
