"""Campaigners' pages for delivering an appeal to its authorities (by email, or recording a
delivery by hand, post or fax), approving chasers, and the working-day calendar."""

from __future__ import annotations

from flask import abort, redirect, render_template, send_from_directory, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from campaign.accounts.auth import require_role
from campaign.admin import add_nav, bp
from campaign.appeals.queries import get_tracked_appeal_or_404
from campaign.authorities.queries import get_authority_by_slug
from campaign.core.actions import run_action
from campaign.core.extensions import db
from campaign.core.validation import InvalidInput
from campaign.deliveries import queries, services
from campaign.deliveries.forms import DELIVERY_LABELS, WorkingDayForm, record_delivery_form
from campaign.deliveries.models import WorkingDayOverride
from campaign.responses.documents import (
    MAX_DOCUMENT_BYTES,
    check_document,
    content_type_for,
    documents_folder,
)

add_nav("admin.working_days", _l("Working days"), "editor")


def _authorities(appeal):
    seen = {}
    for demand in appeal.demands:
        for target in demand.targets:
            seen.setdefault(target.authority_id, target.authority)
    return list(seen.values())


def _page(appeal, record_form=None):
    deliveries = {d.authority_id: d for d in queries.appeal_deliveries(appeal)}
    authorities = _authorities(appeal)
    return render_template(
        "admin/deliveries/appeal.html",
        appeal=appeal,
        rows=[(a, deliveries.get(a.id), services.term_days(a)) for a in authorities],
        chasers=queries.appeal_chasers(appeal),
        record_form=record_form or record_delivery_form(authorities, formdata=None),
        labels=DELIVERY_LABELS,
    )


def _back(slug: str):
    return redirect(url_for("admin.deliveries", slug=slug))


@bp.route("/appeals/<slug>/deliveries")
@require_role("editor")
def deliveries(slug: str):
    return _page(get_tracked_appeal_or_404(slug))


@bp.route("/appeals/<slug>/deliveries/<authority>/email", methods=["POST"])
@require_role("editor")
def deliver_email_view(slug: str, authority: str):
    appeal = get_tracked_appeal_or_404(slug)
    found = get_authority_by_slug(authority) or abort(404)
    return run_action(
        None,
        lambda: services.deliver_by_email(current_user, appeal, found),
        flash=_l("The appeal is queued for sending by email."),
        success=lambda _done: _back(slug),
    )


@bp.route("/appeals/<slug>/deliveries/record", methods=["POST"])
@require_role("editor")
def record_delivery_view(slug: str):
    appeal = get_tracked_appeal_or_404(slug)
    form = record_delivery_form(_authorities(appeal))

    def record():
        authority = get_authority_by_slug(form.authority.data)
        if authority is None:
            raise InvalidInput("Unknown authority.", {"authority": "Unknown authority."})
        upload = form.receipt.data
        receipt = None
        if upload and getattr(upload, "filename", None):
            try:
                receipt = check_document(upload.read(MAX_DOCUMENT_BYTES + 1))
            except InvalidInput as error:
                raise InvalidInput(error.message, {"receipt": error.message}) from None
        return services.record_delivery(
            current_user, appeal, authority, form.method.data, form.delivered_on.data,
            receipt=receipt, note=form.note.data,
        )  # fmt: skip

    return run_action(
        form,
        record,
        flash=_l("The delivery is recorded; the due dates are set."),
        success=lambda _done: _back(slug),
        render=lambda: _page(appeal, form),
    )


@bp.route("/appeals/<slug>/deliveries/<int:delivery_id>/receipt")
@require_role("editor")
def delivery_receipt(slug: str, delivery_id: int):
    appeal = get_tracked_appeal_or_404(slug)
    delivery = next((d for d in queries.appeal_deliveries(appeal) if d.id == delivery_id), None)
    if delivery is None or not delivery.receipt_document:
        abort(404)
    name = delivery.receipt_document
    return send_from_directory(
        documents_folder(), name, mimetype=content_type_for(name), as_attachment=True
    )


@bp.route("/appeals/<slug>/chasers/<int:chaser_id>/approve", methods=["POST"])
@require_role("editor")
def approve_chaser_view(slug: str, chaser_id: int):
    appeal = get_tracked_appeal_or_404(slug)
    chaser = queries.get_chaser_or_404(appeal, chaser_id)
    return run_action(
        None,
        lambda: services.approve_chaser(current_user, chaser),
        flash=_l("The chaser is approved and queued for sending."),
        success=lambda _done: _back(slug),
    )


# --- the working-day calendar ------------------------------------------------------------------


def _calendar_page(form) -> str:
    return render_template(
        "admin/deliveries/working_days.html", overrides=queries.working_day_overrides(), form=form
    )


@bp.route("/working-days", methods=["GET", "POST"])
@require_role("editor")
def working_days():
    form = WorkingDayForm()
    return run_action(
        form,
        lambda: services.set_working_day(
            current_user, form.country.data, form.day.data, form.working.data, form.note.data
        ),
        flash=_l("The day is saved."),
        success=lambda _done: redirect(url_for("admin.working_days")),
        render=lambda: _calendar_page(form),
    )


@bp.route("/working-days/<int:override_id>/remove", methods=["POST"])
@require_role("editor")
def remove_working_day(override_id: int):
    override = db.session.get(WorkingDayOverride, override_id) or abort(404)
    return run_action(
        None,
        lambda: services.remove_working_day(current_user, override),
        flash=_l("The day follows the calendar again."),
        success=lambda _done: redirect(url_for("admin.working_days")),
    )
