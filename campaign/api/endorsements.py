"""Endorsements over the API: the public list (approved only), the public sign-on (202,
pending email confirmation, under the same rules as the form), and moderation.

Logos are not taken over the API (JSON has no file upload and base64 bodies would bypass the
form's size limit); an organization adds its logo through the form, or a campaigner in /admin.
An unknown field such as `logo` is refused with 400."""

from __future__ import annotations

from flask import current_app, jsonify
from flask_babel import get_locale

from campaign.accounts.auth import bearer_user, require_role
from campaign.api.common import ApiBlueprint, page_of
from campaign.api.schemas.base import AcceptedSchema, page_schema
from campaign.api.schemas.endorsements import (
    EndorsementIn,
    EndorsementListArgs,
    EndorsementOut,
    ModerationEndorsementOut,
    RejectIn,
)
from campaign.appeals.queries import get_published_appeal_or_404
from campaign.core.errors import ApiError
from campaign.core.extensions import db
from campaign.core.net import client_address
from campaign.endorsements import queries, services
from campaign.endorsements.inputs import EndorsementInput
from campaign.optin import NotAccepting

bp = ApiBlueprint(
    "api_endorsements",
    __name__,
    url_prefix="/api/v1",
    description="Organizations' endorsements of appeals, and their moderation.",
)

# --- helpers ---------------------------------------------------------------------------------


def _moderator():
    user = bearer_user()
    if user is None:
        raise ApiError(401, "Listing by state needs a moderator's bearer token.", "unauthorized")
    if not user.has_role("moderator"):
        raise ApiError(403, "Your role does not allow this.", "forbidden")
    return user


# --- routes ----------------------------------------------------------------------------------


@bp.route("/appeals/<slug>/endorsements", methods=["GET"])
@bp.arguments(EndorsementListArgs, location="query")
@bp.response(200, page_schema(ModerationEndorsementOut))
@bp.errors(401, 403, 404)
def list_endorsements(args, slug: str):
    """Approved endorsements, initiators first (public). With `state`, moderators see that
    state with the private fields; `state=submitted` is the moderation queue, oldest first."""
    appeal = get_published_appeal_or_404(slug)
    state = args.get("state")
    if state is None:
        rows, schema = queries.public_endorsements(appeal), EndorsementOut
    else:
        _moderator()
        rows, schema = queries.endorsements_in_state(appeal, state), ModerationEndorsementOut
    # Dumped here, by the schema the caller may see: a public list goes through
    # EndorsementOut, which has no private field (the document shows the moderators' one).
    return jsonify(page_schema(schema)().dump(page_of(rows, args)))


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
@bp.response(202, AcceptedSchema)
@bp.errors(400, 404, 409)
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
@bp.errors(400, 404, 409)
def approve_endorsement(endorsement_id: int):
    """Approve a confirmed endorsement: it becomes public and counted; the organization is
    told by email. 409 (`already_endorsed`) while another endorsement of the appeal by the
    same organization is approved: reject that one first."""
    endorsement = queries.get_endorsement_or_404(endorsement_id, "No such endorsement.")
    try:
        services.approve_endorsement(bearer_user(), endorsement)
    except services.AlreadyApproved as exc:
        raise ApiError(409, exc.message, "already_endorsed", exc.fields) from exc
    db.session.commit()
    return endorsement


@bp.route("/endorsements/<int:endorsement_id>/reject", methods=["POST"])
@require_role("moderator")
@bp.arguments(RejectIn)
@bp.response(200, ModerationEndorsementOut)
@bp.errors(400, 404)
def reject_endorsement(body, endorsement_id: int):
    """Reject with a reason, kept private; the organization is told it was not accepted."""
    endorsement = queries.get_endorsement_or_404(endorsement_id, "No such endorsement.")
    services.reject_endorsement(bearer_user(), endorsement, body["reason"])
    db.session.commit()
    return endorsement
