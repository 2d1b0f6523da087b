from flask import render_template

from campaign.accounts.auth import require_role
from campaign.admin import bp
from campaign.appeals.services import list_all_appeals

#: How many appeals the dashboard lists; the appeals page has them all.
DASHBOARD_APPEALS = 10


@bp.route("/")
@require_role("moderator")
def index():
    appeals = list_all_appeals()
    return render_template(
        "admin/index.html",
        appeals=appeals[:DASHBOARD_APPEALS],
        more=len(appeals) > DASHBOARD_APPEALS,
    )
