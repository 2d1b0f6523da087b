"""Derived statuses: a demand's summary from its targets, an appeal's progress line.

The appeal page, tracker, API, feed and emails all read these, so they always agree."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask_babel import ngettext

from campaign.appeals.models import OPEN_STATUSES, Appeal, Demand


def today_utc() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


def demand_status(demand: Demand) -> str:
    statuses = [t.status for t in demand.targets]
    if not statuses:
        return "awaiting"
    if all(s == "met" for s in statuses):
        return "met"
    if any(s in ("met", "partially_met") for s in statuses):
        return "partially_met"
    if all(s == "rejected" for s in statuses):
        return "rejected"
    for status in ("in_progress", "acknowledged", "rejected"):
        if status in statuses:
            return status
    return "awaiting"


def demand_overdue(demand: Demand, today: dt.date | None = None) -> bool:
    today = today or today_utc()
    return any(t.is_overdue(today) for t in demand.targets)


@dataclass(frozen=True)
class Progress:
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


def appeal_progress(appeal: Appeal, today: dt.date | None = None) -> Progress:
    today = today or today_utc()
    statuses = [demand_status(d) for d in appeal.demands]
    return Progress(
        total=len(statuses),
        met=statuses.count("met"),
        partially_met=statuses.count("partially_met"),
        rejected=statuses.count("rejected"),
        overdue=sum(1 for d in appeal.demands if demand_overdue(d, today)),
        answered=sum(1 for s in statuses if s != "awaiting"),
    )


@dataclass(frozen=True)
class Waiting:
    """How long a target still waits for an answer: days since publication, or, once overdue,
    days since its due date."""

    days: int
    overdue: bool


def target_waiting(target, appeal: Appeal, today: dt.date | None = None) -> Waiting | None:
    """None once the authority moved past awaiting/acknowledged."""
    today = today or today_utc()
    if target.status not in OPEN_STATUSES or appeal.published_at is None:
        return None
    if target.is_overdue(today):
        return Waiting(days=(today - target.due_on).days, overdue=True)
    return Waiting(days=max((today - appeal.published_at.date()).days, 0), overdue=False)
