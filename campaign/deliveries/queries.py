"""Reading deliveries: an appeal's, the targets a delivery concerns, what to chase."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask import abort, g, has_app_context
from sqlalchemy.orm import selectinload

from campaign.appeals.models import Appeal, Demand, DemandTarget
from campaign.authorities.models import Authority
from campaign.core.extensions import db
from campaign.deliveries.models import Chaser, Delivery, WorkingDayOverride


def targets_for(appeal: Appeal, authority: Authority) -> list[DemandTarget]:
    """The targets of the appeal's demands addressed to this authority, by demand position."""
    return list(
        db.session.execute(
            sa.select(DemandTarget)
            .join(Demand, DemandTarget.demand_id == Demand.id)
            .where(Demand.appeal_id == appeal.id, DemandTarget.authority_id == authority.id)
            .order_by(Demand.position)
        ).scalars()
    )


def get_delivery(appeal: Appeal, authority: Authority) -> Delivery | None:
    return db.session.execute(
        sa.select(Delivery).where(
            Delivery.appeal_id == appeal.id, Delivery.authority_id == authority.id
        )
    ).scalar_one_or_none()


def appeal_deliveries(appeal: Appeal) -> list[Delivery]:
    return list(
        db.session.execute(
            sa.select(Delivery).where(Delivery.appeal_id == appeal.id).order_by(Delivery.id)
        ).scalars()
    )


def delivered_on_by_authority(appeal_ids) -> dict[int, dict[int, dt.date]]:
    """appeal id -> authority id -> the day the appeal reached it (dates only: public)."""
    found: dict[int, dict[int, dt.date]] = {appeal_id: {} for appeal_id in appeal_ids}
    if not found:
        return found
    rows = db.session.execute(
        sa.select(Delivery.appeal_id, Delivery.authority_id, Delivery.delivered_on)
        .where(Delivery.appeal_id.in_(list(found)))
        .where(Delivery.status.in_(("sent", "delivered")))
        .where(Delivery.delivered_on.is_not(None))
    )
    for appeal_id, authority_id, day in rows:
        found[appeal_id][authority_id] = day
    return found


def _known() -> dict:
    return g.setdefault("delivered_on_by_appeal", {}) if has_app_context() else {}


def remember_delivered_on(appeal_ids) -> None:
    """Load the delivery dates of a list of appeals in one query, for delivered_on()."""
    known = _known()
    known.update(delivered_on_by_authority([i for i in appeal_ids if i not in known]))


def delivered_on(target: DemandTarget) -> dt.date | None:
    """The day the target's authority received its appeal; one query per appeal and request
    (kept in flask.g), whatever the number of targets read; lists call remember_delivered_on()
    first, for one query in all."""
    appeal_id = target.demand.appeal_id
    known = _known()
    if appeal_id not in known:
        known.update(delivered_on_by_authority([appeal_id]))
    return known[appeal_id].get(target.authority_id)


def deliveries_to_chase(today: dt.date) -> list[tuple[Delivery, dt.date]]:
    """(delivery, due date) for each delivery (sent or delivered, to an authority with a
    contact email) with a target of its authority past its due date and still awaiting, and
    no chaser for that due date yet."""
    rows = db.session.execute(
        sa.select(Delivery, sa.func.max(DemandTarget.due_on))
        .join(Demand, Demand.appeal_id == Delivery.appeal_id)
        .join(
            DemandTarget,
            sa.and_(
                DemandTarget.demand_id == Demand.id,
                DemandTarget.authority_id == Delivery.authority_id,
            ),
        )
        .join(Authority, Authority.id == Delivery.authority_id)
        .where(Delivery.status.in_(("sent", "delivered")))
        .where(Authority.contact_email.is_not(None))
        .where(DemandTarget.status == "awaiting")
        .where(DemandTarget.due_on < today)
        .group_by(Delivery.id)
    ).all()
    due = [(delivery, due_on) for delivery, due_on in rows]
    if not due:
        return []
    chased = set(
        db.session.execute(
            sa.select(Chaser.delivery_id, Chaser.due_on).where(
                Chaser.delivery_id.in_([d.id for d, _ in due])
            )
        ).all()
    )
    return [(d, due_on) for d, due_on in due if (d.id, due_on) not in chased]


def appeal_chasers(appeal: Appeal) -> list[Chaser]:
    return list(
        db.session.execute(
            sa.select(Chaser)
            .join(Delivery, Chaser.delivery_id == Delivery.id)
            .where(Delivery.appeal_id == appeal.id)
            .options(selectinload(Chaser.delivery))
            .order_by(Chaser.id)
        ).scalars()
    )


def get_chaser_or_404(appeal: Appeal, chaser_id: int) -> Chaser:
    chaser = db.session.get(Chaser, chaser_id)
    if chaser is None or chaser.delivery.appeal_id != appeal.id:
        abort(404)
    return chaser


def working_day_overrides() -> list[WorkingDayOverride]:
    return list(
        db.session.execute(
            sa.select(WorkingDayOverride).order_by(
                WorkingDayOverride.country, WorkingDayOverride.day
            )
        ).scalars()
    )


def delivery_count(appeal_id: int) -> int:
    return db.session.execute(
        sa.select(sa.func.count()).select_from(Delivery).where(Delivery.appeal_id == appeal_id)
    ).scalar_one()
