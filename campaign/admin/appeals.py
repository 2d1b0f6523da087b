"""Campaigners' pages for appeals: the list, drafts and their fields, demands and their target
authorities, preview, and the moves between states. Moderators read; editors change."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from campaign.accounts.auth import require_role
from campaign.admin import add_nav, bp
from campaign.admin.forms import AppealForm, HideForm, demand_form
from campaign.appeals.closing import consequences
from campaign.appeals.issuers import approval_rows, missing_approvals
from campaign.appeals.queries import get_appeal_or_404, get_demand_or_404, list_all_appeals
from campaign.appeals.services import (
    add_demand,
    archive_appeal,
    close_appeal,
    create_appeal,
    edit_demand,
    hide_appeal,
    move_demand,
    publish_appeal,
    remove_demand,
    reopen_appeal,
    unhide_appeal,
    update_appeal,
)
from campaign.appeals.status import appeal_progress
from campaign.appeals.views import appeal_context
from campaign.authorities.queries import list_authorities
from campaign.core.actions import run_action
from campaign.core.limits import APPEAL_BODY_MAX
from campaign.core.markdown_fields import render_before_writes
from campaign.endorsements.organizations import get_or_create_organization
from campaign.sharing.queries import forget_cached_copies
from campaign.signatures.counting import signature_counts

add_nav("admin.appeals", _l("Appeals"), "moderator")

#: Service field names shown beside another field of the demand form.
DEMAND_FIELDS = {"demands": "text", "reason": "due_reason"}

#: action -> (service, message when done)
TRANSITIONS = {
    "publish": (publish_appeal, _l("The appeal is published.")),
    "close": (close_appeal, _l("The appeal is closed: it no longer takes signatures.")),
    "reopen": (reopen_appeal, _l("The appeal is open for signatures again.")),
    "archive": (archive_appeal, _l("The appeal is archived and read-only.")),
}


def _me():
    return current_user._get_current_object()


def _appeal_values(form: AppealForm) -> dict:
    """The form's values as the appeal services take them: the body rendered, the issuing
    organization found or created by name."""
    values = render_before_writes(form.values(), body=APPEAL_BODY_MAX)
    name = (form.issued_by.data or "").strip()
    return {**values, "issued_by": get_or_create_organization(name) if name else None}


def _to_appeal(slug: str, anchor: str = ""):
    return redirect(url_for("admin.appeal", slug=slug) + anchor)


@bp.route("/appeals")
@require_role("moderator")
def appeals():
    appeals = list_all_appeals()
    counts = signature_counts(a.id for a in appeals)
    rows = [(a, counts[a.id], appeal_progress(a)) for a in appeals]
    return render_template("admin/appeals/index.html", rows=rows)


@bp.route("/appeals/new", methods=["GET", "POST"])
@require_role("editor")
def appeal_new():
    form = AppealForm()
    return run_action(
        form,
        lambda: create_appeal(_me(), **_appeal_values(form)),
        flash=_l("The draft is saved. Add its demands, then preview and publish it."),
        success=lambda appeal: _to_appeal(appeal.slug),
        render=lambda: render_template("admin/appeals/form.html", form=form, appeal=None),
    )


@bp.route("/appeals/<slug>/edit", methods=["GET", "POST"])
@require_role("editor")
def appeal_edit(slug: str):
    appeal = get_appeal_or_404(slug)
    form = AppealForm()
    if request.method == "GET":
        form.fill(appeal)
    return run_action(
        form,
        lambda: update_appeal(_me(), appeal, **_appeal_values(form)),
        flash=_l("The appeal is saved."),
        success=lambda _appeal: _to_appeal(slug),
        render=lambda: render_template("admin/appeals/form.html", form=form, appeal=appeal),
    )


@bp.route("/appeals/<slug>")
@require_role("moderator")
def appeal(slug: str):
    # The context carries retention_days (the signing section's provider) too.
    appeal = get_appeal_or_404(slug)
    context = appeal_context(appeal)
    return render_template(
        "admin/appeals/show.html",
        transitions=TRANSITIONS,
        issuer_rows=approval_rows(appeal),
        missing_approvals=missing_approvals(appeal),
        **context,
    )


@bp.route("/appeals/<slug>/preview")
@require_role("moderator")
def appeal_preview(slug: str):
    """The public page of any appeal, drafts included, under a 'Preview' banner."""
    return render_template("admin/appeals/preview.html", **appeal_context(get_appeal_or_404(slug)))


@bp.route("/appeals/<slug>/<any(publish, reopen):action>", methods=["POST"])
@require_role("editor")
def appeal_transition(slug: str, action: str):
    appeal = get_appeal_or_404(slug)
    change, done = TRANSITIONS[action]
    return run_action(
        None, lambda: change(_me(), appeal), flash=done, success=lambda _done: _to_appeal(slug)
    )


@bp.route("/appeals/<slug>/close", methods=["GET", "POST"], defaults={"action": "close"})
@bp.route("/appeals/<slug>/archive", methods=["GET", "POST"], defaults={"action": "archive"},
          endpoint="appeal_archive")  # fmt: skip
@require_role("editor")
def appeal_close(slug: str, action: str):
    """Close or archive, which cannot be simply undone, after a page that says what will
    happen, with the numbers (GET); the POST from its button acts."""
    appeal = get_appeal_or_404(slug)
    if request.method == "GET":
        return render_template(
            "admin/appeals/confirm_state.html",
            appeal=appeal,
            action=action,
            figures=consequences(appeal),
        )
    change, done = TRANSITIONS[action]
    return run_action(
        None, lambda: change(_me(), appeal), flash=done, success=lambda _done: _to_appeal(slug)
    )


@bp.route("/appeals/<slug>/hide", methods=["GET", "POST"])
@require_role("editor")
def appeal_hide(slug: str):
    """Take an appeal down (any state), after a confirmation page: a tick and a reason."""
    appeal = get_appeal_or_404(slug)
    form = HideForm()

    def taken_down(_appeal):
        forget_cached_copies(slug)
        return _to_appeal(slug)

    return run_action(
        form,
        lambda: hide_appeal(_me(), appeal, form.reason.data or ""),
        flash=_l("The appeal is taken down: its public pages answer “not found”."),
        success=taken_down,
        render=lambda: render_template("admin/appeals/hide.html", form=form, appeal=appeal),
    )


@bp.route("/appeals/<slug>/unhide", methods=["POST"])
@require_role("admin")
def appeal_unhide(slug: str):
    appeal = get_appeal_or_404(slug)
    return run_action(
        None,
        lambda: unhide_appeal(_me(), appeal),
        flash=_l("The appeal is public again."),
        success=lambda _appeal: _to_appeal(slug),
    )


@bp.route("/appeals/<slug>/demands/new", methods=["GET", "POST"])
@require_role("editor")
def demand_new(slug: str):
    appeal = get_appeal_or_404(slug)
    form = demand_form(list_authorities())

    def add():
        return add_demand(_me(), appeal, form.text.data, form.targets())

    return _demand_form(appeal, form, None, add)


@bp.route("/appeals/<slug>/demands/<int:demand_id>/edit", methods=["GET", "POST"])
@require_role("editor")
def demand_edit(slug: str, demand_id: int):
    appeal = get_appeal_or_404(slug)
    demand = get_demand_or_404(appeal, demand_id)
    form = demand_form(list_authorities(), demand)

    def save():
        return edit_demand(_me(), demand, form.text.data, form.targets(), form.due_reason.data)

    return _demand_form(appeal, form, demand, save)


def _demand_form(appeal, form, demand, save):
    return run_action(
        form,
        save,
        aliases=DEMAND_FIELDS,
        flash=_l("The demand is saved.") if demand else _l("The demand is added."),
        success=lambda _demand: _to_appeal(appeal.slug, "#demands"),
        render=lambda: render_template(
            "admin/appeals/demand_form.html", appeal=appeal, form=form, demand=demand
        ),
    )


@bp.route("/appeals/<slug>/demands/<int:demand_id>/remove", methods=["POST"])
@require_role("editor")
def demand_remove(slug: str, demand_id: int):
    demand = get_demand_or_404(get_appeal_or_404(slug), demand_id)
    return _demand_change(slug, lambda: remove_demand(_me(), demand), _l("The demand is removed."))


@bp.route("/appeals/<slug>/demands/<int:demand_id>/move", methods=["POST"])
@require_role("editor")
def demand_move(slug: str, demand_id: int):
    demand = get_demand_or_404(get_appeal_or_404(slug), demand_id)
    direction = {"up": -1, "down": 1}.get(request.form.get("direction", ""))
    if direction is None:
        flash(_("Choose whether to move the demand up or down."), "error")
        return _to_appeal(slug, "#demands")

    def move():
        return move_demand(_me(), demand, direction)

    return _demand_change(slug, move, _l("The demand is moved."))


def _demand_change(slug: str, change, done):
    return run_action(None, change, flash=done, success=lambda _done: _to_appeal(slug, "#demands"))
