from flask import render_template

from campaign.accounts.auth import require_role
from campaign.admin import bp


@bp.route("/")
@require_role("moderator")
def index():
    return render_template("admin/index.html")
