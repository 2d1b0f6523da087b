"""Campaigners' pages for tracking an appeal's responses: record a response, move a status,
retract a change, set due dates, post updates and notify subscribers. Editors and above."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from campaign.accounts.auth import require_role
from campaign.admin import add_nav, bp
from campaign.appeals.queries import get_tracked_appeal_or_404, list_tracked_appeals
from campaign.appeals.status import appeal_progress, today_utc
from campaign.authorities.queries import get_authority_by_slug
from campaign.core.actions import run_action
from campaign.inbox import recording as inbox
from campaign.responses import audience, mailshots
from campaign.responses.documents import MAX_DOCUMENT_BYTES
from campaign.responses.forms import (
    RetractForm,
    UpdateForm,
    due_form,
    response_form,
    status_form,
)
from campaign.responses.queries import appeal_targets, get_appeal_target, get_status_change_or_404
from campaign.responses.services import (
    StatusMove,
    change_demand_status,
    change_due_date,
    record_response,
    retract_status_change,
)
from campaign.responses.timeline import build_tracker

add_nav("admin.responses_index", _l("Responses"), "editor")


def _authorities(appeal):
    seen = {}
    for target in appeal_targets(appeal):
        seen.setdefault(target.authority.slug, target.authority)
    return list(seen.values())


def _page(appeal, **forms) -> str:
    if "record_form" not in forms:
        forms["record_form"] = response_form(appeal, _authorities(appeal), formdata=None)
        # "Record as response" from the inbox: the form filled from the message.
        inbox.prefill_from_request(appeal, forms["record_form"])
    forms.setdefault("status_form", status_form(appeal, formdata=None))
    forms.setdefault("due_form", due_form(appeal, formdata=None))
    forms.setdefault("update_form", UpdateForm(formdata=None))
    return render_template(
        "admin/responses/appeal.html",
        mailings=audience.appeal_mailings(appeal),
        appeal=appeal,
        tracker=build_tracker(appeal, today_utc()),
        progress=appeal_progress(appeal),
        unmailed=[c for c in mailshots.unmailed_changes(appeal) if c.retracted_at is None],
        retract_form=RetractForm(formdata=None),
        **forms,
    )


def _to_page(slug: str, anchor: str = ""):
    return redirect(url_for("admin.appeal_responses", slug=slug) + anchor)


def _page_form(appeal, name: str, form, action, done):
    """One of the page's forms: done, back to the page; refused, the page with this form
    showing its errors (the page's other forms empty)."""
    return run_action(
        form,
        action,
        flash=done,
        success=lambda _done: _to_page(appeal.slug),
        render=lambda: _page(appeal, **{name: form}),
    )


@bp.route("/responses")
@require_role("editor")
def responses_index():
    items = [(a, appeal_progress(a)) for a in list_tracked_appeals()]
    return render_template("admin/responses/index.html", items=items)


@bp.route("/appeals/<slug>/responses")
@require_role("editor")
def appeal_responses(slug: str):
    return _page(get_tracked_appeal_or_404(slug))


@bp.route("/appeals/<slug>/responses/record", methods=["POST"])
@require_role("editor")
def record_response_view(slug: str):
    appeal = get_tracked_appeal_or_404(slug)
    form = response_form(appeal, _authorities(appeal))

    def record():
        upload = form.document.data
        moves = {
            demand.id: StatusMove(status.data, note.data or "")
            for demand, status, note in form.move_fields
            if status.data
        }
        message = inbox.recorded_message(appeal, form)
        document = upload.read(MAX_DOCUMENT_BYTES + 1) if upload and upload.filename else None
        if document is None and message is not None:
            document = inbox.attachment_bytes(message, form.use_attachment.data)
        response = record_response(
            current_user, appeal, authority=get_authority_by_slug(form.authority.data),
            occurred_on=form.occurred_on.data, kind=form.kind.data, summary=form.summary.data,
            source_url=form.source_url.data, demands=form.demands.data, moves=moves,
            document=document,
        )  # fmt: skip
        if message is not None:
            inbox.mark_recorded(current_user, message, response)

    return _page_form(appeal, "record_form", form, record, _l("The response is recorded."))


@bp.route("/appeals/<slug>/responses/status", methods=["POST"])
@require_role("editor")
def change_status_view(slug: str):
    appeal = get_tracked_appeal_or_404(slug)
    form = status_form(appeal)

    def change():
        target, status = get_appeal_target(appeal, form.target.data), form.status.data
        note, source_url = form.note.data, form.source_url.data
        change_demand_status(
            current_user, target, status, note=note, source_url=source_url,
            occurred_on=form.occurred_on.data,
        )  # fmt: skip

    return _page_form(appeal, "status_form", form, change, _l("The status is changed."))


@bp.route("/appeals/<slug>/responses/changes/<int:change_id>/retract", methods=["POST"])
@require_role("editor")
def retract_view(slug: str, change_id: int):
    appeal = get_tracked_appeal_or_404(slug)
    change = get_status_change_or_404(change_id, appeal)
    return run_action(
        None,
        lambda: retract_status_change(current_user, change, request.form.get("reason")),
        flash=_l("The change is retracted; the status before it is back."),
        success=lambda _done: _to_page(slug),
        render=lambda: _to_page(slug, f"#change-{change_id}"),
    )


@bp.route("/appeals/<slug>/responses/due", methods=["POST"])
@require_role("editor")
def due_view(slug: str):
    appeal = get_tracked_appeal_or_404(slug)
    form = due_form(appeal)

    def change():
        target = get_appeal_target(appeal, form.target.data)
        change_due_date(current_user, target, form.due_on.data, form.reason.data)

    return _page_form(appeal, "due_form", form, change, _l("The due date is saved."))
