import click
from flask.cli import AppGroup

from campaign.appeals.demo import load_demo
from campaign.core.extensions import db

demo = AppGroup("demo", help="The demo appeal.")


@demo.command("load")
def demo_load():
    """Load the demo appeal (idempotent)."""
    appeal, created = load_demo()
    db.session.commit()
    click.echo(f"{'Loaded' if created else 'Already there'}: /appeals/{appeal.slug}")
