"""Figures about appeals for the dashboard, the stats page and the open data.

Time series come only from the hourly rollup (campaign/signatures/rollup.py), never from a
scan of signatures. Stored times are UTC; days and hours are shown in the appeal's time zone,
and a day is a calendar day there. An hour bucket belongs to the local day its start falls
in (exact for whole-hour offsets; zones with half-hour offsets shift by 30 minutes)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import sqlalchemy as sa

from campaign.appeals.models import Appeal, DemandTarget
from campaign.appeals.protection import STANDARD_COUNTRY_MINIMUM, country_minimum
from campaign.appeals.queries import list_published_appeals
from campaign.appeals.status import demand_status, today_utc
from campaign.core.database import utcnow
from campaign.core.extensions import db
from campaign.endorsements.models import Endorsement
from campaign.mail.models import OutboxMessage
from campaign.signatures.counting import signature_counts
from campaign.signatures.models import Signature
from campaign.signatures.rollup import NO_REF, hour_of, hourly_totals, totals_by

#: Countries with fewer signers than this are grouped as "other" in a standard appeal's public
#: figures (an at_risk appeal's threshold is higher: campaign.appeals.protection).
MIN_PUBLIC_COUNTRY = STANDARD_COUNTRY_MINIMUM
#: How many hours the dashboard's hourly chart covers.
RECENT_HOURS = 48
#: Confirmation rate and flagged share look at the latest RATE_SAMPLE signatures submitted in
#: the last RATE_WINDOW (by the appeal/created index), so the dashboard reads a bounded slice
#: of signatures however many there are.
RATE_WINDOW = dt.timedelta(days=7)
RATE_SAMPLE = 5000
ENDORSEMENT_PIPELINE = ("pending", "submitted", "approved", "rejected")


def appeal_zone(appeal: Appeal) -> ZoneInfo:
    try:
        return ZoneInfo(appeal.timezone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def local_midnight(day: dt.date, zone: ZoneInfo) -> dt.datetime:
    """The UTC instant a local calendar day starts."""
    return dt.datetime.combine(day, dt.time(), zone).astimezone(dt.UTC)


def local_today(appeal: Appeal, now: dt.datetime | None = None) -> dt.date:
    return (now or utcnow()).astimezone(appeal_zone(appeal)).date()


def first_day(appeal: Appeal) -> dt.date | None:
    if appeal.published_at is None:
        return None
    return appeal.published_at.astimezone(appeal_zone(appeal)).date()


def last_day(appeal: Appeal, now: dt.datetime | None = None) -> dt.date:
    """Today, or the closing day once the appeal has closed."""
    today = local_today(appeal, now)
    if appeal.closes_at is not None:
        today = min(today, appeal.closes_at.astimezone(appeal_zone(appeal)).date())
    return today


def daily_series(appeal: Appeal, first: dt.date, last: dt.date) -> list[tuple[dt.date, int]]:
    """(local day, signatures) for every day from first to last, zeros included."""
    if last < first:
        return []
    zone = appeal_zone(appeal)
    hours = hourly_totals(
        appeal.id, local_midnight(first, zone), local_midnight(last + dt.timedelta(days=1), zone)
    )
    days = {first + dt.timedelta(days=i): 0 for i in range((last - first).days + 1)}
    for hour, n in hours.items():
        day = hour.astimezone(zone).date()
        if day in days:
            days[day] += n
    return list(days.items())


def paper_by_day(appeal: Appeal) -> dict[dt.date, int]:
    """Paper signatures as steps on the last day of their collection (a handful of batch
    rows, never signatures); paper collected before publication steps in on the first day."""
    from campaign.paper.queries import paper_steps

    first = first_day(appeal)
    steps: dict[dt.date, int] = {}
    for day, n in paper_steps(appeal.id):
        day = max(day, first) if first is not None else day
        steps[day] = steps.get(day, 0) + n
    return steps


def hourly_series(
    appeal: Appeal, now: dt.datetime | None = None, hours: int = RECENT_HOURS
) -> list[tuple[dt.datetime, int]]:
    """(local hour start, signatures) for the last `hours` hours, the current one last."""
    end = hour_of(now or utcnow()) + dt.timedelta(hours=1)
    start = end - dt.timedelta(hours=hours)
    totals = hourly_totals(appeal.id, start, end)
    zone = appeal_zone(appeal)
    return [
        (
            (start + dt.timedelta(hours=i)).astimezone(zone),
            totals.get(start + dt.timedelta(hours=i), 0),
        )
        for i in range(hours)
    ]


def group_small_countries(
    totals: dict[str, int], minimum: int = MIN_PUBLIC_COUNTRY
) -> list[tuple[str, int]]:
    """Countries with at least `minimum` signers, most first; the rest summed as "other"."""
    shown = sorted(
        ((c, n) for c, n in totals.items() if n >= minimum), key=lambda item: (-item[1], item[0])
    )
    rest = sum(n for n in totals.values() if n < minimum)
    return shown + ([("other", rest)] if rest else [])


# --- the dashboard -----------------------------------------------------------------------------


@dataclass
class AppealSummary:
    appeal: Appeal
    total: int
    hourly: list[tuple[dt.datetime, int]]
    daily: list[tuple[dt.date, int]]
    today: int
    week: int
    submitted: int
    confirmed: int
    flagged: int
    endorsements_waiting: int
    overdue: list[DemandTarget] = field(default_factory=list)

    @property
    def confirmation_rate(self) -> float | None:
        return self.confirmed / self.submitted if self.submitted else None

    @property
    def flagged_share(self) -> float | None:
        return self.flagged / self.submitted if self.submitted else None


@dataclass
class MailHealth:
    waiting: int
    failed: int
    sent_last_hour: int


def _recent_submissions(appeal_id: int, since: dt.datetime) -> tuple[int, int, int]:
    """(submitted, confirmed or later, flagged) among the appeal's latest RATE_SAMPLE
    signatures created since `since`."""
    sample = (
        sa.select(Signature.state, Signature.flagged)
        .where(Signature.appeal_id == appeal_id, Signature.created_at >= since)
        .order_by(Signature.created_at.desc())
        .limit(RATE_SAMPLE)
        .subquery()
    )
    submitted, confirmed, flagged = db.session.execute(
        sa.select(
            sa.func.count(),
            sa.func.count().filter(sample.c.state != "pending"),
            sa.func.count(sample.c.flagged),
        )
    ).one()
    return int(submitted), int(confirmed), int(flagged)


def _endorsements_by_state(appeal_ids: list[int]) -> dict[tuple[int, str], int]:
    rows = db.session.execute(
        sa.select(Endorsement.appeal_id, Endorsement.state, sa.func.count())
        .where(Endorsement.appeal_id.in_(appeal_ids))
        .group_by(Endorsement.appeal_id, Endorsement.state)
    ).all()
    return {(a, s): int(n) for a, s, n in rows}


def overdue_targets(appeal: Appeal, today: dt.date | None = None) -> list[DemandTarget]:
    today = today or today_utc()
    return [t for d in appeal.demands for t in d.targets if t.is_overdue(today)]


def appeal_summaries(now: dt.datetime | None = None) -> list[AppealSummary]:
    now = now or utcnow()
    appeals = list_published_appeals()
    ids = [a.id for a in appeals]
    if not ids:
        return []
    totals = signature_counts(ids)
    endorsements = _endorsements_by_state(ids)
    today_all = today_utc()
    summaries = []
    for appeal in appeals:
        today = local_today(appeal, now)
        daily = daily_series(appeal, first_day(appeal) or today, today)
        submitted, confirmed, flagged = _recent_submissions(appeal.id, now - RATE_WINDOW)
        summaries.append(
            AppealSummary(
                appeal=appeal,
                total=totals[appeal.id],
                hourly=hourly_series(appeal, now),
                daily=daily,
                today=daily[-1][1] if daily else 0,
                week=sum(n for _, n in daily[-7:]),
                submitted=submitted,
                confirmed=confirmed,
                flagged=flagged,
                endorsements_waiting=endorsements.get((appeal.id, "submitted"), 0),
                overdue=overdue_targets(appeal, today_all),
            )
        )
    return summaries


def mail_health(now: dt.datetime | None = None) -> MailHealth:
    now = now or utcnow()
    waiting, failed, sent = db.session.execute(
        sa.select(
            sa.func.count().filter(
                OutboxMessage.sent_at.is_(None), OutboxMessage.failed_at.is_(None)
            ),
            sa.func.count(OutboxMessage.failed_at),
            sa.func.count().filter(OutboxMessage.sent_at >= now - dt.timedelta(hours=1)),
        )
    ).one()
    return MailHealth(int(waiting), int(failed), int(sent))


# --- one appeal ---------------------------------------------------------------------------------


@dataclass
class AppealStats:
    appeal: Appeal
    total: int
    by_country: list[tuple[str, int]]
    by_ref: list[tuple[str, int]]
    by_day: list[tuple[dt.date, int]]
    endorsements: list[tuple[str, int]]
    #: Rows of the demands x authorities board: (demand, status, {authority_id: target}).
    board_authorities: list
    board: list


def appeal_stats(appeal: Appeal, now: dt.datetime | None = None) -> AppealStats:
    today = local_today(appeal, now)
    countries = totals_by("country", appeal.id)
    refs = totals_by("ref", appeal.id)
    pipeline = _endorsements_by_state([appeal.id])
    authorities: dict[int, object] = {}
    for demand in appeal.demands:
        for target in demand.targets:
            authorities.setdefault(target.authority_id, target.authority)
    board = [
        (demand, demand_status(demand), {t.authority_id: t for t in demand.targets})
        for demand in appeal.demands
    ]
    return AppealStats(
        appeal=appeal,
        total=sum(countries.values()),
        by_country=sorted(countries.items(), key=lambda item: (-item[1], item[0])),
        by_ref=sorted(
            ((ref if ref != NO_REF else "", n) for ref, n in refs.items()),
            key=lambda item: (-item[1], item[0]),
        ),
        by_day=daily_series(appeal, first_day(appeal) or today, last_day(appeal, now)),
        endorsements=[
            (state, pipeline.get((appeal.id, state), 0)) for state in ENDORSEMENT_PIPELINE
        ],
        board_authorities=sorted(authorities.values(), key=lambda a: a.name),
        board=board,
    )


# --- open data ---------------------------------------------------------------------------------


def public_stats(appeal: Appeal, first: dt.date, last: dt.date) -> dict:
    """Confirmed online signatures per local day and per country (small countries as "other",
    by the appeal's protection level); paper batches apart: `paper_count` (all of them) and
    `paper` (per last day of collection, in the window)."""
    zone = appeal_zone(appeal)
    minimum = country_minimum(appeal)
    days = daily_series(appeal, first, last)
    countries = totals_by(
        "country",
        appeal.id,
        local_midnight(first, zone),
        local_midnight(last + dt.timedelta(days=1), zone),
    )
    paper = sorted((day, n) for day, n in paper_by_day(appeal).items() if first <= day <= last)
    return {
        "appeal": appeal.slug,
        "timezone": zone.key,
        "from": first.isoformat(),
        "to": last.isoformat(),
        "total": sum(n for _, n in days),
        "paper_count": appeal.paper_count,
        "paper": [{"date": day.isoformat(), "signatures": n} for day, n in paper],
        "min_country_size": minimum,
        "days": [{"date": day.isoformat(), "signatures": n} for day, n in days],
        "countries": [
            {"country": c, "signatures": n} for c, n in group_small_countries(countries, minimum)
        ],
    }
