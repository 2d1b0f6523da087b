"""Appeals over the API: public reads; campaigners create, edit, publish and close."""

from __future__ import annotations

from flask import url_for

from campaign.accounts.auth import bearer_user, require_role
from campaign.api.common import (
    AT_LEAST_ONE_FIELD,
    BEARER,
    ApiBlueprint,
    paginated,
    require_changes,
)
from campaign.api.schemas.appeals import (
    AppealIn,
    AppealPatch,
    AppealSchema,
    AppealSummarySchema,
    HideIn,
    PublishIn,
)
from campaign.api.schemas.base import PageArgs, page_schema
from campaign.appeals import queries, services
from campaign.appeals.issuers import ApprovalsMissing, IssuerInput
from campaign.appeals.services import MAX_DEMANDS
from campaign.core.errors import ApiError
from campaign.core.extensions import db
from campaign.core.limits import APPEAL_BODY_MAX
from campaign.core.markdown_fields import render_before_writes
from campaign.deliveries.queries import remember_delivered_on
from campaign.privacy.exports import set_sealing_key
from campaign.sharing.queries import forget_cached_copies

bp = ApiBlueprint(
    "api_appeals",
    __name__,
    url_prefix="/api/v1",
    description="Appeals, their demands and the status of each demand's targets.",
)

#: The rules the API applies beyond the schema's types (campaign.appeals.services).
RULES = (
    "title: 1 to 300 characters. signature_goal: a positive whole number. closes_at: an ISO "
    "8601 date-time (UTC when it has no zone) between 1970 and 9999; signing is open only "
    "before it, so a time already past closes signing at once. demands: at most "
    f"{MAX_DEMANDS}, each with text; an authority is named once per demand. A target's due_on "
    "(a date) is set freely on a draft; once the appeal is published it changes only through "
    "POST /demands/{id}/due, with a reason, and never to before the publication date. "
    "protection: standard or at_risk. retention_days: 0 to 3650, or null for the default. "
    "sealing_public_key: an age public key (age1...), or null or empty to remove it. "
    "issuers: slugs of organizations that exist, each once (else 422, naming the slug)."
)


def _issuers(data: dict) -> dict:
    """`issuers` slugs to IssuerInput, an unknown or repeated slug refused with 422."""
    if "issuers" not in data:
        return data
    from campaign.endorsements.queries import organizations_by_slug

    slugs = data["issuers"]
    found = organizations_by_slug(slugs)
    for index, slug in enumerate(slugs):
        message = None
        if slug not in found:
            message = f"No organization with slug {slug!r}."
        elif slug in slugs[:index]:
            message = f"The organization {slug!r} is named twice."
        if message:
            raise ApiError(422, message, "invalid", {"issuers": {str(index): [message]}})
    return {**data, "issuers": [IssuerInput(found[slug]) for slug in slugs]}


# --- public reads ----------------------------------------------------------------------------


@bp.route("/appeals")
@bp.arguments(PageArgs, location="query")
@bp.response(200, page_schema(AppealSummarySchema))
def list_appeals(args):
    """Published and closed appeals, newest first, with counts and demand progress."""
    items, total = queries.public_appeals_page(args["page"], args["per_page"])
    remember_delivered_on(appeal.id for appeal in items)
    return paginated(items, total, args)


@bp.route("/appeals/<slug>")
@bp.response(200, AppealSchema)
@bp.errors(401, 404)
@bp.doc(security=[{}, {BEARER: []}])
def get_appeal(slug: str):
    """One appeal with its demands, their targets and statuses.

    A draft is 404 unless the call carries the token of an editor or above (to preview it)."""
    return queries.get_visible_appeal_or_404(slug, bearer_user())


# --- campaigners -----------------------------------------------------------------------------


@bp.route("/appeals", methods=["POST"])
@require_role("editor")
@bp.arguments(AppealIn, description=RULES)
@bp.response(201, AppealSchema)
@bp.errors(422)
def create_appeal(data: dict):
    """Create an appeal as a draft, with its demands, their targets and its issuers."""
    data = _issuers(render_before_writes(data, body=APPEAL_BODY_MAX))
    sealing_key = data.pop("sealing_public_key", None)
    appeal = services.create_appeal(bearer_user(), **data)
    if sealing_key:
        set_sealing_key(bearer_user(), appeal, sealing_key)
    db.session.commit()
    return appeal, {"Location": url_for(".get_appeal", slug=appeal.slug)}


@bp.route("/appeals/<slug>", methods=["PATCH"])
@require_role("editor")
@bp.arguments(AppealPatch, description=f"{AT_LEAST_ONE_FIELD} {RULES}")
@bp.response(200, AppealSchema)
@bp.errors(404, 422)
def update_appeal(data: dict, slug: str):
    """Edit an appeal. A demand given with its `id` keeps its identity and history; the
    demands given replace the set, in that order; one with a recorded history cannot go."""
    require_changes(data)
    appeal = queries.get_appeal_or_404(slug)
    data = render_before_writes(data, body=APPEAL_BODY_MAX)  # read again after it: as it is now
    data = _issuers(data)
    demands = data.pop("demands", None)
    if "sealing_public_key" in data:
        set_sealing_key(bearer_user(), appeal, data.pop("sealing_public_key"))
    issuers = data.pop("issuers", None)
    if data or demands is not None or issuers is not None:
        services.update_appeal(bearer_user(), appeal, demands=demands, issuers=issuers, **data)
    db.session.commit()
    return appeal


@bp.route("/appeals/<slug>/publish", methods=["POST"])
@require_role("editor")
@bp.arguments(PublishIn, description="The body is optional.")
@bp.response(200, AppealSchema)
@bp.errors(403, 404, 409)
def publish_appeal(data: dict, slug: str):
    """Publish a draft: it becomes public and open for signatures.

    It waits for every issuer with a contact to approve the current text: until then the
    answer is 409, `error.fields.issuers` listing the slugs of those missing (an issuer
    without a contact is never asked and holds nothing up). An admin may publish anyway
    with `override_reason` (audited); anyone else giving one is refused with 403."""
    reason = data.get("override_reason")
    user = bearer_user()
    if reason is not None and not user.has_role("admin"):
        raise ApiError(403, "Only an admin may publish without every issuer's approval.")
    appeal = queries.get_appeal_or_404(slug)
    try:
        services.publish_appeal(user, appeal, override_reason=reason)
    except ApprovalsMissing as missing:
        raise ApiError(409, missing.message, "approvals_missing", missing.fields) from None
    db.session.commit()
    return appeal


@bp.route("/appeals/<slug>/close", methods=["POST"])
@require_role("editor")
@bp.response(200, AppealSchema)
@bp.errors(404)
def close_appeal(slug: str):
    """Close a published appeal: no more signing; it stays readable and tracking goes on."""
    return _move(services.close_appeal, slug)


@bp.route("/appeals/<slug>/hide", methods=["POST"])
@require_role("editor")
@bp.arguments(HideIn, description="The body is optional.")
@bp.response(200, AppealSchema)
@bp.errors(404)
def hide_appeal(data: dict, slug: str):
    """Take an appeal down at once, in any state (archived included): every public URL of it
    answers 404 and it leaves every list. Nothing is deleted; an admin can unhide it."""
    appeal = services.hide_appeal(bearer_user(), queries.get_appeal_or_404(slug), data["reason"])
    db.session.commit()
    forget_cached_copies(slug)
    return appeal


@bp.route("/appeals/<slug>/unhide", methods=["POST"])
@require_role("admin")
@bp.response(200, AppealSchema)
@bp.errors(404)
def unhide_appeal(slug: str):
    """Make a hidden appeal public again, as its state says (admins only)."""
    return _move(services.unhide_appeal, slug)


def _move(change, slug: str):
    """An appeal's move to another state (campaign.appeals.services), committed."""
    appeal = change(bearer_user(), queries.get_appeal_or_404(slug))
    db.session.commit()
    return appeal
