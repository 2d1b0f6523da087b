"""Authorities in the API: the register (in and out) and an authority's record across appeals.

No contact email in anything public: it is private; `AuthorityAdminSchema` (with it) is for
campaigner calls only."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from campaign.api.schemas.base import Text
from campaign.authorities.models import AUTHORITY_KINDS
from campaign.authorities.services import AUTHORITY_LANGUAGES
from campaign.core import limits
from campaign.names.localize import local_name_text

NAME_DESCRIPTION = "The name in the language asked for (?lang=), else the default name"
NAMES_DESCRIPTION = 'The name per language, {"ru": ..., "ky": ...}; `name` falls back to default'


def names_field(**kwargs):
    return fields.Dict(
        keys=fields.String(),
        values=fields.String(),
        metadata={"description": NAMES_DESCRIPTION},
        **kwargs,
    )


class AuthorityRefSchema(Schema):
    """An authority named inside something else (a demand's target, a response)."""

    slug = fields.String(required=True)
    name = fields.Function(
        local_name_text, required=True, metadata={"type": "string", "description": NAME_DESCRIPTION}
    )
    names = fields.Function(
        lambda a: a.names or {}, metadata={"type": "object", "description": NAMES_DESCRIPTION}
    )
    kind = fields.String(required=True, metadata={"enum": list(AUTHORITY_KINDS)})


class AuthoritySchema(AuthorityRefSchema):
    """An authority in the public register. No contact email: it is private."""

    country = fields.String(allow_none=True, metadata={"description": "ISO 3166 alpha-2"})
    website = fields.String(allow_none=True)
    postal_address = fields.String(allow_none=True)
    language = fields.String(allow_none=True, metadata={"description": "en, ru or ky"})
    response_term_days = fields.Integer(
        allow_none=True,
        metadata={"description": "Legal term to answer, in working days; null: the default"},
    )
    response_term_source = fields.String(allow_none=True)


class AuthorityAdminSchema(AuthoritySchema):
    """An authority as campaigners (editor or above) see it: with its private contact email."""

    contact_email = fields.String(allow_none=True)


class AuthorityIn(Schema):
    name = Text(limits.ORGANIZATION_NAME, min_length=1, required=True)
    kind = Text(None, validate=validate.OneOf(AUTHORITY_KINDS))
    country = Text(limits.COUNTRY, allow_none=True, metadata={"description": "ISO 3166 alpha-2"})
    website = Text(limits.WEBSITE, allow_none=True, metadata={"description": "An http(s) URL"})
    contact_email = Text(
        limits.EMAIL, allow_none=True, metadata={"description": "Private: never shown publicly"}
    )
    postal_address = Text(1000, allow_none=True)
    language = Text(8, allow_none=True, validate=validate.OneOf(AUTHORITY_LANGUAGES))
    response_term_days = fields.Integer(
        strict=True,
        allow_none=True,
        validate=validate.Range(min=1, max=365),
        metadata={"description": "Legal term to answer, in working days; null: the default"},
    )
    response_term_source = Text(
        1000, allow_none=True, metadata={"description": "The law and article of the term"}
    )
    names = names_field(allow_none=True)


class AuthorityPatch(AuthorityIn):
    """Changes to an authority: every field is optional; the slug never changes."""

    name = Text(limits.ORGANIZATION_NAME, min_length=1)


# --- an authority's record (campaign.authorities.scorecard) ----------------------------------


class TargetRecordOut(Schema):
    """One demand addressed to the authority (a TargetRecord)."""

    appeal = fields.String(attribute="appeal.slug")
    demand = fields.Integer(attribute="demand.id")
    demand_position = fields.Integer(attribute="demand.position")
    status = fields.String(attribute="target.status")
    overdue = fields.Boolean()
    due_on = fields.Date(attribute="target.due_on", allow_none=True)
    first_response_on = fields.Date(allow_none=True)
    days_to_first_response = fields.Integer(allow_none=True)


class AuthorityOut(Schema):
    """An authority and its record across public appeals (an AuthorityRecord)."""

    slug = fields.String(attribute="authority.slug")
    name = fields.Function(
        lambda r: local_name_text(r.authority),
        metadata={"type": "string", "description": NAME_DESCRIPTION},
    )
    names = fields.Function(
        lambda r: r.authority.names or {},
        metadata={"type": "object", "description": NAMES_DESCRIPTION},
    )
    kind = fields.String(attribute="authority.kind")
    country = fields.String(attribute="authority.country", allow_none=True)
    website = fields.String(attribute="authority.website", allow_none=True)
    addressed = fields.Integer()
    answered = fields.Integer()
    response_rate = fields.Float(allow_none=True)
    average_days_to_first_response = fields.Float(allow_none=True)
    met = fields.Integer()
    rejected = fields.Integer()
    overdue = fields.Integer()
    targets = fields.List(fields.Nested(TargetRecordOut))
