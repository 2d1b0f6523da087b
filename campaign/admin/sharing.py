"""Share channels: which `ref` brought how many confirmed, unflagged signatures."""

from flask import render_template
from flask_babel import lazy_gettext as _l

from campaign.accounts.auth import require_role
from campaign.admin import add_nav, bp
from campaign.appeals.queries import get_appeal_or_404, list_appeals_by_creation
from campaign.sharing.queries import channel_counts

add_nav("admin.share_channels", _l("Share channels"), "moderator")


@bp.route("/channels")
@require_role("moderator")
def share_channels():
    return render_template("admin/sharing/index.html", appeals=list_appeals_by_creation())


@bp.route("/appeals/<slug>/channels")
@require_role("moderator")
def appeal_channels(slug: str):
    appeal = get_appeal_or_404(slug)
    rows = channel_counts(appeal)
    return render_template(
        "admin/sharing/channels.html", appeal=appeal, rows=rows, total=sum(r.count for r in rows)
    )
