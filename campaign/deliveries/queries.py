"""Reading deliveries: an appeal's, the targets a delivery concerns, what to chase."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask import abort
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


def delivered_on_by_authority(appeal_id: int) -> dict[int, dt.date]:
    """authority id -> the day the appeal reached it, for public reads (dates only)."""
    rows = db.session.execute(
        sa.select(Delivery.authority_id, Delivery.delivered_on)
        .where(Delivery.appeal_id == appeal_id)
        .where(Delivery.status.in_(("sent", "delivered")))
    )
    return {authority_id: day for authority_id, day in rows if day is not None}


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
