"""Public open data for an appeal (documented in the OpenAPI document) and the small growth
chart on the appeal page."""

from __future__ import annotations

import csv
import datetime as dt
import io

from flask import Response, jsonify
from flask import request as flask_request
from flask_babel import gettext as _
from flask_smorest import Blueprint

from campaign.appeals.queries import get_published_appeal_or_404
from campaign.appeals.views import appeal_context_provider
from campaign.core.errors import json_error
from campaign.dashboard import charts
from campaign.dashboard.stats import (
    daily_series,
    first_day,
    last_day,
    paper_by_day,
    public_stats,
)

bp = Blueprint(
    "open_data", __name__, url_prefix="",
    description="Open data: an appeal's confirmed signatures per day and per country.",
)  # fmt: skip

#: The appeal page's growth chart covers the appeal's whole life: by day up to this many
#: days, by week beyond (a line of a few hundred points at most).
PAGE_CHART_MAX_DAYS = 92

_RANGE_PARAMETERS = [
    {
        "in": "query",
        "name": name,
        "required": False,
        "schema": {"type": "string", "format": "date"},
        "description": text,
    }
    for name, text in (
        ("from", "First local day (YYYY-MM-DD); clamped to the appeal's first day."),
        ("to", "Last local day (YYYY-MM-DD); clamped to today or the closing day."),
    )
]
_COUNT = {"type": "integer", "minimum": 0}
_STATS_SCHEMA = {
    "type": "object",
    "properties": {
        "appeal": {"type": "string"},
        "timezone": {"type": "string"},
        "from": {"type": "string", "format": "date"},
        "to": {"type": "string", "format": "date"},
        "total": _COUNT,
        "min_country_size": _COUNT,
        "paper_count": {
            **_COUNT,
            "description": "Signatures collected on paper (all batches); not in `total` or "
            "`days`, which count confirmed online signatures",
        },
        "paper": {
            "type": "array",
            "description": "Paper signatures per last day of collection, in the window",
            "items": {
                "type": "object",
                "properties": {"date": {"type": "string", "format": "date"}, "signatures": _COUNT},
            },
        },
        "days": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"date": {"type": "string", "format": "date"}, "signatures": _COUNT},
            },
        },
        "countries": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"country": {"type": "string"}, "signatures": _COUNT},
            },
        },
    },
}
_ERRORS = {
    "400": {"description": "A malformed date, or `from` after `to`."},
    "404": {"description": "No published appeal with this slug."},
}


def _doc(media_type: str, schema: dict) -> dict:
    ok = {"description": "The figures.", "content": {media_type: {"schema": schema}}}
    return {"parameters": _RANGE_PARAMETERS, "responses": {"200": ok, **_ERRORS}}


class BadRange(Exception):
    pass


def _date(name: str) -> dt.date | None:
    value = flask_request.args.get(name)
    if value is None or value == "":
        return None
    try:
        if len(value) != 10:
            raise ValueError(value)
        return dt.date.fromisoformat(value)
    except ValueError:
        raise BadRange(f"'{name}' must be a date like 2025-06-01.") from None


def _stats_or_error():
    """(stats dict, None) or (None, JSON error response); 404 for no published appeal."""
    appeal = get_published_appeal_or_404(
        flask_request.view_args["slug"], message="There is no published appeal with this address."
    )
    try:
        start, end = _date("from"), _date("to")
    except BadRange as exc:
        return None, json_error(400, str(exc), "invalid_range")
    if start and end and start > end:
        return None, json_error(400, "'from' is after 'to'.", "invalid_range")
    first, last = first_day(appeal), last_day(appeal)
    start = min(max(start or first, first), last)
    end = max(min(end or last, last), start)
    return public_stats(appeal, start, end), None


@bp.route("/appeals/<slug>/stats.json")
@bp.doc(summary="Open data as JSON", **_doc("application/json", _STATS_SCHEMA))
def stats_json(slug: str):
    """Confirmed signatures per day (in the appeal's time zone) and per country; countries
    with fewer than `min_country_size` signers (10; on an at_risk appeal
    AT_RISK_COUNTRY_MIN_SIGNATURES, 50 by default) are grouped as "other"."""
    stats, error = _stats_or_error()
    if error is not None:
        return error
    response = jsonify(stats)
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.route("/appeals/<slug>/stats.csv")
@bp.doc(summary="Open data as CSV", **_doc("text/csv", {"type": "string"}))
def stats_csv(slug: str):
    """The same figures as CSV: rows `day,<date>,<n>`, then `country,<code or other>,<n>`,
    then `paper,<last day of collection>,<n>`."""
    stats, error = _stats_or_error()
    if error is not None:
        return error
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["dimension", "value", "signatures"])
    writer.writerows(("day", row["date"], row["signatures"]) for row in stats["days"])
    writer.writerows(("country", row["country"], row["signatures"]) for row in stats["countries"])
    writer.writerows(("paper", row["date"], row["signatures"]) for row in stats["paper"])
    return Response(
        out.getvalue(),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{stats["appeal"]}-stats.csv"',
            "Access-Control-Allow-Origin": "*",
        },
    )


@appeal_context_provider
def _growth_chart(appeal) -> dict:
    first = first_day(appeal)
    if first is None:
        return {}
    rows, weekly = whole_life(appeal, first, last_day(appeal))
    return {"growth_chart": growth_chart("growth", rows, weekly=weekly)}


def whole_life(appeal, first: dt.date, last: dt.date) -> tuple[list[tuple[dt.date, int]], bool]:
    """New signatures (online and paper) per day from publication to today or the closing
    day, or per week (from the first day) when that is longer than PAGE_CHART_MAX_DAYS; and
    whether the buckets are weeks. From the rollup and the batches, never signatures."""
    paper = paper_by_day(appeal)
    days = [(day, n + paper.get(day, 0)) for day, n in daily_series(appeal, first, last)]
    if len(days) <= PAGE_CHART_MAX_DAYS:
        return days, False
    weeks = [days[i : i + 7] for i in range(0, len(days), 7)]
    return [(week[0][0], sum(n for _, n in week)) for week in weeks], True


def growth_chart(
    chart_id: str,
    days: list[tuple[dt.date, int]],
    title: str | None = None,
    weekly: bool = False,
):
    """Running total by day, or by week (the shape of growth)."""
    running, rows = 0, []
    for day, n in days:
        running += n
        rows.append((day.isoformat(), running))
    first, last = (rows[0][0], rows[-1][0]) if rows else ("", "")
    if weekly:
        desc = _(
            "Signatures, online and on paper, added up week by week, from the week of "
            "%(first)s to the week of %(last)s.",
            first=first,
            last=last,
        )
        columns = (_("Week from"), _("Signatures so far"))
    else:
        desc = _(
            "Signatures, online and on paper, added up day by day, from %(first)s to %(last)s.",
            first=first,
            last=last,
        )
        columns = (_("Day"), _("Signatures so far"))
    return charts.line_chart(
        chart_id, title or _("Signatures over time"), desc, rows, columns, width=560, height=160
    )  # fmt: skip
