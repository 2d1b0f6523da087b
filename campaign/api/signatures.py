"""Signatures over the API: sign (public, the same rules and answer as the form) and the
moderators' list with personal data."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import get_locale
from flask_babel import gettext as _

from campaign.accounts.auth import require_role
from campaign.api.common import ApiBlueprint, paginated
from campaign.api.schemas.base import AcceptedSchema, page_schema
from campaign.api.schemas.signatures import SignatureIn, SignatureListArgs, SignatureOut
from campaign.appeals.queries import get_appeal_or_404
from campaign.core.errors import ApiError
from campaign.core.extensions import db
from campaign.core.net import client_address
from campaign.optin import NotAccepting
from campaign.signatures.models import Signature
from campaign.signatures.services import SignatureInput, sign_appeal


class _Parser(type(ApiBlueprint.ARGUMENTS_PARSER)):
    def _handle_invalid_json_error(self, error, req, *args, **kwargs):
        # webargs' own answer carries no field map, so the envelope would say only "bad request".
        raise ApiError(
            400, "The request body is not valid JSON.", "invalid", {"json": ["Invalid JSON body."]}
        )


class _Blueprint(ApiBlueprint):
    ARGUMENTS_PARSER = _Parser()


bp = _Blueprint(
    "signatures_api",
    __name__,
    url_prefix="/api/v1",
    description="Signing appeals (double opt-in by email) and, for moderators, the signatures.",
)


#: The rules signing applies beyond the schema's types (campaign.signatures.services).
SIGN_RULES = (
    "name: 1 to 200 characters (runs of spaces count as one); it may not start with =, +, - "
    "or @ nor contain a web address. email: a valid address of at most 320 characters, never "
    "shown. One person signs once: addresses are compared in canonical form (letter case and "
    "Unicode forms ignored, and Gmail's dots and +tags). country: an ISO 3166-1 alpha-2 code. "
    "city: optional, at most 120 characters, no web address; refused on an at_risk appeal. "
    "public_name: on an at_risk appeal the name is shown only when this is true."
)


@bp.route("/appeals/<slug>/signatures", methods=["POST"])
@bp.arguments(SignatureIn, description=SIGN_RULES)
@bp.response(202, AcceptedSchema)
@bp.errors(400, 404, 409)
def sign(data: dict, slug: str):
    """Sign an appeal; a confirmation email is sent.

    404 when no published appeal has that slug; 409 when the appeal is closed. The answer
    is the same for a new signer and for someone who signed before (who gets the
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


@bp.route("/appeals/<slug>/signatures", methods=["GET"])
@require_role("moderator")
@bp.arguments(SignatureListArgs, location="query")
@bp.response(200, page_schema(SignatureOut))
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
    return paginated(list(page.items), page.total or 0, args)
