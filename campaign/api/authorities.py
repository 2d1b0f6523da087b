"""The register of authorities over the API: a public list; editors add and edit entries.

`GET /authorities/<slug>` (an authority's record across appeals) lives with the responses."""

from __future__ import annotations

from campaign.accounts.auth import bearer_user, require_role
from campaign.api.common import AT_LEAST_ONE_FIELD, ApiBlueprint, paginated, require_changes
from campaign.api.schemas.authorities import (
    AuthorityAdminSchema,
    AuthorityIn,
    AuthorityPatch,
    AuthoritySchema,
)
from campaign.api.schemas.base import PageArgs, page_schema
from campaign.authorities import queries, services
from campaign.core.extensions import db

bp = ApiBlueprint(
    "api_authorities",
    __name__,
    url_prefix="/api/v1",
    description="The register of authorities that demands are addressed to.",
)


#: The rules the register applies beyond the schema (campaign.authorities.services).
RULES = (
    "name: 1 to 300 characters. kind: one of the listed kinds (other when left out). "
    "country: two letters, an ISO 3166-1 alpha-2 code (upper-cased). website: an http(s) URL. "
    "contact_email: an address with an @; private, never shown publicly. language: en, ru or "
    "ky (delivery emails use the appeal's translation into it). response_term_days: the legal "
    "term to answer in working days (1 to 365; null: RESPONSE_TERM_WORKING_DAYS), with its "
    "response_term_source."
)


@bp.route("/authorities")
@bp.arguments(PageArgs, location="query")
@bp.response(200, page_schema(AuthoritySchema))
def list_authorities(args):
    """The register, by name (without the private contact emails)."""
    items, total = queries.authorities_page(args["page"], args["per_page"])
    return paginated(items, total, args)


@bp.route("/authorities", methods=["POST"])
@require_role("editor")
@bp.arguments(AuthorityIn, description=RULES)
@bp.response(201, AuthorityAdminSchema)
def create_authority(data: dict):
    """Add an authority; its slug is made from its name and returned."""
    authority = services.create_authority(bearer_user(), **data)
    db.session.commit()
    return authority


@bp.route("/authorities/<slug>", methods=["PATCH"])
@require_role("editor")
@bp.arguments(AuthorityPatch, description=f"{AT_LEAST_ONE_FIELD} {RULES}")
@bp.response(200, AuthorityAdminSchema)
@bp.errors(404)
def update_authority(data: dict, slug: str):
    """Edit an authority's entry: the fields given change, the others stay."""
    require_changes(data)
    authority = services.update_authority(bearer_user(), queries.get_authority_or_404(slug), **data)
    db.session.commit()
    return authority
