"""The appeal page's growth chart covers the appeal's whole life, from publication, with
paper batches as steps on their last day of collection; by week when the life is long."""

from __future__ import annotations

import datetime as dt

import time_machine

from campaign.core.extensions import db
from campaign.paper.services import record_paper_batch
from tests.dashboard.helpers import appeal_at, signed, utc


def _table_rows(page: str) -> list[tuple[str, str]]:
    """(label, value) rows of the growth chart's data table."""
    start = page.index('id="figure-growth"')
    table = page[page.index("<tbody>", start) : page.index("</tbody>", start)]
    cells = [c.split(">", 1)[1].split("<", 1)[0].strip() for c in table.split("<t")[1:]]
    cells = [c for c in cells if c]
    return list(zip(cells[::2], cells[1::2], strict=False))


def test_chart_covers_more_than_30_days_with_paper_steps(app, client):
    appeal = appeal_at(utc(2025, 3, 1, 8))
    signed(appeal, utc(2025, 3, 1, 9))  # day one: outside any "last 30 days" window
    signed(appeal, utc(2025, 3, 20, 9))
    with time_machine.travel(utc(2025, 4, 10, 12), tick=False):
        record_paper_batch(
            None, appeal, count=40, collected_by="Volunteers", place="Naryn",
            collected_from=dt.date(2025, 3, 25), collected_to=dt.date(2025, 3, 28),
        )  # fmt: skip
        db.session.commit()
        page = client.get(f"/appeals/{appeal.slug}").get_data(as_text=True)
    rows = _table_rows(page)
    assert len(rows) == 41  # 1 March to 10 April, every day
    assert rows[0] == ("2025-03-01", "1")
    assert dict(rows)["2025-03-27"] == "2" and dict(rows)["2025-03-28"] == "42"
    assert rows[-1] == ("2025-04-10", "42")


def test_a_long_life_is_shown_by_week(app, client):
    appeal = appeal_at(utc(2024, 1, 1, 8))
    signed(appeal, utc(2024, 1, 2, 9))
    signed(appeal, utc(2024, 6, 1, 9))
    with time_machine.travel(utc(2024, 12, 30, 12), tick=False):
        page = client.get(f"/appeals/{appeal.slug}").get_data(as_text=True)
    rows = _table_rows(page)
    assert rows[0] == ("2024-01-01", "1")
    assert 52 <= len(rows) <= 53
    assert rows[-1][1] == "2"
    assert "week by week" in page
