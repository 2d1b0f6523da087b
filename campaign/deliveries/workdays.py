"""Working days: the legal term to answer counts them, per country.

A day is a working day when the `holidays` package says so for the country (weekends, public
holidays, and its substituted days: a Saturday made working when a holiday moves), unless an
admin says otherwise for that day (a WorkingDayOverride: a decree moving a holiday, a day of
mourning). A country `holidays` does not know, or none, has Saturday and Sunday off only."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from functools import lru_cache
from typing import TYPE_CHECKING

import sqlalchemy as sa

from campaign.core.extensions import db
from campaign.deliveries.models import WorkingDayOverride

if TYPE_CHECKING:
    import holidays

#: Sanity bound: no legal term runs past a year.
MAX_TERM_DAYS = 365


@lru_cache(maxsize=16)
def _calendar(country: str | None) -> holidays.HolidayBase | None:
    if not country:
        return None
    import holidays  # 2 MB that web workers need only when a due date is computed

    try:
        return holidays.country_holidays(country.upper())
    except NotImplementedError:
        return None


def is_working_day(
    country: str | None, day: dt.date, overrides: Mapping[dt.date, bool] | None = None
) -> bool:
    if overrides and day in overrides:
        return overrides[day]
    calendar = _calendar(country)
    if calendar is None:
        return day.weekday() < 5
    return calendar.is_working_day(day)


def overrides_for(country: str | None, start: dt.date, end: dt.date) -> dict[dt.date, bool]:
    """The admin's overrides for `country` between two dates, as {day: working}."""
    if not country:
        return {}
    rows = db.session.execute(
        sa.select(WorkingDayOverride.day, WorkingDayOverride.working)
        .where(WorkingDayOverride.country == country.upper())
        .where(WorkingDayOverride.day.between(start, end))
    )
    return {day: bool(working) for day, working in rows}


def add_working_days(
    country: str | None,
    start: dt.date,
    n: int,
    overrides: Mapping[dt.date, bool] | None = None,
) -> dt.date:
    """The n-th working day after `start` (start itself not counted, as a term runs from the
    day after receipt). n = 0 gives `start`. Pure: pass the admin's overrides (overrides_for)
    or none."""
    if not 0 <= n <= MAX_TERM_DAYS:
        raise ValueError(f"a term of {n} working days is out of range")
    day, counted = start, 0
    while counted < n:
        day += dt.timedelta(days=1)
        if is_working_day(country, day, overrides):
            counted += 1
    return day


def working_days_after(country: str | None, start: dt.date, n: int) -> dt.date:
    """add_working_days() with the admin's overrides from the database."""
    # A term of n working days never spans more than n * 3 + 60 calendar days here.
    overrides = overrides_for(country, start, start + dt.timedelta(days=n * 3 + 60))
    return add_working_days(country, start, n, overrides)


def working_days_between(country: str | None, start: dt.date, end: dt.date) -> int:
    """How many working days after `start` up to and including `end` (0 when end <= start)."""
    overrides = overrides_for(country, start, end)
    count, day = 0, start
    while day < end:
        day += dt.timedelta(days=1)
        count += is_working_day(country, day, overrides)
    return count
