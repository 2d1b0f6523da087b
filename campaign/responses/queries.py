"""Read-only lookups of the responses area: what pages, the feed and the API show, and what
services act on. Lists load what they show in a fixed number of queries."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from campaign.appeals.models import Appeal, Demand, DemandTarget, DueDateChange, Update
from campaign.core.extensions import db
from campaign.core.validation import InvalidInput, require
from campaign.responses.models import Authority, Response, StatusChange

#: Ids are 32-bit integers in the database; a bigger one names nothing (and would make
#: PostgreSQL raise instead of answering "not found").
MAX_ID = 2**31 - 1


def appeal_targets(appeal: Appeal) -> list[DemandTarget]:
    return [t for d in appeal.demands for t in d.targets]


def find_target(demand: Demand, authority: Authority | None) -> DemandTarget:
    require(authority is not None, "authority", "Unknown authority.")
    for target in demand.targets:
        if target.authority_id == authority.id:
            return target
    raise InvalidInput(
        f"Demand {demand.position} is not addressed to {authority.name}.",
        {"authority": f"Demand {demand.position} is not addressed to {authority.name}."},
    )


def get_demand(demand_id: int) -> Demand | None:
    if not 0 < demand_id <= MAX_ID:
        return None
    return db.session.execute(
        sa.select(Demand)
        .where(Demand.id == demand_id)
        .options(selectinload(Demand.targets).joinedload(DemandTarget.authority))
    ).scalar_one_or_none()


def get_status_change(change_id: int) -> StatusChange | None:
    return db.session.get(StatusChange, change_id) if 0 < change_id <= MAX_ID else None


def get_response(response_id: int) -> Response | None:
    return db.session.get(Response, response_id) if 0 < response_id <= MAX_ID else None


def appeal_responses(appeal: Appeal) -> list[Response]:
    """The appeal's responses, oldest first, with the demands they concern."""
    return list(
        db.session.execute(
            sa.select(Response)
            .where(Response.appeal_id == appeal.id)
            .options(selectinload(Response.demands))
            .order_by(Response.occurred_on, Response.id)
        ).scalars()
    )


def appeal_status_changes(appeal: Appeal) -> list[StatusChange]:
    """Every status change of the appeal's targets (retracted ones too), oldest first."""
    return list(
        db.session.execute(
            sa.select(StatusChange)
            .join(DemandTarget)
            .join(Demand)
            .where(Demand.appeal_id == appeal.id)
            .options(selectinload(StatusChange.response))
            .order_by(StatusChange.recorded_at, StatusChange.id)
        ).scalars()
    )


def appeal_due_date_changes(appeal: Appeal) -> list[DueDateChange]:
    return list(
        db.session.execute(
            sa.select(DueDateChange)
            .join(DemandTarget)
            .join(Demand)
            .where(Demand.appeal_id == appeal.id)
            .order_by(DueDateChange.recorded_at, DueDateChange.id)
        ).scalars()
    )


def appeal_updates(appeal: Appeal) -> list[Update]:
    return list(
        db.session.execute(
            sa.select(Update)
            .where(Update.appeal_id == appeal.id, Update.published_at.is_not(None))
            .order_by(Update.published_at, Update.id)
        ).scalars()
    )


def get_public_document(name: str) -> Response | None:
    """The response a document belongs to, if its appeal is public."""
    response = db.session.execute(
        sa.select(Response).where(Response.document == name)
    ).scalar_one_or_none()
    if response is None or not response.appeal.is_public:
        return None
    return response


def get_update(appeal: Appeal, update_id: int) -> Update | None:
    update = db.session.get(Update, update_id) if 0 < update_id <= MAX_ID else None
    if update is None or update.appeal_id != appeal.id or update.published_at is None:
        return None
    return update
