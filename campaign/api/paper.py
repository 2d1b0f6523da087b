"""Paper batches over the API: editors record them; campaigners list them with their
provenance. The appeal's JSON says `paper_count`, and its `signature_count` includes it."""

from __future__ import annotations

from campaign.accounts.auth import acting_user, require_role
from campaign.api.common import ApiBlueprint, page_of
from campaign.api.schemas.base import PageArgs, page_schema
from campaign.api.schemas.paper import PaperBatchIn, PaperBatchOut
from campaign.appeals.queries import get_appeal_or_404
from campaign.core.extensions import db
from campaign.paper.queries import appeal_batches
from campaign.paper.services import record_paper_batch

bp = ApiBlueprint(
    "paper_api", __name__, url_prefix="/api/v1",
    description="Signatures collected on paper, counted in an appeal's total.",
)  # fmt: skip

RULES = (
    "The appeal must be published or closed (paper collected before closing may be entered "
    "after it; an archived appeal is read-only, a draft takes none yet). collected_to: not "
    "before collected_from, not after today in the appeal's time zone, nor after the day it "
    "closed. A scan of the sheets is added on the campaigners' page, not here."
)


@bp.route("/appeals/<slug>/paper-batches")
@require_role("moderator")
@bp.arguments(PageArgs, location="query")
@bp.response(200, page_schema(PaperBatchOut))
@bp.errors(404)
def list_paper_batches(args, slug: str):
    """An appeal's paper batches with their provenance and corrections, newest first."""
    return page_of(appeal_batches(get_appeal_or_404(slug, f"No appeal {slug!r}.")), args)


@bp.route("/appeals/<slug>/paper-batches", methods=["POST"])
@require_role("editor")
@bp.arguments(PaperBatchIn, description=RULES)
@bp.response(201, PaperBatchOut)
@bp.errors(400, 404)
def create_paper_batch(data: dict, slug: str):
    """Record a batch of paper signatures: it counts in the appeal's total at once."""
    appeal = get_appeal_or_404(slug, f"No appeal {slug!r}.")
    batch = record_paper_batch(acting_user(), appeal, **data)
    db.session.commit()
    return batch
