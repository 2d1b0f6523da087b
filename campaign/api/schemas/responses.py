"""Authorities' responses in the API: responses, status changes, targets' due dates and the
timeline (out), and what campaigners record (in). The out schemas dump the models and the
timeline's entries directly; derived values (overdue, a demand's status) come from
campaign.appeals.status, as on the pages."""

from __future__ import annotations

from marshmallow import Schema, fields, pre_dump, validate

from campaign.api.schemas.authorities import AuthorityRefSchema
from campaign.api.schemas.base import ExternalUrl, Id, Overlay, Text
from campaign.appeals.models import TARGET_STATUSES
from campaign.appeals.status import demand_overdue, demand_status, today_utc
from campaign.core import limits
from campaign.responses.models import RESPONSE_KINDS


class ResponseOut(Schema):
    id = fields.Integer()
    authority = fields.Nested(AuthorityRefSchema)
    occurred_on = fields.Date()
    kind = fields.String()
    summary = fields.String()
    source_url = fields.String(allow_none=True)
    document_url = ExternalUrl("responses.document", {"name": "document"}, allow_none=True)
    demands = fields.List(fields.Integer(), metadata={"description": "demand ids"})
    demand_positions = fields.List(fields.Integer())

    @pre_dump
    def _demands(self, response, **kwargs):
        demands = response.demands
        return Overlay(
            response,
            demands=sorted(d.id for d in demands),
            demand_positions=sorted(d.position for d in demands),
        )


class TimelineItem(Schema):
    """One entry of campaign.responses.timeline.build_timeline."""

    kind = fields.String()
    key = fields.String()
    at = fields.DateTime()
    title = fields.String()
    text = fields.String()
    source_url = fields.String(allow_none=True)
    authority = fields.Nested(AuthorityRefSchema, allow_none=True)
    demand_positions = fields.List(fields.Integer())
    from_status = fields.String(allow_none=True)
    to_status = fields.String(allow_none=True)
    response_id = fields.Integer(allow_none=True)
    demand_status = fields.String(
        allow_none=True,
        metadata={"description": "for a status change: its demand's summary just after it "
                  "(the targets' common status, or `mixed`)"},
    )  # fmt: skip


class TimelineOut(Schema):
    items = fields.List(fields.Nested(TimelineItem))
    total = fields.Integer()


class TargetOut(Schema):
    """A demand addressed to one authority, with its status and its demand's."""

    demand = fields.Integer(attribute="demand.id")
    demand_position = fields.Integer(attribute="demand.position")
    authority = fields.Nested(AuthorityRefSchema)
    status = fields.String()
    overdue = fields.Boolean()
    due_on = fields.Date(allow_none=True)
    demand_status = fields.String(
        metadata={"description": "the demand's summary: its targets' common status, or `mixed`"}
    )
    demand_overdue = fields.Boolean()

    @pre_dump
    def _derived(self, target, **kwargs):
        today = today_utc()
        return Overlay(
            target,
            overdue=target.is_overdue(today),
            demand_status=demand_status(target.demand),
            demand_overdue=demand_overdue(target.demand, today),
        )


class ChangeOut(Schema):
    """A StatusChange, with the target it moved."""

    id = fields.Integer()
    from_status = fields.String()
    to_status = fields.String()
    note = fields.String()
    source_url = fields.String(allow_none=True)
    response = fields.Integer(attribute="response_id", allow_none=True)
    occurred_on = fields.Date(
        metadata={"description": "when it happened: the response's date when it has one"}
    )
    recorded_at = fields.DateTime()
    retracted_at = fields.DateTime(allow_none=True)
    retraction_reason = fields.String(allow_none=True)
    target = fields.Nested(TargetOut, attribute="demand_target")


# --- what campaigners send -------------------------------------------------------------------


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
    occurred_on = fields.Date(load_default=None, allow_none=True)


class DueIn(Schema):
    authority = Text(limits.SLUG, required=True)
    due_on = fields.Date(required=True, allow_none=True)
    reason = Text(limits.NOTE, load_default="")


class RetractIn(Schema):
    reason = Text(limits.NOTE, required=True)
