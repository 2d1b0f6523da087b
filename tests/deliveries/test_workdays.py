"""Working days: weekends, Kyrgyz public holidays (from `holidays`), and admins' overrides."""

from __future__ import annotations

import datetime as dt

import pytest

from campaign.core.extensions import db
from campaign.deliveries.models import WorkingDayOverride
from campaign.deliveries.workdays import add_working_days, is_working_day, working_days_after

D = dt.date


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (D(2026, 3, 16), 0, D(2026, 3, 16)),  # no term: the day itself
        (D(2026, 3, 16), 1, D(2026, 3, 17)),  # Monday + 1 = Tuesday
        (D(2026, 3, 13), 1, D(2026, 3, 16)),  # Friday + 1 skips the weekend
        # 20 March 2026 (Friday) is Eid al-Fitr, 21 March (Saturday) Nooruz:
        (D(2026, 3, 19), 1, D(2026, 3, 23)),
        # The May holidays: 1-9 May 2026, every day off.
        (D(2026, 4, 30), 1, D(2026, 5, 11)),
        # 14 working days from Monday 2 March 2026: 8 March is a Sunday holiday, 20 March off.
        (D(2026, 3, 2), 14, D(2026, 3, 23)),
    ],
)
def test_add_working_days_in_kyrgyzstan(start, n, expected):
    assert add_working_days("KG", start, n) == expected


def test_a_substituted_saturday_is_a_working_day():
    # holidays lists 11 January 2025 (a Saturday) as a working day in Kyrgyzstan.
    assert is_working_day("KG", D(2025, 1, 11))
    assert not is_working_day("KG", D(2025, 1, 18))
    assert add_working_days("KG", D(2025, 1, 10), 1) == D(2025, 1, 11)


def test_an_unknown_or_missing_country_has_weekends_only():
    assert add_working_days(None, D(2026, 3, 19), 1) == D(2026, 3, 20)
    assert add_working_days("ZZ", D(2026, 3, 13), 1) == D(2026, 3, 16)


def test_overrides_win_over_the_calendar():
    overrides = {D(2026, 3, 17): False, D(2026, 3, 21): True}
    assert add_working_days("KG", D(2026, 3, 16), 1, overrides) == D(2026, 3, 18)
    assert add_working_days("KG", D(2026, 3, 19), 1, overrides) == D(2026, 3, 21)


def test_the_term_is_bounded():
    with pytest.raises(ValueError):
        add_working_days("KG", D(2026, 1, 1), -1)
    with pytest.raises(ValueError):
        add_working_days("KG", D(2026, 1, 1), 366)


def test_overrides_in_the_database_count(app):
    db.session.add(WorkingDayOverride(country="KG", day=D(2026, 3, 17), working=False, note="x"))
    db.session.commit()
    assert working_days_after("KG", D(2026, 3, 16), 1) == D(2026, 3, 18)
    assert working_days_after("KZ", D(2026, 3, 16), 1) == D(2026, 3, 17)
