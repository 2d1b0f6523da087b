"""Responses, the timeline and authorities' records in the API; campaigners record responses,
move statuses, set due dates and retract changes."""

from __future__ import annotations

from campaign.accounts.auth import acting_user, require_role
from campaign.api.common import ApiBlueprint, page_of
from campaign.api.schemas.authorities import AuthorityOut
from campaign.api.schemas.base import PageArgs, page_schema
from campaign.api.schemas.responses import (
    ChangeOut,
    DueIn,
    ResponseIn,
    ResponseOut,
    RetractIn,
    StatusIn,
    TargetOut,
    TimelineOut,
)
from campaign.appeals.queries import get_appeal_or_404, get_published_appeal_or_404
from campaign.appeals.status import today_utc
from campaign.authorities.queries import get_authority_by_slug, get_authority_or_404
from campaign.authorities.scorecard import authority_record
from campaign.core.extensions import db
from campaign.core.validation import InvalidInput
from campaign.responses.queries import (
    appeal_responses,
    get_response,
    get_status_change_or_404,
    get_target_or_404,
)
from campaign.responses.services import (
    StatusMove,
    change_demand_status,
    change_due_date,
    record_response,
    retract_status_change,
)
from campaign.responses.timeline import build_timeline

bp = ApiBlueprint(
    "responses_api", __name__, url_prefix="/api/v1",
    description="Authorities' responses, status changes, due dates and the timeline.",
)  # fmt: skip


# --- public reads ----------------------------------------------------------------------------


@bp.route("/appeals/<slug>/responses")
@bp.arguments(PageArgs, location="query")
@bp.response(200, page_schema(ResponseOut))
@bp.errors(404)
def list_responses(args, slug: str):
    """An appeal's responses, oldest first."""
    return page_of(appeal_responses(get_published_appeal_or_404(slug)), args)


@bp.route("/appeals/<slug>/timeline")
@bp.response(200, TimelineOut)
@bp.errors(404)
def timeline(slug: str):
    """Published, delivered, responses, status changes (not retracted) and updates."""
    entries = build_timeline(get_published_appeal_or_404(slug))
    return {"items": entries, "total": len(entries)}


@bp.route("/authorities/<slug>")
@bp.response(200, AuthorityOut)
@bp.errors(404)
def authority(slug: str):
    """An authority and its record across public appeals (never its contact email)."""
    return authority_record(get_authority_or_404(slug), today_utc())


# --- campaigner calls ------------------------------------------------------------------------


@bp.route("/appeals/<slug>/responses", methods=["POST"])
@require_role("editor")
@bp.arguments(
    ResponseIn,
    description="occurred_on: the date it happened, not after tomorrow (UTC); timelines order "
    "by it. source_url: an http(s) URL, at most 1000 characters. demands: ids of this "
    "appeal's demands, each addressed to the authority.",
)
@bp.response(201, ResponseOut)
@bp.errors(400)
def create_response(data, slug: str):
    """Record a response, the demands it concerns and optional new statuses."""
    appeal = get_appeal_or_404(slug, f"No appeal {slug!r}.")
    response = record_response(
        acting_user(), appeal, authority=get_authority_by_slug(data["authority"]),
        occurred_on=data["occurred_on"], kind=data["kind"], summary=data["summary"],
        source_url=data["source_url"], demands=data["demands"],
        moves={m["demand"]: StatusMove(m["status"], m["note"]) for m in data["statuses"]},
    )  # fmt: skip
    db.session.commit()
    return response


@bp.route("/demands/<int:demand_id>/status", methods=["POST"])
@require_role("editor")
@bp.arguments(
    StatusIn,
    description="occurred_on: when the change happened (default today, not in the future); "
    "a change with a response takes the response's date, and a different one is refused. "
    "Histories, timelines and feeds order by it.",
)
@bp.response(201, ChangeOut)
@bp.errors(400)
def change_status(data, demand_id: int):
    """Move one target's status: a new StatusChange with a note, a source or a response."""
    target = get_target_or_404(demand_id, data["authority"])
    response = None
    if data["response"] is not None:
        response = get_response(data["response"])
        if response is None:
            raise InvalidInput("Unknown response.", {"response": "Unknown response."})
    change = change_demand_status(
        acting_user(), target, data["status"], note=data["note"],
        source_url=data["source_url"], response=response, occurred_on=data["occurred_on"],
    )  # fmt: skip
    db.session.commit()
    return change


@bp.route("/demands/<int:demand_id>/due", methods=["POST"])
@require_role("editor")
@bp.arguments(
    DueIn,
    description="due_on: a date not before the appeal's publication date, or null to clear "
    "it. Changing a due date already set needs a reason; the old one stays in the history.",
)
@bp.response(200, TargetOut)
@bp.errors(400)
def set_due(data, demand_id: int):
    """Set, extend or clear (null) a target's due date; a change needs a reason."""
    target = get_target_or_404(demand_id, data["authority"])
    change_due_date(acting_user(), target, data["due_on"], data["reason"])
    db.session.commit()
    return target


@bp.route("/status-changes/<int:change_id>/retract", methods=["POST"])
@require_role("editor")
@bp.arguments(RetractIn)
@bp.response(200, ChangeOut)
@bp.errors(400)
def retract(data, change_id: int):
    """Retract a change (kept, marked); the status before it comes back."""
    change = get_status_change_or_404(change_id, message=f"No status change {change_id}.")
    retract_status_change(acting_user(), change, data["reason"])
    db.session.commit()
    return change
