"""enqueue(): the only way to send an email. It writes an outbox row in the caller's
transaction; a worker sends it after commit (campaign.mail.worker)."""

from __future__ import annotations

import json

from flask import render_template
from flask_babel import force_locale

from campaign.extensions import db
from campaign.mail.models import OutboxMessage
from campaign.mail.queue import mark_outbox_written


def render_mail(template: str, language: str = "en", **context) -> tuple[str, str, str]:
    """(subject, text, html) from templates/mail/<template>.txt and .html, in `language`.

    The text template's first line is 'Subject: ...'."""
    with force_locale(language):
        text = render_template(f"mail/{template}.txt", **context)
        html = render_template(f"mail/{template}.html", **context)
    first, _, rest = text.partition("\n")
    if not first.startswith("Subject:"):
        raise ValueError(f"mail/{template}.txt must start with a 'Subject:' line")
    return first.removeprefix("Subject:").strip(), rest.lstrip("\n"), html


def enqueue(
    to: str,
    template: str,
    *,
    kind: str | None = None,
    language: str = "en",
    dedupe_key: str | None = None,
    headers: dict | None = None,
    **context,
) -> OutboxMessage:
    subject, text, html = render_mail(template, language, **context)
    message = OutboxMessage(
        to=to,
        subject=subject,
        text=text,
        html=html,
        kind=kind or template,
        dedupe_key=dedupe_key,
        headers=json.dumps(headers) if headers else None,
    )
    db.session.add(message)
    mark_outbox_written(db.session())
    return message
