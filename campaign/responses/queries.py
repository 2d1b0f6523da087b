"""How the responses area is read: what pages, the feed and the API show, the lookups
campaigners' pages and the API share, and what services act on. Lists load what they show in
a fixed number of queries."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort
from sqlalchemy.orm import selectinload

from campaign.appeals.models import Appeal, Demand, DemandTarget, DueDateChange, Update
from campaign.authorities.models import Authority
from campaign.authorities.queries import get_authority_by_slug
from campaign.core.errors import ApiError
from campaign.core.extensions import db
from campaign.core.validation import InvalidInput, require
from campaign.responses.models import Response, StatusChange

#: Ids are 32-bit integers in the database; a bigger one names nothing (and would make
#: PostgreSQL raise instead of answering "not found").
MAX_ID = 2**31 - 1


# --- demand targets --------------------------------------------------------------------------


def appeal_targets(appeal: Appeal) -> list[DemandTarget]:
    return [t for d in appeal.demands for t in d.targets]


def get_appeal_target(appeal: Appeal, target_id: int | str | None) -> DemandTarget | None:
    """One of the appeal's targets by its id (as a form sends it), or None."""
    return next((t for t in appeal_targets(appeal) if str(t.id) == str(target_id)), None)


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


def get_target_or_404(demand_id: int, authority_slug: str) -> DemandTarget:
    """The target of demand `demand_id` addressed to the authority `authority_slug` (how the
    API names one): 404 for an unknown demand; InvalidInput (400) for an unknown authority or
    one the demand is not addressed to."""
    demand = get_demand(demand_id)
    if demand is None:
        raise ApiError(404, f"No demand {demand_id}.", fields={"demand": "Unknown demand."})
    authority = get_authority_by_slug(authority_slug)
    if authority is None:
        raise InvalidInput(
            f"Unknown authority {authority_slug!r}.", {"authority": "Unknown authority."}
        )
    return find_target(demand, authority)


# --- the history of targets ------------------------------------------------------------------


#: The order of a target's status history: when a change happened (a letter of June recorded
#: in December sits in June), then when it was typed.
CHANGE_ORDER = (StatusChange.occurred_on, StatusChange.recorded_at, StatusChange.id)


def _of_appeal_targets(model: type[StatusChange | DueDateChange], appeal_id: int) -> sa.Select:
    """Rows of a target's history (status changes or due date changes) that belong to the
    appeal, oldest first: the one join from a target's history to its appeal."""
    order = CHANGE_ORDER if model is StatusChange else (model.recorded_at, model.id)
    return (
        sa.select(model)
        .join(DemandTarget)
        .join(Demand)
        .where(Demand.appeal_id == appeal_id)
        .order_by(*order)
    )


def standing_change_before(
    target: DemandTarget, occurred_on=None, exclude: StatusChange | None = None
) -> StatusChange | None:
    """The latest change of the target still standing (not retracted), in the order things
    happened; with `occurred_on`, the latest that happened on or before that day (a change
    recorded now for that day comes after the ones already recorded for it)."""
    query = sa.select(StatusChange).where(
        StatusChange.demand_target_id == target.id, StatusChange.retracted_at.is_(None)
    )
    if occurred_on is not None:
        query = query.where(StatusChange.occurred_on <= occurred_on)
    if exclude is not None and exclude.id is not None:
        query = query.where(StatusChange.id != exclude.id)
    order = [c.desc() for c in CHANGE_ORDER]
    return db.session.execute(query.order_by(*order).limit(1)).scalar_one_or_none()


def appeal_status_changes(appeal_id: int, *where) -> list[StatusChange]:
    """The status changes of the appeal's targets (retracted ones too), oldest first, with
    their responses; `where` narrows them (e.g. to those not mailed yet)."""
    query = _of_appeal_targets(StatusChange, appeal_id).where(*where)
    return list(db.session.execute(query.options(selectinload(StatusChange.response))).scalars())


def appeal_due_date_changes(appeal_id: int) -> list[DueDateChange]:
    return list(db.session.execute(_of_appeal_targets(DueDateChange, appeal_id)).scalars())


def demand_has_history(demand: Demand) -> bool:
    """Whether a status change was ever recorded for one of the demand's targets."""
    query = sa.select(StatusChange.id).join(DemandTarget).where(DemandTarget.demand_id == demand.id)
    return db.session.execute(query.limit(1)).first() is not None


def get_status_change_or_404(
    change_id: int, appeal: Appeal | None = None, message: str | None = None
) -> StatusChange:
    """A status change by id, of `appeal`'s targets when an appeal is given; 404 (described
    by `message`) otherwise."""
    change = db.session.get(StatusChange, change_id) if 0 < change_id <= MAX_ID else None
    if change is None or (appeal is not None and _appeal_id(change) != appeal.id):
        abort(404, description=message)
    return change


def _appeal_id(change: StatusChange) -> int:
    return change.demand_target.demand.appeal_id


# --- responses and updates -------------------------------------------------------------------


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
