"""Series in the appeal's time zone, the dashboard's figures, the public open data."""

from __future__ import annotations

import csv
import datetime as dt
import io
import xml.etree.ElementTree as ET

import time_machine

from campaign.core.extensions import db
from campaign.dashboard import charts
from campaign.dashboard.stats import appeal_summaries, daily_series, group_small_countries
from campaign.mail.models import OutboxMessage
from tests.dashboard.helpers import appeal_at, signed, utc

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - our own output, parsed to prove it is well-formed


def test_days_are_calendar_days_in_the_appeals_time_zone(app):
    bishkek = appeal_at(utc(2025, 6, 1, 8), timezone="Asia/Bishkek")
    london = appeal_at(utc(2025, 6, 1, 8), timezone="UTC")
    for appeal in (bishkek, london):
        signed(appeal, utc(2025, 6, 1, 17, 0))  # 23:00 in Bishkek
        signed(appeal, utc(2025, 6, 1, 20, 0))  # 02:00 the next day in Bishkek
    day = dt.date(2025, 6, 1)
    assert daily_series(bishkek, day, day + dt.timedelta(days=1)) == [
        (day, 1),
        (day + dt.timedelta(days=1), 1),
    ]
    assert daily_series(london, day, day + dt.timedelta(days=1)) == [
        (day, 2),
        (day + dt.timedelta(days=1), 0),
    ]


def test_dashboard_figures_on_known_timestamps(app):
    appeal = appeal_at(utc(2025, 6, 1, 8), timezone="Asia/Bishkek", title="Bishkek appeal")
    signed(appeal, utc(2025, 6, 1, 9, 30), "KG", "telegram")
    signed(appeal, utc(2025, 6, 3, 20, 10), "KG")  # 02:10 on 4 June in Bishkek
    signed(appeal, utc(2025, 6, 3, 20, 40), "KZ")
    signed(appeal, utc(2025, 6, 3, 21, 0), "KZ", confirm=False)  # submitted, not confirmed
    with time_machine.travel(utc(2025, 6, 3, 22, 30), tick=False):  # 04:30 on 4 June local
        (summary,) = [s for s in appeal_summaries() if s.appeal.id == appeal.id]
    assert summary.total == 3
    assert summary.daily[0] == (dt.date(2025, 6, 1), 1)
    assert summary.daily[-1] == (dt.date(2025, 6, 4), 2)
    assert [n for _, n in summary.daily] == [1, 0, 0, 2]
    assert summary.today == 2 and summary.week == 3
    assert len(summary.hourly) == 48
    last_hour, last_count = summary.hourly[-1]
    assert (last_hour.hour, last_count) == (4, 0)  # 04:00 local, the current hour
    assert summary.hourly[-3] == (summary.hourly[-3][0], 2)  # 02:00 local holds both
    assert summary.hourly[-3][0].hour == 2
    assert (summary.submitted, summary.confirmed) == (4, 3)
    assert summary.confirmation_rate == 0.75
    assert summary.flagged_share == 0


def test_small_countries_are_grouped_as_other():
    grouped = group_small_countries({"KG": 25, "KZ": 10, "DE": 9, "FR": 1})
    assert grouped == [("KG", 25), ("KZ", 10), ("other", 10)]
    assert group_small_countries({"KG": 3}) == [("other", 3)]
    assert group_small_countries({}) == []


def test_charts_are_well_formed_svg_with_title_and_description():
    rows = [('<b>&"KG"', 3), ("KZ", 0), ("DE", 12)]
    for chart in (
        charts.bar_chart("c1", "Per <day> & night", "A desc <x>", rows),
        charts.line_chart("c2", "Line", "desc", rows),
        charts.hbar_chart("c3", "Countries", "desc", rows),
        charts.bar_chart("c4", "Empty", "nothing yet", []),
    ):
        root = parse(str(chart.svg))
        assert root.tag == f"{SVG}svg"
        assert root.get("role") == "img"
        title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
        assert title is not None and title.text == chart.title
        assert desc is not None
        assert root.get("aria-labelledby") == f"{chart.id}-title {chart.id}-desc"
    bars = parse(str(charts.bar_chart("c5", "t", "d", rows).svg)).findall(f"{SVG}rect")
    heights = [float(bar.get("height")) for bar in bars]
    assert heights[1] == 0 and heights[2] > heights[0] > 0
    assert bars[0].find(f"{SVG}title").text == '<b>&"KG": 3'


def test_the_appeal_page_shows_a_growth_chart_with_its_table(app, client):
    appeal = appeal_at(utc(2025, 6, 1, 8))
    signed(appeal, utc(2025, 6, 1, 9))
    with time_machine.travel(utc(2025, 6, 2, 12), tick=False):
        page = client.get(f"/appeals/{appeal.slug}").get_data(as_text=True)
    assert 'role="img"' in page and "<table" in page
    start = page.index("<svg")
    parse(page[start : page.index("</svg>", start) + 6])
    assert f"/appeals/{appeal.slug}/stats.json" in page


# --- open data ---------------------------------------------------------------------------------


def _appeal_with_countries():
    appeal = appeal_at(utc(2025, 6, 1, 8), timezone="Asia/Bishkek")
    for i in range(10):
        signed(appeal, utc(2025, 6, 1, 9, i), "KG")
    for country in ("KZ", "KZ", "DE"):
        signed(appeal, utc(2025, 6, 2, 20), country)  # 3 June in Bishkek
    return appeal


def test_stats_json_groups_small_countries_per_local_day(app, client):
    appeal = _appeal_with_countries()
    with time_machine.travel(utc(2025, 6, 4, 12), tick=False):
        response = client.get(f"/appeals/{appeal.slug}/stats.json")
    assert response.status_code == 200
    data = response.get_json()
    assert data["timezone"] == "Asia/Bishkek"
    assert (data["from"], data["to"], data["total"]) == ("2025-06-01", "2025-06-04", 13)
    assert [d["signatures"] for d in data["days"]] == [10, 0, 3, 0]
    assert data["countries"] == [
        {"country": "KG", "signatures": 10},
        {"country": "other", "signatures": 3},
    ]


def test_stats_ranges_are_clamped_to_the_appeals_life(app, client):
    appeal = _appeal_with_countries()
    with time_machine.travel(utc(2025, 6, 4, 12), tick=False):
        data = client.get(f"/appeals/{appeal.slug}/stats.json?from=2020-01-01&to=2030-01-01").json
        assert (data["from"], data["to"], data["total"]) == ("2025-06-01", "2025-06-04", 13)
        data = client.get(f"/appeals/{appeal.slug}/stats.json?from=2025-06-03").json
    assert data["days"] == [
        {"date": "2025-06-03", "signatures": 3},
        {"date": "2025-06-04", "signatures": 0},
    ]
    # Within the range only three signers: no country reaches 10, all are "other".
    assert data["countries"] == [{"country": "other", "signatures": 3}]


def test_bad_ranges_are_refused_with_a_json_error(app, client):
    appeal = _appeal_with_countries()
    for query in (
        "from=2025-13-01",
        "to=yesterday",
        "from=2025-6-1",
        "from=2025-06-03&to=2025-06-02",
    ):
        for ext in ("json", "csv"):
            response = client.get(f"/appeals/{appeal.slug}/stats.{ext}?{query}")
            assert response.status_code == 400, query
            assert response.get_json()["error"]["code"] == "invalid_range"


def test_stats_are_404_for_drafts_and_unknown_appeals(app, client, make_appeal):
    draft = make_appeal(state="draft")
    for url in (f"/appeals/{draft.slug}/stats.json", "/appeals/nope/stats.csv"):
        response = client.get(url)
        assert response.status_code == 404
        assert response.get_json()["error"]["code"] == "not_found"


def test_stats_csv_has_days_then_countries(app, client):
    appeal = _appeal_with_countries()
    with time_machine.travel(utc(2025, 6, 4, 12), tick=False):
        response = client.get(f"/appeals/{appeal.slug}/stats.csv?to=2025-06-02")
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows == [
        ["dimension", "value", "signatures"],
        ["day", "2025-06-01", "10"],
        ["day", "2025-06-02", "0"],
        ["country", "KG", "10"],
    ]


def test_the_open_data_is_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for path in ("/appeals/{slug}/stats.json", "/appeals/{slug}/stats.csv"):
        params = {p["name"] for p in paths[path]["get"]["parameters"]}
        assert {"from", "to"} <= params
        assert {"400", "404"} <= set(paths[path]["get"]["responses"])


# --- campaigners' pages -------------------------------------------------------------------------


def test_dashboard_shows_live_appeals_with_charts_and_mail_health(app, client, login):
    appeal = appeal_at(utc(2025, 6, 1, 8), title="Free the press")
    draft = appeal_at(utc(2025, 6, 1, 8), title="Still a draft", state="draft")
    signed(appeal, utc(2025, 6, 1, 9), "KG")
    db.session.add(OutboxMessage(to="x@example.org", subject="s", text="t", kind="k",
                                 failed_at=utc(2025, 6, 1, 10)))  # fmt: skip
    db.session.commit()
    with time_machine.travel(utc(2025, 6, 2, 12), tick=False):
        login("moderator")
        page = client.get("/admin/").get_data(as_text=True)
    assert f'id="appeal-{appeal.id}"' in page
    assert f'id="appeal-{draft.id}"' not in page  # not live: only in the list below
    assert page.count('role="img"') == 2 and "<table" in page
    assert "Signatures per hour, last 48 hours" in page
    assert f"/admin/appeals/{appeal.slug}/stats" in page
    assert "Failed" in page


def test_stats_page_shows_countries_channels_pipeline_and_board(app, client, login):
    appeal = appeal_at(utc(2025, 6, 1, 8), title="Free the press")
    signed(appeal, utc(2025, 6, 1, 9), "KG", "telegram")
    signed(appeal, utc(2025, 6, 1, 9), "DE")
    target = appeal.demands[0].targets[0]
    target.due_on = dt.date(2025, 6, 10)
    db.session.commit()
    with time_machine.travel(utc(2025, 6, 20, 12), tick=False):
        login("moderator")
        response = client.get(f"/admin/appeals/{appeal.slug}/stats")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="country-table"' in page and "Kyrgyzstan <small>KG</small>" in page
    assert "Germany <small>DE</small>" in page
    assert "Telegram" in page or "telegram" in page
    assert 'class="board"' in page and "status-overdue" in page
    assert page.count("<svg") == 5


def test_campaigners_pages_need_a_login_and_a_known_appeal(app, client, login, make_appeal):
    appeal = make_appeal()
    for url in ("/admin/", f"/admin/appeals/{appeal.slug}/stats"):
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login" in response.headers["Location"]
    login("moderator")
    assert client.get(f"/admin/appeals/{appeal.slug}/stats").status_code == 200
    assert client.get("/admin/appeals/nope/stats").status_code == 404
    draft = make_appeal(state="draft")
    assert client.get(f"/admin/appeals/{draft.slug}/stats").status_code == 200
