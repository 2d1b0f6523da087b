"""Campaigners' pages for tracking an appeal's responses: record a response, move a status,
retract a change, set due dates, post updates and notify subscribers. Editors and above."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from campaign.accounts.auth import require_role
from campaign.admin import add_nav, bp
from campaign.appeals.queries import get_published_appeal_or_404, list_public_appeals
from campaign.appeals.status import appeal_progress, today_utc
from campaign.authorities.queries import get_authority_by_slug
from campaign.core.extensions import db
from campaign.core.limits import UPDATE_BODY_MAX
from campaign.core.markdown_fields import render_before_writes
from campaign.core.validation import InvalidInput
from campaign.responses import mailshots
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
    post_update,
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


def _show_errors(form, exc: InvalidInput) -> None:
    """Put a service's field messages beside the form's fields; the rest on top."""
    placed = False
    for name, message in exc.fields.items():
        if name in form:
            form[name].errors = [*form[name].errors, message]
            placed = True
    if not placed:
        form.form_errors.append(exc.message)


def _page(appeal, status: int = 200, **forms):
    forms.setdefault("record_form", response_form(appeal, _authorities(appeal), formdata=None))
    forms.setdefault("status_form", status_form(appeal, formdata=None))
    forms.setdefault("due_form", due_form(appeal, formdata=None))
    forms.setdefault("update_form", UpdateForm(formdata=None))
    return render_template(
        "admin/responses/appeal.html",
        appeal=appeal,
        tracker=build_tracker(appeal, today_utc()),
        progress=appeal_progress(appeal),
        unmailed=[c for c in mailshots.unmailed_changes(appeal) if c.retracted_at is None],
        retract_form=RetractForm(formdata=None),
        **forms,
    ), status


@bp.route("/responses")
@require_role("editor")
def responses_index():
    items = [(a, appeal_progress(a)) for a in list_public_appeals()]
    return render_template("admin/responses/index.html", items=items)


@bp.route("/appeals/<slug>/responses")
@require_role("editor")
def appeal_responses(slug: str):
    return _page(get_published_appeal_or_404(slug))


@bp.route("/appeals/<slug>/responses/record", methods=["POST"])
@require_role("editor")
def record_response_view(slug: str):
    appeal = get_published_appeal_or_404(slug)
    form = response_form(appeal, _authorities(appeal))
    if not form.validate_on_submit():
        return _page(appeal, 400, record_form=form)
    upload = form.document.data
    data = upload.read(MAX_DOCUMENT_BYTES + 1) if upload and upload.filename else None
    moves = {
        demand.id: StatusMove(status.data, note.data or "")
        for demand, status, note in form.move_fields
        if status.data
    }
    try:
        record_response(
            current_user, appeal, authority=get_authority_by_slug(form.authority.data),
            occurred_on=form.occurred_on.data, kind=form.kind.data, summary=form.summary.data,
            source_url=form.source_url.data, document=data, demands=form.demands.data,
            moves=moves,
        )  # fmt: skip
    except InvalidInput as exc:
        db.session.rollback()
        _show_errors(form, exc)
        return _page(get_published_appeal_or_404(slug), 400, record_form=form)
    db.session.commit()
    flash(_("The response is recorded."), "success")
    return redirect(url_for("admin.appeal_responses", slug=slug))


@bp.route("/appeals/<slug>/responses/status", methods=["POST"])
@require_role("editor")
def change_status_view(slug: str):
    appeal = get_published_appeal_or_404(slug)
    form = status_form(appeal)
    if not form.validate_on_submit():
        return _page(appeal, 400, status_form=form)
    try:
        change_demand_status(
            current_user, get_appeal_target(appeal, form.target.data), form.status.data,
            note=form.note.data, source_url=form.source_url.data,
        )  # fmt: skip
    except InvalidInput as exc:
        db.session.rollback()
        _show_errors(form, exc)
        return _page(get_published_appeal_or_404(slug), 400, status_form=form)
    db.session.commit()
    flash(_("The status is changed."), "success")
    return redirect(url_for("admin.appeal_responses", slug=slug))


@bp.route("/appeals/<slug>/responses/changes/<int:change_id>/retract", methods=["POST"])
@require_role("editor")
def retract_view(slug: str, change_id: int):
    appeal = get_published_appeal_or_404(slug)
    change = get_status_change_or_404(change_id, appeal)
    try:
        retract_status_change(current_user, change, request.form.get("reason"))
    except InvalidInput as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for("admin.appeal_responses", slug=slug) + f"#change-{change_id}")
    db.session.commit()
    flash(_("The change is retracted; the status before it is back."), "success")
    return redirect(url_for("admin.appeal_responses", slug=slug))


@bp.route("/appeals/<slug>/responses/due", methods=["POST"])
@require_role("editor")
def due_view(slug: str):
    appeal = get_published_appeal_or_404(slug)
    form = due_form(appeal)
    if not form.validate_on_submit():
        return _page(appeal, 400, due_form=form)
    try:
        change_due_date(
            current_user, get_appeal_target(appeal, form.target.data), form.due_on.data,
            form.reason.data,
        )  # fmt: skip
    except InvalidInput as exc:
        db.session.rollback()
        _show_errors(form, exc)
        return _page(get_published_appeal_or_404(slug), 400, due_form=form)
    db.session.commit()
    flash(_("The due date is saved."), "success")
    return redirect(url_for("admin.appeal_responses", slug=slug))


@bp.route("/appeals/<slug>/updates", methods=["POST"])
@require_role("editor")
def post_update_view(slug: str):
    appeal = get_published_appeal_or_404(slug)
    form = UpdateForm()
    if not form.validate_on_submit():
        return _page(appeal, 400, update_form=form)
    try:
        body = render_before_writes({"body": form.body.data}, body=UPDATE_BODY_MAX)["body"]
        update = post_update(current_user, appeal, form.title.data, body)
        mailing = mailshots.start_update_mailing(current_user, update)
    except InvalidInput as exc:
        db.session.rollback()
        _show_errors(form, exc)
        return _page(get_published_appeal_or_404(slug), 400, update_form=form)
    db.session.commit()
    _flash_mailing(mailshots.run_inline(mailing.id), _("The update is published."))
    return redirect(url_for("admin.appeal_responses", slug=slug))


@bp.route("/appeals/<slug>/responses/notify", methods=["POST"])
@require_role("editor")
def notify_view(slug: str):
    appeal = get_published_appeal_or_404(slug)
    try:
        mailing = mailshots.start_status_mailing(current_user, appeal)
    except InvalidInput as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for("admin.appeal_responses", slug=slug))
    db.session.commit()
    _flash_mailing(mailshots.run_inline(mailing.id), _("Subscribers are being notified."))
    return redirect(url_for("admin.appeal_responses", slug=slug))


def _flash_mailing(finished: bool, message: str) -> None:
    if finished:
        flash(message + " " + _("Its emails are queued for every subscriber."), "success")
    else:
        flash(message + " " + _("Part of its emails are queued; `flask mailshots send` "
                                "queues the rest."), "success")  # fmt: skip
