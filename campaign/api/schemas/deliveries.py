"""Deliveries in the API: an appeal delivered to an authority (in and out). Campaigner calls
only: a delivery's note and Message-ID are not for the public, which sees only the date a
target's authority received the appeal (in the appeal's JSON)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from campaign.api.schemas.authorities import AuthorityRefSchema
from campaign.api.schemas.base import Text
from campaign.core import limits
from campaign.deliveries.models import DELIVERY_METHODS, DELIVERY_STATUSES


class DeliveryIn(Schema):
    authority = Text(limits.SLUG, required=True, metadata={"description": "an authority's slug"})
    method = Text(None, required=True, validate=validate.OneOf(DELIVERY_METHODS))
    delivered_on = fields.Date(
        load_default=None,
        metadata={"description": "hand, post and fax: the day the authority received it"},
    )
    note = Text(2000, load_default="")


class DeliveryOut(Schema):
    id = fields.Integer()
    authority = fields.Nested(AuthorityRefSchema)
    method = fields.String(metadata={"enum": list(DELIVERY_METHODS)})
    status = fields.String(metadata={"enum": list(DELIVERY_STATUSES)})
    sent_at = fields.DateTime(allow_none=True)
    delivered_on = fields.Date(allow_none=True)
    message_id = fields.String(allow_none=True)
    has_receipt = fields.Function(lambda d: bool(d.receipt_document))
    note = fields.String()
    bounced_at = fields.DateTime(allow_none=True)
    bounce_reason = fields.String(allow_none=True)


class DeliveryListOut(Schema):
    items = fields.List(fields.Nested(DeliveryOut))
    total = fields.Integer()
