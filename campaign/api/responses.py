"""Responses, the timeline and authorities' records in the API; campaigners record responses,
move statuses, set due dates and retract changes."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from campaign.accounts.auth import acting_user, require_role
from campaign.api.common import (
    ApiBlueprint,
    ErrorSchema,
    Id,
    PageArgs,
    Text,
    page_schema,
    paginated,
)
from campaign.api.serializers import AuthorityRefSchema as AuthorityRef
from campaign.appeals.models import TARGET_STATUSES
from campaign.appeals.queries import get_appeal_or_404, get_published_appeal_or_404
from campaign.appeals.status import demand_overdue, demand_status, today_utc
from campaign.authorities.queries import get_authority_by_slug, get_authority_or_404
from campaign.authorities.scorecard import authority_record
from campaign.core import limits
from campaign.core.extensions import db
from campaign.core.urls import external_url
from campaign.core.validation import InvalidInput
from campaign.responses.models import RESPONSE_KINDS
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


# --- schemas ---------------------------------------------------------------------------------


class ResponsesError(ErrorSchema):
    """The error envelope (its own name: flask-smorest already registers one called Error)."""


class ResponseOut(Schema):
    id = fields.Integer()
    authority = fields.Nested(AuthorityRef)
    occurred_on = fields.Date()
    kind = fields.String()
    summary = fields.String()
    source_url = fields.String(allow_none=True)
    document_url = fields.String(allow_none=True)
    demands = fields.List(fields.Integer(), metadata={"description": "demand ids"})
    demand_positions = fields.List(fields.Integer())


class TimelineItem(Schema):
    kind = fields.String()
    key = fields.String()
    at = fields.DateTime()
    title = fields.String()
    text = fields.String()
    source_url = fields.String(allow_none=True)
    authority = fields.Nested(AuthorityRef, allow_none=True)
    demand_positions = fields.List(fields.Integer())
    from_status = fields.String(allow_none=True)
    to_status = fields.String(allow_none=True)
    response_id = fields.Integer(allow_none=True)


class TimelineOut(Schema):
    items = fields.List(fields.Nested(TimelineItem))
    total = fields.Integer()


class TargetOut(Schema):
    demand = fields.Integer()
    demand_position = fields.Integer()
    authority = fields.Nested(AuthorityRef)
    status = fields.String()
    overdue = fields.Boolean()
    due_on = fields.Date(allow_none=True)
    demand_status = fields.String()
    demand_overdue = fields.Boolean()


class ChangeOut(Schema):
    id = fields.Integer()
    from_status = fields.String()
    to_status = fields.String()
    note = fields.String()
    source_url = fields.String(allow_none=True)
    response = fields.Integer(allow_none=True)
    recorded_at = fields.DateTime()
    retracted_at = fields.DateTime(allow_none=True)
    retraction_reason = fields.String(allow_none=True)
    target = fields.Nested(TargetOut)


class TargetRecordOut(Schema):
    appeal = fields.String()
    demand = fields.Integer()
    demand_position = fields.Integer()
    status = fields.String()
    overdue = fields.Boolean()
    due_on = fields.Date(allow_none=True)
    first_response_on = fields.Date(allow_none=True)
    days_to_first_response = fields.Integer(allow_none=True)


class AuthorityOut(Schema):
    slug = fields.String()
    name = fields.String()
    kind = fields.String()
    country = fields.String(allow_none=True)
    website = fields.String(allow_none=True)
    addressed = fields.Integer()
    answered = fields.Integer()
    response_rate = fields.Float(allow_none=True)
    average_days_to_first_response = fields.Float(allow_none=True)
    met = fields.Integer()
    rejected = fields.Integer()
    overdue = fields.Integer()
    targets = fields.List(fields.Nested(TargetRecordOut))


class StatusMoveIn(Schema):
    demand = Id(required=True)
    status = Text(None, required=True, validate=validate.OneOf(TARGET_STATUSES))
    note = Text(limits.NOTE, load_default="")


class ResponseIn(Schema):
    authority = Text(limits.SLUG, required=True, metadata={"description": "authority slug"})
    occurred_on = fields.Date(required=True)
    kind = Text(None, required=True, validate=validate.OneOf(RESPONSE_KINDS))
    summary = Text(limits.RESPONSE_SUMMARY, required=True)
    source_url = Text(limits.SOURCE_URL, load_default=None, allow_none=True)
    #: Ids of the demands it concerns.
    demands = fields.List(Id(), required=True)
    #: New statuses of this authority's targets of those demands.
    statuses = fields.List(fields.Nested(StatusMoveIn), load_default=list)


class StatusIn(Schema):
    authority = Text(limits.SLUG, required=True)
    status = Text(None, required=True, validate=validate.OneOf(TARGET_STATUSES))
    note = Text(limits.NOTE, load_default="")
    source_url = Text(limits.SOURCE_URL, load_default=None, allow_none=True)
    response = Id(load_default=None, allow_none=True)


class DueIn(Schema):
    authority = Text(limits.SLUG, required=True)
    due_on = fields.Date(required=True, allow_none=True)
    reason = Text(limits.NOTE, load_default="")


class RetractIn(Schema):
    reason = Text(limits.NOTE, required=True)


# --- serializing -----------------------------------------------------------------------------


def _authority_ref(authority) -> dict | None:
    if authority is None:
        return None
    return {"slug": authority.slug, "name": authority.name, "kind": authority.kind}


def _response(response) -> dict:
    return {
        "id": response.id,
        "authority": _authority_ref(response.authority),
        "occurred_on": response.occurred_on,
        "kind": response.kind,
        "summary": response.summary,
        "source_url": response.source_url,
        "document_url": external_url("responses.document", name=response.document)
        if response.document
        else None,
        "demands": sorted(d.id for d in response.demands),
        "demand_positions": sorted(d.position for d in response.demands),
    }


def _target(target) -> dict:
    today = today_utc()
    demand = target.demand
    return {
        "demand": demand.id,
        "demand_position": demand.position,
        "authority": _authority_ref(target.authority),
        "status": target.status,
        "overdue": target.is_overdue(today),
        "due_on": target.due_on,
        "demand_status": demand_status(demand),
        "demand_overdue": demand_overdue(demand, today),
    }


def _change(change) -> dict:
    return {
        "id": change.id,
        "from_status": change.from_status,
        "to_status": change.to_status,
        "note": change.note,
        "source_url": change.source_url,
        "response": change.response_id,
        "recorded_at": change.recorded_at,
        "retracted_at": change.retracted_at,
        "retraction_reason": change.retraction_reason,
        "target": _target(change.demand_target),
    }


# --- public reads ----------------------------------------------------------------------------


@bp.route("/appeals/<slug>/responses")
@bp.arguments(PageArgs, location="query")
@bp.response(200, page_schema(ResponseOut))
@bp.alt_response(404, schema=ResponsesError)
def list_responses(args, slug: str):
    """An appeal's responses, oldest first."""
    responses = appeal_responses(get_published_appeal_or_404(slug))
    page, per_page = args["page"], args["per_page"]
    items = responses[(page - 1) * per_page : page * per_page]
    return paginated([_response(r) for r in items], len(responses), page, per_page)


@bp.route("/appeals/<slug>/timeline")
@bp.response(200, TimelineOut)
@bp.alt_response(404, schema=ResponsesError)
def timeline(slug: str):
    """Published, delivered, responses, status changes (not retracted) and updates."""
    entries = build_timeline(get_published_appeal_or_404(slug))
    items = [
        {
            "kind": e.kind, "key": e.key, "at": e.at, "title": e.title, "text": e.text,
            "source_url": e.source_url, "authority": _authority_ref(e.authority),
            "demand_positions": e.demand_positions, "from_status": e.from_status,
            "to_status": e.to_status, "response_id": e.response_id,
        }
        for e in entries
    ]  # fmt: skip
    return {"items": items, "total": len(items)}


@bp.route("/authorities/<slug>")
@bp.response(200, AuthorityOut)
@bp.alt_response(404, schema=ResponsesError)
def authority(slug: str):
    """An authority and its record across public appeals (never its contact email)."""
    record = authority_record(get_authority_or_404(slug), today_utc())
    a = record.authority
    return {
        "slug": a.slug, "name": a.name, "kind": a.kind, "country": a.country,
        "website": a.website, "addressed": record.addressed, "answered": record.answered,
        "response_rate": record.response_rate,
        "average_days_to_first_response": record.average_days_to_first_response,
        "met": record.met, "rejected": record.rejected, "overdue": record.overdue,
        "targets": [
            {
                "appeal": t.appeal.slug, "demand": t.demand.id,
                "demand_position": t.demand.position, "status": t.target.status,
                "overdue": t.overdue, "due_on": t.target.due_on,
                "first_response_on": t.first_response_on,
                "days_to_first_response": t.days_to_first_response,
            }
            for t in record.targets
        ],
    }  # fmt: skip


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
@bp.alt_response(400, schema=ResponsesError)
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
    return _response(response)


@bp.route("/demands/<int:demand_id>/status", methods=["POST"])
@require_role("editor")
@bp.arguments(StatusIn)
@bp.response(201, ChangeOut)
@bp.alt_response(400, schema=ResponsesError)
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
        source_url=data["source_url"], response=response,
    )  # fmt: skip
    db.session.commit()
    return _change(change)


@bp.route("/demands/<int:demand_id>/due", methods=["POST"])
@require_role("editor")
@bp.arguments(
    DueIn,
    description="due_on: a date not before the appeal's publication date, or null to clear "
    "it. Changing a due date already set needs a reason; the old one stays in the history.",
)
@bp.response(200, TargetOut)
@bp.alt_response(400, schema=ResponsesError)
def set_due(data, demand_id: int):
    """Set, extend or clear (null) a target's due date; a change needs a reason."""
    target = get_target_or_404(demand_id, data["authority"])
    change_due_date(acting_user(), target, data["due_on"], data["reason"])
    db.session.commit()
    return _target(target)


@bp.route("/status-changes/<int:change_id>/retract", methods=["POST"])
@require_role("editor")
@bp.arguments(RetractIn)
@bp.response(200, ChangeOut)
@bp.alt_response(400, schema=ResponsesError)
def retract(data, change_id: int):
    """Retract a change (kept, marked); the status before it comes back."""
    change = get_status_change_or_404(change_id, message=f"No status change {change_id}.")
    retract_status_change(acting_user(), change, data["reason"])
    db.session.commit()
    return _change(change)
