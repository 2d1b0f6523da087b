"""Moderating endorsements: the queue (oldest first), approve, reject with a private reason,
each appeal's endorsements by state, endorsements collected elsewhere, initiators. Every row
names and links the organization's other endorsements of the same appeal (rivals), so a
moderator compares them before approving one."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from campaign.accounts.auth import require_role
from campaign.admin import add_nav, bp
from campaign.appeals.queries import get_appeal_or_404, list_public_appeals
from campaign.core.extensions import db
from campaign.core.validation import InvalidInput
from campaign.endorsements import queries, services
from campaign.endorsements.forms import CampaignerEndorsementForm, RejectForm
from campaign.endorsements.logos import read_logo

add_nav("admin.endorsement_queue", _l("Endorsements"), "moderator")


def _endorsement_or_404(endorsement_id: int):
    endorsement = queries.get_endorsement(endorsement_id)
    if endorsement is None:
        abort(404)
    return endorsement


def _back(endorsement):
    target = request.form.get("next")
    if target == "appeal":
        return redirect(url_for(".appeal_endorsements", slug=endorsement.appeal.slug))
    return redirect(url_for(".endorsement_queue"))


@bp.route("/endorsements")
@require_role("moderator")
def endorsement_queue():
    queue = queries.moderation_queue()
    return render_template(
        "admin/endorsements/queue.html",
        queue=queue,
        rivals=queries.rivals_of(queue),
        appeals=list_public_appeals(),
    )


@bp.route("/endorsements/<int:endorsement_id>/approve", methods=["POST"])
@require_role("moderator")
def approve_endorsement(endorsement_id: int):
    endorsement = _endorsement_or_404(endorsement_id)
    try:
        services.approve_endorsement(current_user, endorsement)
    except InvalidInput as exc:
        db.session.rollback()
        flash(exc.message, "error")
    else:
        db.session.commit()
        flash(_("%(name)s's endorsement is approved.", name=endorsement.organization.name))
    return _back(endorsement)


@bp.route("/endorsements/<int:endorsement_id>/reject", methods=["GET", "POST"])
@require_role("moderator")
def reject_endorsement(endorsement_id: int):
    endorsement = _endorsement_or_404(endorsement_id)
    form = RejectForm()
    if form.validate_on_submit():
        try:
            services.reject_endorsement(current_user, endorsement, form.reason.data)
        except InvalidInput as exc:
            db.session.rollback()
            form.reason.errors = [*form.reason.errors, *exc.fields.values()]
        else:
            db.session.commit()
            flash(_("%(name)s's endorsement is rejected.", name=endorsement.organization.name))
            return _back(endorsement)
    status = 400 if form.errors else 200
    return render_template(
        "admin/endorsements/reject.html", endorsement=endorsement, form=form
    ), status


@bp.route("/appeals/<slug>/endorsements")
@require_role("moderator")
def appeal_endorsements(slug: str):
    appeal = get_appeal_or_404(slug)
    by_state = queries.endorsements_by_state(appeal)
    return render_template(
        "admin/endorsements/appeal.html",
        appeal=appeal,
        by_state=by_state,
        rivals=queries.rivals_of(e for rows in by_state.values() for e in rows),
    )


@bp.route("/appeals/<slug>/endorsements/add", methods=["GET", "POST"])
@require_role("editor")
def add_endorsement(slug: str):
    appeal = get_appeal_or_404(slug)
    form = CampaignerEndorsementForm()
    if form.validate_on_submit():
        try:
            data = form.to_input(language=appeal.language)
            data.logo = read_logo(form.logo.data)
            endorsement = services.add_endorsement_by_campaigner(current_user, appeal, data)
            if form.initiator.data:
                services.set_initiator(current_user, endorsement, True)
        except InvalidInput as exc:
            db.session.rollback()
            form.show_errors(exc.fields)
        else:
            db.session.commit()
            flash(_("%(name)s's endorsement is added.", name=endorsement.organization.name))
            return redirect(url_for(".appeal_endorsements", slug=appeal.slug))
    status = 400 if form.errors else 200
    return render_template("admin/endorsements/add.html", appeal=appeal, form=form), status


@bp.route("/endorsements/<int:endorsement_id>/initiator", methods=["POST"])
@require_role("editor")
def mark_initiator(endorsement_id: int):
    endorsement = _endorsement_or_404(endorsement_id)
    try:
        services.set_initiator(current_user, endorsement, request.form.get("initiator") == "1")
    except InvalidInput as exc:
        db.session.rollback()
        flash(exc.message, "error")
    else:
        db.session.commit()
    return redirect(url_for(".appeal_endorsements", slug=endorsement.appeal.slug))
