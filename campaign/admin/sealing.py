"""The appeal's sealing key: the age public key its exports of personal data are sealed to
(campaign.privacy.sealing). Moderators read it beside the export; editors change it."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from campaign.accounts.auth import require_role
from campaign.admin import bp
from campaign.appeals.queries import get_appeal_or_404
from campaign.core.actions import run_action
from campaign.privacy.exports import set_sealing_key
from campaign.privacy.sealing import PUBLIC_KEY_MAX


@bp.route("/appeals/<slug>/sealing-key", methods=["GET", "POST"])
@require_role("editor")
def sealing_key(slug: str):
    appeal = get_appeal_or_404(slug)
    errors: dict = {}
    value = request.form.get("sealing_public_key", appeal.sealing_public_key or "")

    def page():
        return render_template(
            "admin/appeals/sealing.html",
            appeal=appeal,
            errors=errors,
            value=value,
            maxlength=PUBLIC_KEY_MAX,
        )

    if request.method != "POST":
        return page()
    return run_action(
        errors,
        lambda: set_sealing_key(current_user._get_current_object(), appeal, value),
        flash=lambda _changed: (
            _l("Exports of this appeal are now sealed to this key.")
            if appeal.sealing_public_key
            else _l("Exports of this appeal are no longer sealed.")
        ),
        success=lambda _changed: redirect(url_for(".signatures", slug=slug), 303),
        render=page,
    )
