"""How inbound mail is read: the inbox lists, one message, published copies for the tracker."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort
from sqlalchemy.orm import selectinload

from campaign.core.extensions import db
from campaign.deliveries.models import Delivery
from campaign.inbox.models import Correspondence, CorrespondenceAttachment, RedactionRule

BOXES = ("new", "unmatched", "recorded", "dismissed", "all")


def list_correspondence(appeal=None, box: str = "new", limit: int = 200) -> list[Correspondence]:
    query = sa.select(Correspondence).options(selectinload(Correspondence.appeal))
    if appeal is not None:
        query = query.where(Correspondence.appeal_id == appeal.id)
    if box == "unmatched":
        query = query.where(Correspondence.appeal_id.is_(None))
    elif box in ("new", "recorded", "dismissed"):
        query = query.where(Correspondence.state == box)
    query = query.order_by(Correspondence.received_at.desc(), Correspondence.id.desc())
    return list(db.session.scalars(query.limit(limit)))


def appeal_correspondence(appeal) -> list[Correspondence]:
    """Every message of an appeal, oldest first (the API)."""
    return list(
        db.session.scalars(
            sa.select(Correspondence)
            .where(Correspondence.appeal_id == appeal.id)
            .order_by(Correspondence.received_at, Correspondence.id)
        )
    )


def replies_waiting(appeal) -> list[Correspondence]:
    """An appeal's replies (auto-replies too) not yet recorded or dismissed, newest first."""
    return list(
        db.session.scalars(
            sa.select(Correspondence)
            .where(
                Correspondence.appeal_id == appeal.id,
                Correspondence.state == "new",
                Correspondence.kind != "bounce",
            )
            .order_by(Correspondence.received_at.desc(), Correspondence.id.desc())
        )
    )


def count_waiting() -> dict[str, int]:
    new = sa.func.count().filter(Correspondence.state == "new")
    unmatched = sa.func.count().filter(
        Correspondence.state == "new", Correspondence.appeal_id.is_(None)
    )
    row = db.session.execute(sa.select(new, unmatched).select_from(Correspondence)).one()
    return {"new": row[0], "unmatched": row[1]}


def bounced_deliveries() -> list[Delivery]:
    return list(
        db.session.scalars(
            sa.select(Delivery)
            .where(Delivery.status == "bounced")
            .options(selectinload(Delivery.appeal))
            .order_by(Delivery.bounced_at.desc())
        )
    )


def get_correspondence_or_404(item_id: int) -> Correspondence:
    item = db.session.get(Correspondence, item_id)
    if item is None:
        abort(404)
    return item


def get_attachment_or_404(item: Correspondence, attachment_id: int) -> CorrespondenceAttachment:
    for attachment in item.attachments:
        if attachment.id == attachment_id and attachment.document:
            return attachment
    abort(404)


def get_rule_or_404(rule_id: int) -> RedactionRule:
    rule = db.session.get(RedactionRule, rule_id)
    if rule is None:
        abort(404)
    return rule


def published_correspondence(appeal) -> list[Correspondence]:
    """An appeal's published messages (their redacted public copies), oldest first."""
    return list(
        db.session.scalars(
            sa.select(Correspondence)
            .where(Correspondence.appeal_id == appeal.id, Correspondence.published_at.is_not(None))
            .order_by(Correspondence.received_at, Correspondence.id)
        )
    )


def published_by_authority(appeal) -> dict[int, list[Correspondence]]:
    """An appeal's published messages keyed by authority id, oldest first: the tracker."""
    found: dict[int, list[Correspondence]] = {}
    for row in published_correspondence(appeal):
        found.setdefault(row.authority_id, []).append(row)
    return found


def appeal_inbox_counts(appeal_id: int) -> tuple[int, int]:
    """(messages of the appeal, replies among them not yet recorded or dismissed), one query."""
    waiting = sa.func.count().filter(Correspondence.state == "new", Correspondence.kind != "bounce")
    row = db.session.execute(
        sa.select(sa.func.count(), waiting)
        .select_from(Correspondence)
        .where(Correspondence.appeal_id == appeal_id)
    ).one()
    return row[0], row[1]
