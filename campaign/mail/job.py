"""The RQ job that campaign.mail.queue pushes after a commit that wrote mail: send what is due,
with the same code as the polling worker (campaign.mail.worker.drain).

RQ imports it by name in the process that runs it. That is `flask outbox work`, which runs
jobs inside its app context; a plain `rq worker` has none, so the job builds the app. That
makes this module an entry point, like app.py: it imports the factory, and nothing in the
package imports it."""

from __future__ import annotations

from flask import has_app_context

from campaign import create_app
from campaign.core.extensions import db
from campaign.mail.worker import drain


def send_job() -> int:
    """Returns how many messages went."""
    if has_app_context():
        return _drain()
    with create_app().app_context():
        return _drain()


def _drain() -> int:
    try:
        return drain()
    finally:
        db.session.remove()
