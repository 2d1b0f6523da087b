"""What closing or archiving an appeal will do, in numbers, for the page that asks first."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa

from campaign.appeals.models import Appeal
from campaign.appeals.protection import retention_days
from campaign.core.database import utcnow
from campaign.core.extensions import db
from campaign.signatures.counting import signature_count
from campaign.signatures.models import Signature


@dataclass(frozen=True)
class Consequences:
    #: Counted signatures: they stay counted.
    signatures: int
    endorsements: int
    #: Signers who have not confirmed their address yet: after closing they cannot.
    pending: int
    retention_days: int
    #: When `privacy purge` erases the signers' personal data (the retention counts from
    #: closing: from now for an appeal about to close).
    erased_on: dt.date


def consequences(appeal: Appeal) -> Consequences:
    closed_at = appeal.closed_at or utcnow()
    days = retention_days(appeal)
    pending = db.session.scalar(
        sa.select(sa.func.count(Signature.id)).where(
            Signature.appeal_id == appeal.id,
            Signature.state == "pending",
            Signature.flagged.is_(None),
        )
    )
    return Consequences(
        signatures=signature_count(appeal.id),
        endorsements=appeal.endorsement_count,
        pending=pending or 0,
        retention_days=days,
        erased_on=(closed_at + dt.timedelta(days=days)).date(),
    )
