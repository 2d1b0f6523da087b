"""Signatures in the API: what a signer sends, and the moderators' list with personal data
(never public)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from campaign.api.schemas.base import PageArgs, Text
from campaign.core import limits
from campaign.signatures.models import SIGNATURE_STATES


class SignatureIn(Schema):
    name = Text(
        limits.PERSON_NAME,
        required=True,
        metadata={"description": "Shown publicly unless anonymous"},
    )
    email = Text(limits.EMAIL, required=True, metadata={"description": "Never shown publicly"})
    country = Text(
        limits.COUNTRY, required=True, metadata={"description": "ISO 3166-1 alpha-2 code"}
    )
    city = Text(
        limits.CITY,
        load_default="",
        metadata={"description": "Refused (400, naming the field) on an at_risk appeal"},
    )
    public_name = fields.Boolean(
        load_default=None,
        allow_none=True,
        metadata={
            "description": "Show the signer's name publicly. Left out: shown on a standard "
            "appeal, hidden on an at_risk one (only true shows it there)"
        },
    )
    wants_updates = fields.Boolean(load_default=False)
    ref = Text(limits.REF, load_default=None, allow_none=True, metadata={"description": "Channel"})
    language = Text(
        limits.LANGUAGE_WISH,
        load_default=None,
        allow_none=True,
        metadata={"description": "Language of the emails"},
    )
    website = Text(
        limits.WEBSITE,
        load_default=None,
        allow_none=True,
        metadata={"description": "Leave empty (honeypot)"},
    )


class SignatureOut(Schema):
    """For moderators: with the signer's email address."""

    id = fields.Integer()
    name = fields.String(allow_none=True)
    email = fields.String(allow_none=True)
    country = fields.String()
    city = fields.String(allow_none=True)
    public_name = fields.Boolean()
    wants_updates = fields.Boolean()
    language = fields.String()
    state = fields.String()
    ref = fields.String(allow_none=True)
    flagged = fields.String(allow_none=True)
    invalidation_reason = fields.String(allow_none=True)
    created_at = fields.DateTime()
    confirmed_at = fields.DateTime(allow_none=True)


class SignatureListArgs(PageArgs):
    state = Text(None, validate=validate.OneOf(SIGNATURE_STATES))
