"""Public pages of the register: every authority with its figures, and one authority's record
across public appeals."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from campaign.appeals.status import today_utc
from campaign.authorities.queries import get_authority_or_404, list_authorities
from campaign.authorities.scorecard import (
    SORTS,
    authority_record,
    authority_records,
    sorted_records,
)

bp = Blueprint("authorities", __name__)


@bp.route("/authorities")
def index():
    sort = request.args.get("sort", "name")
    if sort not in SORTS:
        sort = "name"
    records = sorted_records(authority_records(list_authorities(), today_utc()), sort)
    return render_template("authorities/index.html", records=records, sort=sort)


@bp.route("/authorities/<slug>")
def show(slug: str):
    record = authority_record(get_authority_or_404(slug), today_utc())
    return render_template("authorities/show.html", record=record, today=today_utc())
