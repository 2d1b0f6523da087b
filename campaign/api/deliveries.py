"""Delivering appeals to authorities over the API (campaigner calls)."""

from __future__ import annotations

from campaign.accounts.auth import acting_user, require_role
from campaign.api.common import ApiBlueprint
from campaign.api.schemas.deliveries import DeliveryIn, DeliveryListOut, DeliveryOut
from campaign.appeals.queries import get_appeal_or_404
from campaign.authorities.queries import get_authority_by_slug
from campaign.core.errors import ApiError
from campaign.core.extensions import db
from campaign.core.validation import InvalidInput
from campaign.deliveries import queries, services

bp = ApiBlueprint(
    "deliveries_api",
    __name__,
    url_prefix="/api/v1",
    description="Delivering appeals to the authorities their demands are addressed to.",
)

RULES = (
    "authority: the slug of an authority a demand of this appeal is addressed to. method: "
    "email sends the appeal through the outbox (the authority needs a contact email and the "
    "instance REPLY_TO_DOMAIN; the delivery is queued, then sent); hand, post and fax record "
    "a delivery on delivered_on (required, not in the future). One delivery per appeal and "
    "authority: 409 when there is one already, unless it failed or bounced (then it is "
    "delivered again)."
)


@bp.route("/appeals/<slug>/deliveries")
@require_role("moderator")
@bp.response(200, DeliveryListOut)
@bp.errors(404)
def list_deliveries(slug: str):
    """The appeal's deliveries, with their status."""
    items = queries.appeal_deliveries(get_appeal_or_404(slug, f"No appeal {slug!r}."))
    return {"items": items, "total": len(items)}


@bp.route("/appeals/<slug>/deliveries", methods=["POST"])
@require_role("editor")
@bp.arguments(DeliveryIn, description=RULES)
@bp.response(201, DeliveryOut)
@bp.errors(400, 404, 409)
def create_delivery(data: dict, slug: str):
    """Deliver the appeal to one authority, by email or as recorded by hand, post or fax."""
    appeal = get_appeal_or_404(slug, f"No appeal {slug!r}.")
    authority = get_authority_by_slug(data["authority"])
    if authority is None:
        raise InvalidInput("Unknown authority.", {"authority": "Unknown authority."})
    try:
        if data["method"] == "email":
            delivery = services.deliver_by_email(acting_user(), appeal, authority)
        else:
            delivery = services.record_delivery(
                acting_user(), appeal, authority, data["method"], data["delivered_on"],
                note=data["note"],
            )  # fmt: skip
    except services.DeliveryExists as exc:
        raise ApiError(409, exc.message, "delivered", exc.fields) from exc
    db.session.commit()
    return delivery
