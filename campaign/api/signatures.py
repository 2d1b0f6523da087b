"""Signatures over the API: sign (public, the same rules and answer as the form) and the
moderators' list with personal data."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import get_locale
from flask_babel import gettext as _
from marshmallow import Schema, fields, validate

from campaign.accounts.auth import require_role
from campaign.api.common import ApiBlueprint, ErrorSchema, PageArgs, Text, page_schema, paginated
from campaign.appeals.queries import get_appeal_or_404
from campaign.core import limits
from campaign.core.errors import ApiError
from campaign.core.extensions import db
from campaign.core.net import client_address
from campaign.optin import NotAccepting
from campaign.signatures.models import SIGNATURE_STATES, Signature
from campaign.signatures.services import SignatureInput, sign_appeal


class _Parser(type(ApiBlueprint.ARGUMENTS_PARSER)):
    def _handle_invalid_json_error(self, error, req, *args, **kwargs):
        # webargs' own answer carries no field map, so the envelope would say only "bad request".
        raise ApiError(
            400, "The request body is not valid JSON.", "invalid", {"json": ["Invalid JSON body."]}
        )


class _Blueprint(ApiBlueprint):
    ARGUMENTS_PARSER = _Parser()


blp = _Blueprint(
    "signatures_api",
    __name__,
    url_prefix="/api/v1",
    description="Signing appeals (double opt-in by email) and, for moderators, the signatures.",
)


class SignatureErrorSchema(ErrorSchema):
    """The error envelope under its own component name (flask-smorest's default error
    response already takes the name "Error")."""


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
    city = Text(limits.CITY, load_default="")
    public_name = fields.Boolean(load_default=True, metadata={"description": "False: anonymous"})
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


class SignAccepted(Schema):
    status = fields.String(required=True, metadata={"example": "pending_confirmation"})
    message = fields.String(required=True)


class SignatureOut(Schema):
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


#: The rules signing applies beyond the schema's types (campaign.signatures.services).
SIGN_RULES = (
    "name: 1 to 200 characters (runs of spaces count as one); it may not start with =, +, - "
    "or @ nor contain a web address. email: a valid address of at most 320 characters, never "
    "shown. One person signs once: addresses are compared in canonical form (letter case and "
    "Unicode forms ignored, and Gmail's dots and +tags). country: an ISO 3166-1 alpha-2 code. "
    "city: optional, at most 120 characters, no web address."
)


@blp.route("/appeals/<slug>/signatures", methods=["POST"])
@blp.arguments(SignatureIn, description=SIGN_RULES)
@blp.response(202, SignAccepted)
@blp.alt_response(400, schema=SignatureErrorSchema, description="Invalid fields")
@blp.alt_response(404, schema=SignatureErrorSchema, description="No such published appeal")
@blp.alt_response(409, schema=SignatureErrorSchema, description="The appeal is closed")
def sign(data: dict, slug: str):
    """Sign an appeal; a confirmation email is sent.

    The answer is the same for a new signer and for someone who signed before (who gets the
    confirmation again, or an 'already signed' email), so it reveals nothing about who signed.
    """
    language = data.pop("language", None) or str(get_locale() or "en")
    payload = SignatureInput(honeypot=data.pop("website", None), language=language, **data)
    try:
        sign_appeal(slug, payload, client_address())
    except NotAccepting as exc:
        db.session.rollback()
        raise ApiError(409, _("This appeal no longer takes signatures."), "closed") from exc
    db.session.commit()
    return {
        "status": "pending_confirmation",
        "message": _("Check your email: the signature counts once it is confirmed."),
    }


@blp.route("/appeals/<slug>/signatures", methods=["GET"])
@blp.response(200, page_schema(SignatureOut))
@blp.alt_response(401, schema=SignatureErrorSchema, description="No or bad bearer token")
@blp.alt_response(403, schema=SignatureErrorSchema, description="Needs the moderator role")
@require_role("moderator")
@blp.arguments(SignatureListArgs, location="query")
def list_signatures(args: dict, slug: str):
    """Signatures with personal data, newest first (moderators and above)."""
    appeal = get_appeal_or_404(slug, _("No such appeal."))
    query = sa.select(Signature).where(Signature.appeal_id == appeal.id)
    if args.get("state"):
        query = query.where(Signature.state == args["state"])
    page = db.paginate(
        query.order_by(Signature.id.desc()),
        page=args["page"],
        per_page=args["per_page"],
        error_out=False,
    )
    return paginated(list(page.items), page.total or 0, args["page"], args["per_page"])
