"""Appeals over the API: public reads; campaigners create, edit, publish and close."""

from __future__ import annotations

import datetime as dt

from flask import url_for
from marshmallow import Schema, ValidationError, fields, post_load, validate

from campaign.accounts.auth import bearer_user
from campaign.api.common import (
    AT_LEAST_ONE_FIELD,
    BEARER,
    MAX_INT,
    ApiBlueprint,
    Id,
    PageArgs,
    Text,
    page_schema,
    paginated,
    require_changes,
)
from campaign.api.serializers import AppealSchema, AppealSummarySchema
from campaign.appeals import queries, services
from campaign.appeals.services import MAX_DEMANDS, DemandInput, TargetInput
from campaign.authorities.queries import authorities_by_slug
from campaign.core import limits
from campaign.core.extensions import db
from campaign.core.limits import APPEAL_BODY_MAX
from campaign.core.markdown_fields import render_before_writes

bp = ApiBlueprint(
    "api_appeals",
    __name__,
    url_prefix="/api/v1",
    description="Appeals, their demands and the status of each demand's targets.",
)

# --- request bodies --------------------------------------------------------------------------


class TargetIn(Schema):
    authority = Text(
        limits.SLUG, required=True, metadata={"description": "Slug of an authority in the register"}
    )
    due_on = fields.Date(load_default=None, allow_none=True)


class DemandIn(Schema):
    id = Id(metadata={"description": "An existing demand's id: it keeps its identity and history"})
    text = Text(limits.DEMAND, min_length=1, required=True)
    targets = fields.List(
        fields.Nested(TargetIn),
        metadata={"description": "Replace the targets; left out, an existing demand keeps its own"},
    )


#: Outside these, times cannot be converted to UTC (or make no sense for an appeal).
_EARLIEST = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_LATEST = dt.datetime(9999, 1, 1, tzinfo=dt.UTC)


class AppealIn(Schema):
    """An appeal as campaigners write it, created as a draft."""

    title = Text(limits.TITLE, min_length=1, required=True)
    summary = Text(limits.SUMMARY)
    body = Text(
        limits.APPEAL_BODY_MAX,
        metadata={
            "description": "Markdown; rendered and sanitized once, when saved (a text too "
            "complex to render within the server's time budget is refused, naming the field)"
        },
    )
    language = Text(
        limits.LANGUAGE,
        validate=validate.Regexp(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,4})?$", error="Not a language tag."),
    )
    signature_goal = fields.Integer(
        strict=True, allow_none=True, validate=validate.Range(min=1, max=MAX_INT)
    )
    closes_at = fields.AwareDateTime(
        default_timezone=dt.UTC,
        allow_none=True,
        validate=validate.Range(min=_EARLIEST, max=_LATEST),
        metadata={"description": "UTC if no zone"},
    )
    issued_on = fields.Date(allow_none=True)
    demands = fields.List(fields.Nested(DemandIn), validate=validate.Length(max=MAX_DEMANDS))

    @post_load
    def _resolve_authorities(self, data: dict, **kwargs) -> dict:
        """Authority slugs to authorities, in one query; an unknown one names its field."""
        if "demands" not in data:
            return data
        slugs = [t["authority"] for d in data["demands"] for t in d.get("targets", ())]
        found = authorities_by_slug(slugs)
        errors: dict = {}
        demands = []
        for i, demand in enumerate(data["demands"]):
            targets = None if "targets" not in demand else []
            for j, target in enumerate(demand.get("targets", ())):
                authority = found.get(target["authority"])
                if authority is None:
                    message = f"No authority with slug {target['authority']!r} in the register."
                    errors.setdefault(i, {"targets": {}})["targets"][j] = {"authority": [message]}
                else:
                    targets.append(TargetInput(authority, target["due_on"]))
            demands.append(DemandInput(demand["text"], targets, demand.get("id")))
        if errors:
            raise ValidationError({"demands": errors})
        return {**data, "demands": demands}


#: The rules the API applies beyond the schema's types (campaign.appeals.services).
RULES = (
    "title: 1 to 300 characters. signature_goal: a positive whole number. closes_at: an ISO "
    "8601 date-time (UTC when it has no zone) between 1970 and 9999; signing is open only "
    "before it, so a time already past closes signing at once. demands: at most "
    f"{MAX_DEMANDS}, each with text; an authority is named once per demand. A target's due_on "
    "(a date) is set freely on a draft; once the appeal is published it changes only through "
    "POST /demands/{id}/due, with a reason, and never to before the publication date."
)


class AppealPatch(AppealIn):
    """Changes to an appeal: every field is optional. `demands`, when given, replaces the set
    in the order given; a demand with its `id` keeps its identity and history."""

    title = Text(limits.TITLE, min_length=1)


# --- public reads ----------------------------------------------------------------------------


@bp.route("/appeals")
@bp.arguments(PageArgs, location="query")
@bp.response(200, page_schema(AppealSummarySchema))
def list_appeals(args):
    """Published and closed appeals, newest first, with counts and demand progress."""
    items, total = queries.public_appeals_page(args["page"], args["per_page"])
    return paginated(items, total, args["page"], args["per_page"])


@bp.route("/appeals/<slug>")
@bp.response(200, AppealSchema)
@bp.alt_response(401, response="UNAUTHORIZED")
@bp.alt_response(404, response="NOT_FOUND")
@bp.doc(security=[{}, {BEARER: []}])
def get_appeal(slug: str):
    """One appeal with its demands, their targets and statuses.

    A draft is 404 unless the call carries the token of an editor or above (to preview it)."""
    return queries.get_visible_appeal_or_404(slug, bearer_user())


# --- campaigners -----------------------------------------------------------------------------


@bp.route("/appeals", methods=["POST"])
@bp.campaigner("editor")
@bp.arguments(AppealIn, description=RULES)
@bp.response(201, AppealSchema)
def create_appeal(data: dict):
    """Create an appeal as a draft, with its demands and their targets."""
    data = render_before_writes(data, body=APPEAL_BODY_MAX)
    appeal = services.create_appeal(bearer_user(), **data)
    db.session.commit()
    return appeal, {"Location": url_for(".get_appeal", slug=appeal.slug)}


@bp.route("/appeals/<slug>", methods=["PATCH"])
@bp.campaigner("editor")
@bp.arguments(AppealPatch, description=f"{AT_LEAST_ONE_FIELD} {RULES}")
@bp.response(200, AppealSchema)
@bp.alt_response(404, response="NOT_FOUND")
def update_appeal(data: dict, slug: str):
    """Edit an appeal. A demand given with its `id` keeps its identity and history; the
    demands given replace the set, in that order; one with a recorded history cannot go."""
    require_changes(data)
    appeal = queries.get_appeal_or_404(slug)
    data = render_before_writes(data, body=APPEAL_BODY_MAX)  # read again after it: as it is now
    demands = data.pop("demands", None)
    services.update_appeal(bearer_user(), appeal, demands=demands, **data)
    db.session.commit()
    return appeal


@bp.route("/appeals/<slug>/publish", methods=["POST"])
@bp.campaigner("editor")
@bp.response(200, AppealSchema)
@bp.alt_response(404, response="NOT_FOUND")
def publish_appeal(slug: str):
    """Publish a draft: it becomes public and open for signatures."""
    appeal = services.publish_appeal(bearer_user(), queries.get_appeal_or_404(slug))
    db.session.commit()
    return appeal


@bp.route("/appeals/<slug>/close", methods=["POST"])
@bp.campaigner("editor")
@bp.response(200, AppealSchema)
@bp.alt_response(404, response="NOT_FOUND")
def close_appeal(slug: str):
    """Close a published appeal: no more signing; it stays readable and tracking goes on."""
    appeal = services.close_appeal(bearer_user(), queries.get_appeal_or_404(slug))
    db.session.commit()
    return appeal
