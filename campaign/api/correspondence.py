"""An appeal's inbound correspondence (replies, auto-replies, bounces) for campaigners."""

from __future__ import annotations

from campaign.accounts.auth import require_role
from campaign.api.common import ApiBlueprint
from campaign.api.schemas.correspondence import CorrespondenceList
from campaign.appeals.queries import get_appeal_or_404
from campaign.inbox.queries import appeal_correspondence

bp = ApiBlueprint(
    "correspondence_api", __name__, url_prefix="/api/v1",
    description="Mail the authorities sent back: replies, auto-replies and bounces.",
)  # fmt: skip


@bp.route("/appeals/<slug>/correspondence")
@require_role("editor")
@bp.response(200, CorrespondenceList)
@bp.errors(404)
def list_correspondence(slug: str):
    """The messages filed under an appeal, oldest first. Unmatched mail is not listed (it
    belongs to no appeal yet): campaigners file it in the admin inbox."""
    items = appeal_correspondence(get_appeal_or_404(slug, f"No appeal {slug!r}."))
    return {"items": items, "total": len(items)}
