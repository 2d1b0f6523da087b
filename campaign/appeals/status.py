"""Derived statuses: a demand's summary from its targets, an appeal's progress line.

The appeal page, tracker, API, feed and emails all read these, so they always agree."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask_babel import ngettext

from campaign.appeals.models import OPEN_STATUSES, Appeal, Demand


def today_utc() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


#: A demand's summary when its targets do not agree (never a target's status).
MIXED = "mixed"


def summarize(statuses) -> str:
    """A demand's summary of its targets' statuses: the status they all share, else `mixed`
    (pages show each authority's status beside it); `awaiting` with no target."""
    distinct = set(statuses)
    if not distinct:
        return "awaiting"
    return distinct.pop() if len(distinct) == 1 else MIXED


def demand_status(demand: Demand) -> str:
    return summarize(t.status for t in demand.targets)


def demand_overdue(demand: Demand, today: dt.date | None = None) -> bool:
    today = today or today_utc()
    return any(t.is_overdue(today) for t in demand.targets)


@dataclass(frozen=True)
class Progress:
    """The appeal's demands counted by their summary. `met` and `rejected` count demands
    every target of which agrees; `partially_met` counts demands with some progress that
    is not all met: a target met or partially met while the others are not (so a `mixed`
    demand with one authority met counts here, never as met)."""

    total: int
    met: int
    partially_met: int
    rejected: int
    overdue: int
    answered: int

    def summary(self) -> str:
        parts = [
            ngettext("%(met)d of %(num)d demand met", "%(met)d of %(num)d demands met",
                     self.total, met=self.met)
        ]  # fmt: skip
        if self.overdue:
            parts.append(ngettext("%(num)d overdue", "%(num)d overdue", self.overdue))
        return ", ".join(parts)


def _some_progress(demand: Demand) -> bool:
    statuses = [t.status for t in demand.targets]
    return any(s in ("met", "partially_met") for s in statuses) and summarize(statuses) != "met"


def appeal_progress(appeal: Appeal, today: dt.date | None = None) -> Progress:
    today = today or today_utc()
    statuses = [demand_status(d) for d in appeal.demands]
    return Progress(
        total=len(statuses),
        met=statuses.count("met"),
        partially_met=sum(1 for d in appeal.demands if _some_progress(d)),
        rejected=statuses.count("rejected"),
        overdue=sum(1 for d in appeal.demands if demand_overdue(d, today)),
        answered=sum(1 for s in statuses if s != "awaiting"),
    )


@dataclass(frozen=True)
class Waiting:
    """How long a target still waits for an answer: days since the appeal reached its
    authority (or since publication when no delivery is recorded), or, once overdue, days
    since its due date."""

    days: int
    overdue: bool
    #: Counted from the delivery to the authority, not from publication.
    since_delivery: bool = False


def target_waiting(
    target, appeal: Appeal, today: dt.date | None = None, delivered_on: dt.date | None = None
) -> Waiting | None:
    """Overdue (awaiting or acknowledged past the due date) as before; otherwise only a target
    still `awaiting` waits: one that acknowledged has answered. `delivered_on` is the day the
    appeal reached the target's authority (campaign.deliveries.queries.delivered_on)."""
    today = today or today_utc()
    if target.status not in OPEN_STATUSES or appeal.published_at is None:
        return None
    if target.is_overdue(today):
        return Waiting(days=(today - target.due_on).days, overdue=True)
    if target.status != "awaiting":
        return None
    start = delivered_on or appeal.published_at.date()
    return Waiting(
        days=max((today - start).days, 0), overdue=False, since_delivery=delivered_on is not None
    )
