"""The daily digest: one mail per appeal to its campaigners (active users who can deliver and
record responses: editors and admins) with what needs them today:

- replies waiting to be read or recorded (from the inbox, campaign.inbox);
- targets due within three working days (in their authority's country's calendar);
- targets newly overdue (their due date passed since the last digest);
- deliveries that bounced since the last digest;
- chasers drafted and waiting for approval.

Idempotent per day: a DigestRun row (unique per appeal and day) is written with the mails, so
running it twice on one day (the worker's chore, `flask deliveries digest`) sends nothing the
second time. A digest with nothing to say is not sent (the run is still recorded)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from email.utils import parseaddr

import sqlalchemy as sa

from campaign.accounts.models import User
from campaign.appeals.models import OPEN_STATUSES, Appeal, Demand, DemandTarget
from campaign.appeals.status import today_utc
from campaign.core.extensions import db
from campaign.core.urls import external_url
from campaign.deliveries.models import Chaser, Delivery, DigestRun
from campaign.deliveries.workdays import working_days_after
from campaign.inbox import queries as inbox_queries
from campaign.mail.services import enqueue

#: "Due soon": within this many working days.
DUE_SOON_WORKING_DAYS = 3
#: The roles that get the digest.
DIGEST_ROLES = ("editor", "admin")


@dataclass(frozen=True)
class WaitingReply:
    subject: str
    #: The authority's name, else the name in the From header: never an address.
    sender_name: str
    received_at: dt.datetime


def replies_waiting(appeal: Appeal) -> list[WaitingReply]:
    """The appeal's inbound replies not yet recorded as a response or dismissed (campaign.inbox),
    newest first."""
    return [
        WaitingReply(
            subject=item.subject or "-",
            sender_name=item.authority.name if item.authority else parseaddr(item.sender)[0] or "-",
            received_at=item.received_at,
        )
        for item in inbox_queries.replies_waiting(appeal)
    ]


@dataclass
class Digest:
    appeal: Appeal
    day: dt.date
    due_soon: list[DemandTarget] = field(default_factory=list)
    newly_overdue: list[DemandTarget] = field(default_factory=list)
    bounced: list[Delivery] = field(default_factory=list)
    replies: list = field(default_factory=list)
    chasers: list[Chaser] = field(default_factory=list)

    def is_empty(self) -> bool:
        return not (
            self.due_soon or self.newly_overdue or self.bounced or self.replies or self.chasers
        )


def _last_run(appeal: Appeal, day: dt.date) -> dt.date | None:
    return db.session.execute(
        sa.select(sa.func.max(DigestRun.day))
        .where(DigestRun.appeal_id == appeal.id)
        .where(DigestRun.day < day)
    ).scalar()


def build_digest(appeal: Appeal, day: dt.date) -> Digest:
    digest = Digest(appeal, day)
    since = _last_run(appeal, day) or day - dt.timedelta(days=1)
    targets = db.session.execute(
        sa.select(DemandTarget)
        .join(Demand, DemandTarget.demand_id == Demand.id)
        .where(Demand.appeal_id == appeal.id)
        .where(DemandTarget.status.in_(OPEN_STATUSES))
        .where(DemandTarget.due_on.is_not(None))
        .order_by(DemandTarget.due_on, Demand.position)
    ).scalars()
    for target in targets:
        if since <= target.due_on < day:
            # Overdue from the day after its due date; since the last digest, newly so.
            digest.newly_overdue.append(target)
        elif target.due_on >= day:
            country = target.authority.country
            if target.due_on <= working_days_after(country, day, DUE_SOON_WORKING_DAYS):
                digest.due_soon.append(target)
    start = dt.datetime.combine(since, dt.time(), tzinfo=dt.UTC)
    digest.bounced = list(
        db.session.execute(
            sa.select(Delivery)
            .where(Delivery.appeal_id == appeal.id)
            .where(Delivery.status == "bounced")
            .where(Delivery.bounced_at >= start)
        ).scalars()
    )
    digest.chasers = list(
        db.session.execute(
            sa.select(Chaser)
            .join(Delivery, Chaser.delivery_id == Delivery.id)
            .where(Delivery.appeal_id == appeal.id)
            .where(Chaser.approved_at.is_(None))
        ).scalars()
    )
    digest.replies = list(replies_waiting(appeal))
    return digest


def campaigners() -> list[User]:
    return list(
        db.session.execute(
            sa.select(User)
            .where(User.active.is_(True))
            .where(User.role.in_(DIGEST_ROLES))
            .order_by(User.id)
        ).scalars()
    )


def send_digests(day: dt.date | None = None) -> int:
    """Write today's digest of every published or closed appeal to the outbox; returns how
    many mails. The caller commits."""
    day = day or today_utc()
    done = set(
        db.session.execute(sa.select(DigestRun.appeal_id).where(DigestRun.day == day)).scalars()
    )
    appeals = db.session.execute(
        sa.select(Appeal)
        .where(Appeal.state.in_(("published", "closed")))
        .where(Appeal.id.not_in(done) if done else sa.true())
        .order_by(Appeal.id)
    ).scalars()
    people = campaigners()
    sent = 0
    for appeal in appeals:
        digest = build_digest(appeal, day)
        recipients = [] if digest.is_empty() else people
        db.session.add(DigestRun(appeal_id=appeal.id, day=day, recipients=len(recipients)))
        for user in recipients:
            enqueue(
                user.email,
                "digest",
                kind="digest",
                dedupe_key=f"digest:{appeal.id}:{day.isoformat()}:{user.id}",
                digest=digest,
                admin_url=external_url("admin.deliveries", slug=appeal.slug),
            )
            sent += 1
        db.session.flush()
    return sent
