"""An authority's record across public appeals: demands addressed to it, how many it answered,
how fast, how many it met or rejected. Computed in a fixed number of queries for any number of
authorities.

A target counts as answered once the authority responded about that demand (a Response that
concerns it) or its status moved past awaiting (an unretracted change). Days to first response
count from the appeal's delivery date, or its publication when no delivery is recorded."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager, selectinload

from campaign.appeals.models import Appeal, Demand, DemandTarget
from campaign.appeals.status import today_utc
from campaign.authorities.models import Authority
from campaign.core.extensions import db
from campaign.responses.models import Response, StatusChange

SORTS = ("name", "response_rate", "addressed")


@dataclass
class TargetRecord:
    target: DemandTarget
    appeal: Appeal
    demand: Demand
    overdue: bool
    first_response_on: dt.date | None
    days_to_first_response: int | None

    @property
    def answered(self) -> bool:
        return self.first_response_on is not None


@dataclass
class AuthorityRecord:
    authority: Authority
    targets: list[TargetRecord] = field(default_factory=list)
    responses: list[Response] = field(default_factory=list)

    @property
    def addressed(self) -> int:
        return len(self.targets)

    @property
    def answered(self) -> int:
        return sum(1 for t in self.targets if t.answered)

    @property
    def response_rate(self) -> float | None:
        return self.answered / self.addressed if self.addressed else None

    @property
    def met(self) -> int:
        return sum(1 for t in self.targets if t.target.status == "met")

    @property
    def rejected(self) -> int:
        return sum(1 for t in self.targets if t.target.status == "rejected")

    @property
    def overdue(self) -> int:
        return sum(1 for t in self.targets if t.overdue)

    @property
    def appeals(self) -> list[Appeal]:
        seen: dict[int, Appeal] = {}
        for t in self.targets:
            seen.setdefault(t.appeal.id, t.appeal)
        return list(seen.values())

    @property
    def average_days_to_first_response(self) -> float | None:
        days = [t.days_to_first_response for t in self.targets if t.answered]
        return round(sum(days) / len(days), 1) if days else None


def authority_records(
    authorities: list[Authority], today: dt.date | None = None
) -> list[AuthorityRecord]:
    today = today or today_utc()
    records = {a.id: AuthorityRecord(a) for a in authorities}
    if not records:
        return []
    targets = db.session.execute(
        sa.select(DemandTarget)
        .join(DemandTarget.demand)
        .join(Demand.appeal)
        .where(DemandTarget.authority_id.in_(records), Appeal.is_public)
        .options(contains_eager(DemandTarget.demand).contains_eager(Demand.appeal))
        .order_by(Appeal.published_at.desc(), Appeal.id, Demand.position)
    ).scalars().all()  # fmt: skip
    responses = db.session.execute(
        sa.select(Response)
        .join(Response.appeal)
        .where(Response.authority_id.in_(records), Appeal.is_public)
        .options(selectinload(Response.demands), contains_eager(Response.appeal))
        .order_by(Response.occurred_on, Response.id)
    ).scalars().all()  # fmt: skip
    first_change: dict[int, dt.date] = {}
    for target_id, first in db.session.execute(
        sa.select(StatusChange.demand_target_id, sa.func.min(StatusChange.occurred_on))
        .where(
            StatusChange.demand_target_id.in_([t.id for t in targets]),
            StatusChange.retracted_at.is_(None),
            StatusChange.to_status != "awaiting",
        )
        .group_by(StatusChange.demand_target_id)
    ):
        if first is not None:  # when it happened, not when it was typed
            first_change[target_id] = first
    first_response: dict[tuple[int, int], dt.date] = {}
    for response in responses:
        records[response.authority_id].responses.append(response)
        for demand in response.demands:
            key = (response.authority_id, demand.id)
            first_response.setdefault(key, response.occurred_on)
    for target in targets:
        appeal = target.demand.appeal
        candidates = [
            d for d in (first_response.get((target.authority_id, target.demand_id)),
                        first_change.get(target.id)) if d is not None
        ]  # fmt: skip
        first = min(candidates) if candidates else None
        start = appeal.delivered_on or (appeal.published_at.date() if appeal.published_at else None)
        days = max((first - start).days, 0) if first and start else None
        records[target.authority_id].targets.append(
            TargetRecord(target, appeal, target.demand, target.is_overdue(today), first, days)
        )
    return [records[a.id] for a in authorities]


def authority_record(authority: Authority, today: dt.date | None = None) -> AuthorityRecord:
    return authority_records([authority], today)[0]


def sorted_records(records: list[AuthorityRecord], sort: str) -> list[AuthorityRecord]:
    by_name = sorted(records, key=lambda r: r.authority.name.casefold())
    if sort == "response_rate":
        return sorted(by_name, key=lambda r: (r.response_rate is None, -(r.response_rate or 0)))
    if sort == "addressed":
        return sorted(by_name, key=lambda r: -r.addressed)
    return by_name
