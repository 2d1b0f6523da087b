import click
from flask.cli import AppGroup

from campaign.appeals.demo import demo_steps, load_demo
from campaign.appeals.models import Appeal
from campaign.appeals.queries import get_appeal_by_slug
from campaign.core.extensions import db
from campaign.core.progress import progress_bar

demo = AppGroup("demo", help="The demo appeal.")


def appeal_argument(slug: str) -> Appeal:
    """The appeal a command's SLUG argument names, drafts included; a one-line error if none."""
    appeal = get_appeal_by_slug(slug)
    if appeal is None:
        raise click.ClickException(f"No appeal with slug {slug!r}.")
    return appeal


@demo.command("load")
def demo_load():
    """Load the demo appeal (idempotent)."""
    with progress_bar("Loading the demo appeal", demo_steps) as advance:
        appeal, created = load_demo(advance)
    db.session.commit()
    click.echo(f"{'Loaded' if created else 'Already there'}: /appeals/{appeal.slug}")
