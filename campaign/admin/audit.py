"""The audit log (admin only): read-only, newest first, filtered by action, user and subject.
There are deliberately no routes that change or delete entries."""

from __future__ import annotations

from flask import render_template, request
from flask_babel import lazy_gettext as _l

from campaign.accounts.auth import require_role
from campaign.admin import add_nav, bp
from campaign.audit.queries import search_entries
from campaign.core import limits
from campaign.core.extensions import db
from campaign.core.inputs import page_arg

PER_PAGE = 50

add_nav("admin.audit", _l("Audit log"), "admin")


@bp.route("/audit")
@require_role("admin")
def audit():
    filters = {
        "action": request.args.get("action", "")[: limits.AUDIT_ACTION],
        "user_email": request.args.get("user", "")[: limits.EMAIL],
        "subject": request.args.get("subject", "")[: limits.AUDIT_SUBJECT],
    }
    page = db.paginate(search_entries(**filters), page=page_arg(), per_page=PER_PAGE)
    args = {"action": filters["action"], "user": filters["user_email"]}
    args["subject"] = filters["subject"]
    return render_template("admin/audit/index.html", page=page, filters=args)
