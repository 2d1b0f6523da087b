"""Moderating endorsements: the queue (oldest first), approve, reject with a private reason,
each appeal's endorsements by state, endorsements collected elsewhere, initiators. Every row
names and links the organization's other endorsements of the same appeal (rivals), so a
moderator compares them before approving one."""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from campaign.accounts.auth import require_role
from campaign.admin import add_nav, bp
from campaign.appeals.queries import get_appeal_or_404, list_tracked_appeals
from campaign.core.actions import run_action
from campaign.endorsements import queries, services
from campaign.endorsements.forms import CampaignerEndorsementForm, RejectForm
from campaign.endorsements.logos import read_logo

add_nav("admin.endorsement_queue", _l("Endorsements"), "moderator")


def _name(endorsement) -> str:
    return endorsement.organization.name


def _to_appeal_list(appeal):
    return redirect(url_for(".appeal_endorsements", slug=appeal.slug))


def _back(endorsement):
    if request.form.get("next") == "appeal":
        return _to_appeal_list(endorsement.appeal)
    return redirect(url_for(".endorsement_queue"))


@bp.route("/endorsements")
@require_role("moderator")
def endorsement_queue():
    queue = queries.moderation_queue()
    return render_template(
        "admin/endorsements/queue.html",
        queue=queue,
        rivals=queries.rivals_of(queue),
        domain_checks=queries.domain_checks(queue),
        appeals=list_tracked_appeals(),
    )


@bp.route("/endorsements/<int:endorsement_id>/approve", methods=["POST"])
@require_role("moderator")
def approve_endorsement(endorsement_id: int):
    endorsement = queries.get_endorsement_or_404(endorsement_id)
    return run_action(
        None,
        lambda: services.approve_endorsement(current_user, endorsement),
        flash=lambda _done: _("%(name)s's endorsement is approved.", name=_name(endorsement)),
        success=lambda _done: _back(endorsement),
    )


@bp.route("/endorsements/<int:endorsement_id>/reject", methods=["GET", "POST"])
@require_role("moderator")
def reject_endorsement(endorsement_id: int):
    endorsement = queries.get_endorsement_or_404(endorsement_id)
    form = RejectForm()
    return run_action(
        form,
        lambda: services.reject_endorsement(current_user, endorsement, form.reason.data),
        aliases={"state": "reason"},  # the form has one field: every message goes beside it
        flash=lambda _done: _("%(name)s's endorsement is rejected.", name=_name(endorsement)),
        success=lambda _done: _back(endorsement),
        render=lambda: render_template(
            "admin/endorsements/reject.html", endorsement=endorsement, form=form
        ),
    )


@bp.route("/appeals/<slug>/endorsements")
@require_role("moderator")
def appeal_endorsements(slug: str):
    appeal = get_appeal_or_404(slug)
    by_state = queries.endorsements_by_state(appeal)
    rows = [e for state_rows in by_state.values() for e in state_rows]
    return render_template(
        "admin/endorsements/appeal.html",
        appeal=appeal,
        by_state=by_state,
        rivals=queries.rivals_of(rows),
        domain_checks=queries.domain_checks(rows),
    )


@bp.route("/appeals/<slug>/endorsements/add", methods=["GET", "POST"])
@require_role("editor")
def add_endorsement(slug: str):
    appeal = get_appeal_or_404(slug)
    form = CampaignerEndorsementForm()

    def add():
        data = form.to_input(language=appeal.language)
        data.logo = read_logo(form.logo.data)
        endorsement = services.add_endorsement_by_campaigner(current_user, appeal, data)
        if form.initiator.data:
            services.set_initiator(current_user, endorsement, True)
        return endorsement

    return run_action(
        form,
        add,
        flash=lambda added: _("%(name)s's endorsement is added.", name=added.organization.name),
        success=lambda _done: _to_appeal_list(appeal),
        render=lambda: render_template("admin/endorsements/add.html", appeal=appeal, form=form),
    )


@bp.route("/endorsements/<int:endorsement_id>/initiator", methods=["POST"])
@require_role("editor")
def mark_initiator(endorsement_id: int):
    endorsement = queries.get_endorsement_or_404(endorsement_id)
    initiator = request.form.get("initiator") == "1"
    return run_action(
        None,
        lambda: services.set_initiator(current_user, endorsement, initiator),
        success=lambda _done: _to_appeal_list(endorsement.appeal),
    )


@bp.route("/organizations/<slug>/names", methods=["GET", "POST"])
@require_role("editor")
def organization_names(slug: str):
    from campaign.admin.forms import OrganizationNamesForm
    from campaign.names.services import rename_organization

    organization = queries.get_organization_by_slug(slug) or abort(404)
    form = OrganizationNamesForm(obj=organization)
    return run_action(
        form,
        lambda: rename_organization(current_user, organization, form.names()),
        aliases={"names": "name_ru"},
        flash=_l("The organization's names are saved."),
        success=lambda _done: redirect(url_for(".organization_names", slug=slug)),
        render=lambda: render_template(
            "admin/endorsements/organization_names.html", organization=organization, form=form
        ),
    )
