"""The nightly check of the counters (the worker's `counts-verify` chore): recompute them as
`flask counts verify` does and, when any drifted, mail the admins. Nothing is repaired here:
a count that changes on the public page should be a person's decision (`--fix`)."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from campaign.accounts.models import User
from campaign.appeals.models import Appeal
from campaign.core.extensions import db
from campaign.mail.services import enqueue
from campaign.signatures.counting import verify_counts, verify_rollups


@dataclass(frozen=True)
class Drift:
    title: str
    #: "counter" (the public count) or "rollup" (the hourly chart's rows).
    what: str
    stored: int
    actual: int


def find_drift() -> list[Drift]:
    counters = [(a, s, n, "counter") for a, s, n in verify_counts()]
    rollups = [(a, s, n, "rollup") for a, s, n, _hours in verify_rollups()]
    found = counters + rollups
    if not found:
        return []
    ids = {appeal_id for appeal_id, *_ in found}
    query = sa.select(Appeal.id, Appeal.title).where(Appeal.id.in_(ids))
    titles = dict(db.session.execute(query).all())
    return [Drift(titles.get(a, f"#{a}"), what, s, n) for a, s, n, what in found]


def admins() -> list[User]:
    query = sa.select(User).where(User.active.is_(True)).where(User.role == "admin")
    return list(db.session.execute(query.order_by(User.id)).scalars())


def tell_admins_of_drift() -> tuple[int, int]:
    """Recompute every counter; when any drifted, write one mail to each active admin.
    (drifted counters, mails written); the caller commits."""
    drift = find_drift()
    if not drift:
        return 0, 0
    people = admins()
    for user in people:
        enqueue(user.email, "counts_drift", kind="counts_drift", drift=drift)
    return len(drift), len(people)
