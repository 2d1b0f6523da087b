"""Factory functions: make_appeal(**overrides) and friends. They commit, like a real request."""

from __future__ import annotations

import itertools

from campaign.accounts.services import create_user
from campaign.appeals.services import DemandInput, TargetInput, create_appeal, publish_appeal
from campaign.authorities.services import create_authority
from campaign.core.extensions import db
from campaign.core.limits import APPEAL_BODY_MAX
from campaign.core.markdown_fields import Rendered, render

_seq = itertools.count(1)


def markdown(source: str, max_length: int = APPEAL_BODY_MAX) -> Rendered:
    """A Markdown field's value as services take it, rendered as the views render it."""
    return render(source, field="body", max_length=max_length)


def make_user(role: str = "admin", email: str | None = None, password: str = "x" * 12):
    user = create_user(email or f"{role}{next(_seq)}@example.org", password, role)
    db.session.commit()
    return user


def make_authority(name: str | None = None, **fields):
    authority = create_authority(None, name=name or f"Authority {next(_seq)}", **fields)
    db.session.commit()
    return authority


def make_appeal(
    title: str | None = None,
    demands: int | list = 2,
    state: str = "published",
    authority=None,
    **fields,
):
    """An appeal with `demands` demands (a number, or a list of texts), each addressed to one
    authority, in the given state."""
    authority = authority or make_authority()
    texts = demands if isinstance(demands, list) else [f"Demand {i}" for i in range(1, demands + 1)]
    appeal = create_appeal(
        None,
        title=title or f"Appeal {next(_seq)}",
        summary=fields.pop("summary", "A short summary."),
        body=markdown(fields.pop("body", "The **body** of the appeal.")),
        demands=[DemandInput(text, [TargetInput(authority)]) for text in texts],
        **fields,
    )
    if state in ("published", "closed", "archived"):
        publish_appeal(None, appeal)
    if state in ("closed", "archived"):
        from campaign.appeals.services import close_appeal

        close_appeal(None, appeal)
    if state == "archived":
        from campaign.appeals.services import archive_appeal

        archive_appeal(None, appeal)
    db.session.commit()
    return appeal
