"""Inbound correspondence in the API (campaigners only: it names senders)."""

from __future__ import annotations

from marshmallow import Schema, fields, pre_dump

from campaign.api.schemas.base import Overlay
from campaign.inbox.models import KINDS, MATCHES, STATES


class CorrespondenceOut(Schema):
    id = fields.Integer()
    authority = fields.String(
        allow_none=True, metadata={"description": "the authority's slug; null when unmatched"}
    )
    sender = fields.String()
    subject = fields.String()
    text = fields.String()
    received_at = fields.DateTime()
    sent_at = fields.DateTime(allow_none=True, metadata={"description": "its Date header"})
    matched = fields.Boolean()
    matched_by = fields.String(metadata={"enum": list(MATCHES)})
    kind = fields.String(metadata={"enum": list(KINDS)})
    state = fields.String(metadata={"enum": list(STATES)})
    published = fields.Boolean()

    @pre_dump
    def _flatten(self, item, **kwargs):
        return Overlay(
            item,
            authority=item.authority.slug if item.authority else None,
            published=item.published_at is not None,
        )


class CorrespondenceList(Schema):
    items = fields.List(fields.Nested(CorrespondenceOut))
    total = fields.Integer()
