"""An appeal's issuers on the campaigners' pages: the list (names, order, contacts), asking
them to approve the text, and an admin publishing without every approval, with a reason
(campaign.appeals.issuers)."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from campaign.accounts.auth import require_role
from campaign.admin import bp
from campaign.admin.forms import IssuersForm, OverrideForm
from campaign.appeals.issuers import ask_issuers, edit_issuers, issuers_from_lines
from campaign.appeals.queries import get_appeal_or_404
from campaign.appeals.services import publish_appeal
from campaign.core.actions import run_action


def _me():
    return current_user._get_current_object()


def _to_appeal(slug: str):
    return redirect(url_for("admin.appeal", slug=slug) + "#issuers")


@bp.route("/appeals/<slug>/issuers", methods=["GET", "POST"])
@require_role("editor")
def appeal_issuers(slug: str):
    appeal = get_appeal_or_404(slug)
    form = IssuersForm()
    if request.method == "GET":
        form.issuers.data = "\n".join(
            f"{i.organization.slug} | {i.contact_email}" if i.contact_email else i.organization.slug
            for i in appeal.issuers
        )
    return run_action(
        form,
        lambda: edit_issuers(_me(), appeal, issuers_from_lines(form.issuers.data or "")),
        flash=_l("The issuers are saved."),
        success=lambda _appeal: _to_appeal(slug),
        render=lambda: render_template("admin/appeals/issuers.html", form=form, appeal=appeal),
    )


@bp.route("/appeals/<slug>/ask-approval", methods=["POST"])
@require_role("editor")
def appeal_ask_approval(slug: str):
    appeal = get_appeal_or_404(slug)
    return run_action(
        None,
        lambda: ask_issuers(_me(), appeal),
        flash=_l("The issuers are asked to approve the text."),
        success=lambda _count: _to_appeal(slug),
    )


@bp.route("/appeals/<slug>/publish-override", methods=["GET", "POST"])
@require_role("admin")
def appeal_publish_override(slug: str):
    appeal = get_appeal_or_404(slug)
    form = OverrideForm()
    return run_action(
        form,
        lambda: publish_appeal(_me(), appeal, override_reason=form.reason.data or ""),
        aliases={"override_reason": "reason"},
        flash=_l("The appeal is published."),
        success=lambda _appeal: _to_appeal(slug),
        render=lambda: render_template("admin/appeals/override.html", form=form, appeal=appeal),
    )
