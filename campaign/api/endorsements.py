"""Endorsements over the API: the public list (approved only), the public sign-on (202,
pending email confirmation, under the same rules as the form), and moderation.

Logos are not taken over the API (JSON has no file upload and base64 bodies would bypass the
form's size limit); an organization adds its logo through the form, or a campaigner in /admin.
An unknown field such as `logo` is refused with 400."""

from __future__ import annotations

from flask import current_app
from flask_babel import get_locale
from marshmallow import Schema, fields, validate

from campaign.accounts.auth import bearer_user, require_role
from campaign.api.common import ApiBlueprint, PageArgs, Text, page_schema, paginated
from campaign.appeals.queries import get_published_appeal_or_404
from campaign.core import limits
from campaign.core.errors import ApiError
from campaign.core.extensions import db
from campaign.core.net import client_address
from campaign.core.urls import external_url
from campaign.endorsements import queries, services
from campaign.endorsements.inputs import EndorsementInput
from campaign.endorsements.models import ENDORSEMENT_STATES, ORGANIZATION_KINDS
from campaign.optin import NotAccepting

bp = ApiBlueprint(
    "api_endorsements",
    __name__,
    url_prefix="/api/v1",
    description="Organizations' endorsements of appeals, and their moderation.",
)

# --- schemas ---------------------------------------------------------------------------------


class OrganizationOut(Schema):
    slug = fields.String()
    name = fields.String()
    kind = fields.String()
    country = fields.String(allow_none=True)
    website = fields.String(allow_none=True)
    domain_verified = fields.Boolean(
        metadata={
            "description": "This endorsement was confirmed from an address on the "
            "organization's website domain (a mark of the endorsement, not of the name)"
        }
    )
    logo_url = fields.String(allow_none=True)
    url = fields.String(metadata={"description": "The organization's public page"})


class EndorsementOut(Schema):
    """Public: never the contact email, the IP key or the moderation reason."""

    id = fields.Integer()
    organization = fields.Nested(OrganizationOut)
    signatory_name = fields.String()
    signatory_role = fields.String()
    comment = fields.String()
    is_initiator = fields.Boolean()
    approved_at = fields.DateTime(allow_none=True)


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


class SubmittedOut(Schema):
    status = fields.String(metadata={"description": "pending_confirmation"})
    message = fields.String()


class RejectIn(Schema):
    reason = Text(
        limits.REASON, min_length=1, required=True, metadata={"description": "Kept private"}
    )


# --- helpers ---------------------------------------------------------------------------------


def _organization(org, domain_verified: bool) -> dict:
    return {
        "slug": org.slug,
        "name": org.name,
        "kind": org.kind,
        "country": org.country,
        "website": org.website,
        "domain_verified": domain_verified,
        "logo_url": external_url("endorsements.logo", name=org.logo) if org.logo else None,
        "url": external_url("endorsements.organization", slug=org.slug),
    }


def _public(endorsement) -> dict:
    return {
        "id": endorsement.id,
        "organization": _organization(
            endorsement.organization, endorsement.domain_verified_at is not None
        ),
        "signatory_name": endorsement.signatory_name,
        "signatory_role": endorsement.signatory_role,
        "comment": endorsement.comment,
        "is_initiator": endorsement.is_initiator,
        "approved_at": endorsement.moderated_at if endorsement.state == "approved" else None,
    }


def _private(endorsement, rivals: list) -> dict:
    return {
        **_public(endorsement),
        "state": endorsement.state,
        "contact_email": endorsement.contact_email,
        "submitted_at": endorsement.submitted_at,
        "moderated_at": endorsement.moderated_at,
        "moderation_reason": endorsement.moderation_reason,
        "added_by_campaigner": endorsement.added_by_id is not None,
        "wants_updates": endorsement.wants_updates,
        "rivals": [{"id": r.id, "state": r.state} for r in rivals],
    }


def _moderator():
    user = bearer_user()
    if user is None:
        raise ApiError(401, "Listing by state needs a moderator's bearer token.", "unauthorized")
    if not user.has_role("moderator"):
        raise ApiError(403, "Your role does not allow this.", "forbidden")
    return user


def _endorsement_or_404(endorsement_id: int):
    endorsement = queries.get_endorsement(endorsement_id)
    if endorsement is None:
        raise ApiError(404, "No such endorsement.", "not_found")
    return endorsement


# --- routes ----------------------------------------------------------------------------------


@bp.route("/appeals/<slug>/endorsements", methods=["GET"])
@bp.arguments(EndorsementListArgs, location="query")
@bp.response(200, page_schema(ModerationEndorsementOut))
@bp.alt_response(401, response="UNAUTHORIZED")
@bp.alt_response(403, response="FORBIDDEN")
@bp.alt_response(404, response="NOT_FOUND")
def list_endorsements(args, slug: str):
    """Approved endorsements, initiators first (public). With `state`, moderators see that
    state with the private fields; `state=submitted` is the moderation queue, oldest first."""
    appeal = get_published_appeal_or_404(slug)
    state = args.get("state")
    if state is None:
        rows = queries.public_endorsements(appeal)
    else:
        _moderator()
        rows = queries.endorsements_in_state(appeal, state)
    start = (args["page"] - 1) * args["per_page"]
    page = rows[start : start + args["per_page"]]
    if state is None:
        items = [_public(e) for e in page]
    else:
        rivals = queries.rivals_of(page)
        items = [_private(e, rivals[e.id]) for e in page]
    return paginated(items, len(rows), args["page"], args["per_page"])


#: The rules endorsing applies beyond the schema's types (campaign.endorsements.inputs).
ENDORSE_RULES = (
    "organization_name: at most 300 characters on one line, with letters or digits; it is "
    "matched to a known organization by name or website domain. signatory_name (required) and "
    "signatory_role: at most 200 characters on one line each. contact_email: a valid address "
    "of at most 320 characters; it gets the confirmation link, and when it is on the "
    "website's domain (or a subdomain) this endorsement is marked domain verified. website: "
    "an http(s) address whose host has a dot (https:// is added when missing), at most 500 "
    "characters. country: an ISO 3166-1 alpha-2 code. comment: at most 2,000 characters, "
    "no control characters but line breaks and tabs."
)


@bp.route("/appeals/<slug>/endorsements", methods=["POST"])
@bp.arguments(EndorsementIn, description=ENDORSE_RULES)
@bp.response(202, SubmittedOut)
@bp.alt_response(400, response="BAD_REQUEST")
@bp.alt_response(404, response="NOT_FOUND")
@bp.alt_response(409, response="CONFLICT")
def submit_endorsement(body, slug: str):
    """Endorse an appeal on behalf of an organization. Answers 202: the contact address gets a
    confirmation link, and a moderator checks the endorsement before it is public. The answer
    is the same whatever else the organization has on this appeal: the submission is a new
    one, beside (never instead of) any other, until a moderator decides. 409 when the appeal
    is closed."""
    appeal = get_published_appeal_or_404(slug)
    language = body.pop("language", None)
    if language not in current_app.config["LANGUAGES"]:
        language = str(get_locale() or "en")
    data = EndorsementInput(**body, language=language)
    try:
        services.submit_endorsement(appeal, data, address=client_address())
    except NotAccepting as exc:
        db.session.rollback()
        raise ApiError(409, "This appeal no longer takes endorsements.", "closed") from exc
    db.session.commit()
    return {
        "status": "pending_confirmation",
        "message": "Check the contact address for a confirmation link.",
    }


@bp.route("/endorsements/<int:endorsement_id>/approve", methods=["POST"])
@require_role("moderator")
@bp.response(200, ModerationEndorsementOut)
@bp.alt_response(400, response="BAD_REQUEST")
@bp.alt_response(401, response="UNAUTHORIZED")
@bp.alt_response(403, response="FORBIDDEN")
@bp.alt_response(404, response="NOT_FOUND")
@bp.alt_response(409, response="CONFLICT")
def approve_endorsement(endorsement_id: int):
    """Approve a confirmed endorsement: it becomes public and counted; the organization is
    told by email. 409 (`already_endorsed`) while another endorsement of the appeal by the
    same organization is approved: reject that one first."""
    endorsement = _endorsement_or_404(endorsement_id)
    try:
        services.approve_endorsement(bearer_user(), endorsement)
    except services.AlreadyApproved as exc:
        raise ApiError(409, exc.message, "already_endorsed", exc.fields) from exc
    db.session.commit()
    return _private(endorsement, queries.rivals_of([endorsement])[endorsement.id])


@bp.route("/endorsements/<int:endorsement_id>/reject", methods=["POST"])
@require_role("moderator")
@bp.arguments(RejectIn)
@bp.response(200, ModerationEndorsementOut)
@bp.alt_response(400, response="BAD_REQUEST")
@bp.alt_response(401, response="UNAUTHORIZED")
@bp.alt_response(403, response="FORBIDDEN")
@bp.alt_response(404, response="NOT_FOUND")
def reject_endorsement(body, endorsement_id: int):
    """Reject with a reason, kept private; the organization is told it was not accepted."""
    endorsement = _endorsement_or_404(endorsement_id)
    services.reject_endorsement(bearer_user(), endorsement, body["reason"])
    db.session.commit()
    return _private(endorsement, queries.rivals_of([endorsement])[endorsement.id])
