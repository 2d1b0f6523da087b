"""Endorsements in the API: the public record of an endorsement, the moderators' view with its
private fields, and what an organization sends to endorse.

`EndorsementOut` has no private field, so whatever row it dumps, a public answer carries none;
`ModerationEndorsementOut` (contact email, moderation reason, rivals) is for moderators only."""

from __future__ import annotations

from marshmallow import Schema, fields, pre_dump, validate

from campaign.api.schemas.authorities import NAME_DESCRIPTION, NAMES_DESCRIPTION
from campaign.api.schemas.base import ExternalUrl, Overlay, PageArgs, Text
from campaign.core import limits
from campaign.endorsements import queries
from campaign.endorsements.models import ENDORSEMENT_STATES, ORGANIZATION_KINDS
from campaign.names.localize import local_name_text


class OrganizationOut(Schema):
    slug = fields.String()
    name = fields.Function(
        local_name_text, metadata={"type": "string", "description": NAME_DESCRIPTION}
    )
    names = fields.Function(
        lambda o: o.names or {}, metadata={"type": "object", "description": NAMES_DESCRIPTION}
    )
    kind = fields.String()
    country = fields.String(allow_none=True)
    website = fields.String(allow_none=True)
    domain_verified = fields.Boolean(
        metadata={
            "description": "This endorsement was confirmed from an address on the "
            "organization's website domain (a mark of the endorsement, not of the name)"
        }
    )
    logo_url = ExternalUrl("endorsements.logo", {"name": "logo"}, allow_none=True)
    url = ExternalUrl(
        "endorsements.organization",
        {"slug": "slug"},
        metadata={"description": "The organization's public page"},
    )


class EndorsementOut(Schema):
    """Public: never the contact email, the IP key or the moderation reason."""

    id = fields.Integer()
    organization = fields.Nested(OrganizationOut)
    signatory_name = fields.String()
    signatory_role = fields.String()
    comment = fields.String()
    is_initiator = fields.Boolean()
    approved_at = fields.DateTime(allow_none=True)

    @pre_dump(pass_collection=True)
    def _derived(self, data, many: bool, **kwargs):
        rows = list(data) if many else [data]
        extra = self._extra(rows)
        seen = [
            Overlay(
                endorsement,
                organization=Overlay(
                    endorsement.organization,
                    domain_verified=endorsement.domain_verified_at is not None,
                ),
                approved_at=endorsement.moderated_at if endorsement.state == "approved" else None,
                **extra.get(endorsement.id, {}),
            )
            for endorsement in rows
        ]
        return seen if many else seen[0]

    def _extra(self, rows: list) -> dict[int, dict]:
        """Derived values a subclass adds, by endorsement id (one query for all the rows)."""
        return {}


class RivalOut(Schema):
    id = fields.Integer()
    state = fields.String(metadata={"enum": list(ENDORSEMENT_STATES)})


class ModerationEndorsementOut(EndorsementOut):
    """For moderators: the private fields too."""

    state = fields.String()
    contact_email = fields.String(allow_none=True)
    submitted_at = fields.DateTime(allow_none=True)
    moderated_at = fields.DateTime(allow_none=True)
    moderation_reason = fields.String(allow_none=True)
    added_by_campaigner = fields.Boolean()
    wants_updates = fields.Boolean()
    rivals = fields.List(
        fields.Nested(RivalOut),
        metadata={
            "description": "Other endorsements of this appeal by the same organization: "
            "check them side by side; only one can be approved"
        },
    )

    def _extra(self, rows: list) -> dict[int, dict]:
        rivals = queries.rivals_of(rows)
        return {
            e.id: {"rivals": rivals[e.id], "added_by_campaigner": e.added_by_id is not None}
            for e in rows
        }


# --- what organizations and moderators send --------------------------------------------------


class EndorsementListArgs(PageArgs):
    state = Text(
        None,
        validate=validate.OneOf(ENDORSEMENT_STATES),
        metadata={"description": "Moderators only: list this state (submitted = the queue)"},
    )


class EndorsementIn(Schema):
    organization_name = Text(limits.ORGANIZATION_NAME, required=True)
    kind = Text(None, load_default="ngo", validate=validate.OneOf(ORGANIZATION_KINDS))
    country = Text(
        limits.COUNTRY,
        load_default=None,
        allow_none=True,
        metadata={"description": "ISO 3166 alpha-2 code"},
    )
    website = Text(limits.WEBSITE, load_default=None, allow_none=True)
    signatory_name = Text(limits.PERSON_NAME, required=True)
    signatory_role = Text(limits.PERSON_NAME, load_default="")
    contact_email = Text(
        limits.EMAIL,
        required=True,
        metadata={"description": "Private: receives the confirmation link"},
    )
    comment = Text(limits.COMMENT, load_default="")
    wants_updates = fields.Boolean(load_default=True)
    language = Text(
        limits.LANGUAGE_WISH,
        load_default=None,
        metadata={"description": "For the emails: en, ru or ky (default: Accept-Language)"},
    )


class RejectIn(Schema):
    reason = Text(
        limits.REASON, min_length=1, required=True, metadata={"description": "Kept private"}
    )
