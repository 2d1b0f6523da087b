"""An appeal's timeline (published, delivered, responses, status changes, updates) and its
tracker (each demand's targets with status, waiting time and history).

The single source for the appeal page, the tracker, the Atom feed, the API and the emails:
statuses come from the targets and campaign.appeals.status, never recomputed elsewhere."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from flask_babel import gettext as _

from campaign.appeals.models import Appeal, Demand, DemandTarget, DueDateChange, Update
from campaign.appeals.status import (
    Waiting,
    demand_overdue,
    demand_status,
    summarize,
    target_waiting,
)
from campaign.authorities.models import Authority
from campaign.core.labels import label
from campaign.deliveries.queries import delivered_on
from campaign.responses.models import Response, StatusChange
from campaign.responses.queries import (
    appeal_due_date_changes,
    appeal_responses,
    appeal_status_changes,
    appeal_updates,
)

#: Order of entries that share a date: what happened first in the life of an appeal.
KIND_ORDER = {"published": 0, "delivered": 1, "response": 2, "status_change": 3, "update": 4}


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), tzinfo=dt.UTC)


@dataclass
class TimelineEntry:
    kind: str
    #: Stable key, also the anchor on the tracker ("response-12").
    key: str
    #: When it happened (a date's midnight UTC for responses, status changes, deliveries).
    at: dt.datetime
    #: When it was recorded here, for feeds.
    recorded: dt.datetime
    title: str
    text: str = ""
    source_url: str | None = None
    authority: Authority | None = None
    demand_positions: list[int] = field(default_factory=list)
    from_status: str | None = None
    to_status: str | None = None
    response_kind: str | None = None
    document: str | None = None
    update: Update | None = None
    response_id: int | None = None
    #: For a status change: its demand's summary just after it (campaign.appeals.status), and
    #: each authority's status then, so a feed entry tells the state of the whole demand.
    demand_status: str | None = None
    target_statuses: list[tuple[Authority, str]] = field(default_factory=list)

    @property
    def date(self) -> dt.date:
        return self.at.date()


def build_timeline(
    appeal: Appeal,
    responses: list[Response] | None = None,
    changes: list[StatusChange] | None = None,
    updates: list[Update] | None = None,
) -> list[TimelineEntry]:
    """Oldest first. Retracted status changes are left out (the tracker shows them, marked)."""
    responses = appeal_responses(appeal) if responses is None else responses
    changes = appeal_status_changes(appeal.id) if changes is None else changes
    updates = appeal_updates(appeal) if updates is None else updates
    targets = {t.id: (d, t) for d in appeal.demands for t in d.targets}
    entries: list[TimelineEntry] = []
    if appeal.published_at is not None:
        entries.append(
            TimelineEntry("published", "published", appeal.published_at, appeal.published_at,
                          _("The appeal was published"))
        )  # fmt: skip
    if appeal.delivered_on is not None:
        entries.append(
            TimelineEntry("delivered", "delivered", _midnight(appeal.delivered_on),
                          appeal.updated_at or _midnight(appeal.delivered_on),
                          _("The appeal was delivered to the authorities"),
                          text=appeal.delivery_note or "")
        )  # fmt: skip
    for response in responses:
        entries.append(
            TimelineEntry(
                "response", f"response-{response.id}", _midnight(response.occurred_on),
                response.created_at,
                _("%(authority)s: %(kind)s", authority=response.authority.name,
                  kind=label(response.kind)),
                text=response.summary, source_url=response.source_url,
                authority=response.authority,
                demand_positions=sorted(d.position for d in response.demands),
                response_kind=response.kind, document=response.document,
                response_id=response.id,
            )
        )  # fmt: skip
    # Replayed in the order things happened: each target's status as of each change.
    standing = dict.fromkeys(targets, "awaiting")
    for change in sorted(changes, key=lambda c: (c.occurred_on, c.recorded_at, c.id)):
        if change.retracted_at is not None or change.demand_target_id not in targets:
            continue
        demand, target = targets[change.demand_target_id]
        standing[target.id] = change.to_status
        then = [(t.authority, standing[t.id]) for t in demand.targets]
        entries.append(
            TimelineEntry(
                "status_change", f"change-{change.id}", _midnight(change.occurred_on),
                change.recorded_at,
                _("Demand %(num)d, %(authority)s: %(status)s", num=demand.position,
                  authority=target.authority.name, status=label(change.to_status)),
                text=change.note, source_url=change.source_url, authority=target.authority,
                demand_positions=[demand.position], from_status=change.from_status,
                to_status=change.to_status, response_id=change.response_id,
                demand_status=summarize(status for _a, status in then), target_statuses=then,
            )
        )  # fmt: skip
    for update in updates:
        entries.append(
            TimelineEntry("update", f"update-{update.id}", update.published_at,
                          update.published_at, update.title, text=update.body, update=update)
        )  # fmt: skip
    # When it happened, then what comes first in an appeal's life, then when it was typed.
    entries.sort(key=lambda e: (e.date, KIND_ORDER[e.kind], e.at, e.recorded, e.key))
    return entries


# --- the tracker -----------------------------------------------------------------------------


@dataclass
class HistoryItem:
    change: StatusChange
    response: Response | None


@dataclass
class TargetRow:
    target: DemandTarget
    status: str
    overdue: bool
    waiting: Waiting | None
    history: list[HistoryItem]
    due_changes: list[DueDateChange]
    responses: list[Response]
    #: The day the appeal reached the target's authority (its delivery), if known.
    delivered_on: dt.date | None = None


@dataclass
class DemandRow:
    demand: Demand
    status: str
    overdue: bool
    targets: list[TargetRow]


@dataclass
class Tracker:
    demands: list[DemandRow]
    responses: list[Response]
    timeline: list[TimelineEntry]


def build_tracker(appeal: Appeal, today: dt.date) -> Tracker:
    responses = appeal_responses(appeal)
    changes = appeal_status_changes(appeal.id)
    due_changes = appeal_due_date_changes(appeal.id)
    by_target: dict[int, list[StatusChange]] = {}
    for change in changes:
        by_target.setdefault(change.demand_target_id, []).append(change)
    due_by_target: dict[int, list[DueDateChange]] = {}
    for due in due_changes:
        due_by_target.setdefault(due.demand_target_id, []).append(due)
    rows = []
    for demand in appeal.demands:
        target_rows = []
        for target in demand.targets:
            concerning = [
                r for r in responses
                if r.authority_id == target.authority_id and demand in r.demands
            ]  # fmt: skip
            delivered = delivered_on(target)
            target_rows.append(
                TargetRow(
                    target=target,
                    status=target.status,
                    overdue=target.is_overdue(today),
                    waiting=target_waiting(target, appeal, today, delivered),
                    history=[HistoryItem(c, c.response) for c in by_target.get(target.id, [])],
                    due_changes=due_by_target.get(target.id, []),
                    responses=concerning,
                    delivered_on=delivered,
                )
            )
        rows.append(
            DemandRow(demand, demand_status(demand), demand_overdue(demand, today), target_rows)
        )
    return Tracker(rows, responses, build_timeline(appeal, responses, changes))
