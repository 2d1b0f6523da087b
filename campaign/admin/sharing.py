"""Share channels: which `ref` brought how many confirmed, unflagged signatures."""

from flask import abort, render_template
from flask_babel import lazy_gettext as _l

from campaign.accounts.auth import require_role
from campaign.admin import add_nav, bp
from campaign.appeals.services import get_appeal_by_slug
from campaign.sharing.services import appeals_for_channels, channel_counts

add_nav("admin.share_channels", _l("Share channels"), "moderator")


@bp.route("/channels")
@require_role("moderator")
def share_channels():
    return render_template("admin/sharing/index.html", appeals=appeals_for_channels())


@bp.route("/appeals/<slug>/channels")
@require_role("moderator")
def appeal_channels(slug: str):
    appeal = get_appeal_by_slug(slug)
    if appeal is None:
        abort(404)
    rows = channel_counts(appeal)
    return render_template(
        "admin/sharing/channels.html", appeal=appeal, rows=rows, total=sum(r.count for r in rows)
    )
