"""Campaigners' pages for tracking an appeal's responses: record a response, move a status,
retract a change, set due dates, post updates and notify subscribers. Editors and above."""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from campaign.accounts.auth import require_role
from campaign.admin import add_nav, bp
from campaign.appeals.queries import (
    get_appeal_or_404,
    get_tracked_appeal_or_404,
    list_tracked_appeals,
)
from campaign.appeals.status import appeal_progress, today_utc
from campaign.authorities.queries import get_authority_by_slug
from campaign.core.actions import run_action
from campaign.core.dates import spell_date
from campaign.core.labels import label
from campaign.inbox import recording as inbox
from campaign.names.localize import local_name_text
from campaign.responses import audience, mailshots
from campaign.responses.documents import MAX_DOCUMENT_BYTES
from campaign.responses.forms import (
    RetractForm,
    UpdateForm,
    due_form,
    guided_response_form,
    status_form,
)
from campaign.responses.queries import appeal_targets, get_appeal_target, get_status_change_or_404
from campaign.responses.services import (
    StatusMove,
    change_demand_status,
    change_due_date,
    record_response_once,
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


#: Why an appeal takes no response, by its state (services refuse them too).
CANNOT_RECORD = {
    "draft": _l("This appeal is a draft: publish it before recording what the authorities did."),
    "archived": _l("This appeal is archived: it is read-only, no response can be recorded."),
}


def _choose_authority(appeal, problem=None):
    """Step 1: the appeal's authorities, each a link to step 2 (a message, if any, on top)."""
    page = render_template(
        "admin/responses/new.html", appeal=appeal, authorities=_authorities(appeal),
        problem=problem or CANNOT_RECORD.get(appeal.state),
        correspondence=request.args.get("correspondence"),
    )  # fmt: skip
    return page, 400 if problem or request.method == "POST" else 200


def _recorded(authority, form):
    """The flash after recording: who answered and what moved."""

    def message(result) -> str:
        response, new = result
        if not new:
            return _("This response was recorded already; nothing was added.")
        moves = [
            _("demand %(num)d: %(status)s", num=target.demand.position, status=label(status.data))
            for target, status, _note, _concerns in form.rows
            if status.data
        ]
        day = spell_date(response.occurred_on, str(get_locale() or "en"))
        done = _("The response is recorded.") + " " + _(
            "%(kind)s from %(authority)s, %(date)s.", kind=label(response.kind),
            authority=local_name_text(authority), date=day,
        )  # fmt: skip
        if moves:
            done += " " + _("Status changes: %(moves)s.", moves="; ".join(moves))
        return done

    return message


@bp.route("/appeals/<slug>/responses/new", methods=["GET", "POST"])
@require_role("editor")
def response_new(slug: str):
    """Record a response in two steps: choose the authority (step 1), then one short form with
    only the demands addressed to it (step 2). The demands a response concerns are those whose
    status moves and those ticked "concerns this demand"."""
    appeal = get_appeal_or_404(slug)
    wanted = request.args.get("authority")
    if appeal.state in CANNOT_RECORD or not wanted:
        return _choose_authority(appeal)
    authority = get_authority_by_slug(wanted)
    if authority is None:
        abort(404)
    if authority not in _authorities(appeal):
        return _choose_authority(appeal, _(
            "%(name)s is not an authority this appeal is addressed to: choose one of the list.",
            name=local_name_text(authority),
        ))  # fmt: skip
    form = guided_response_form(appeal, authority)
    if request.method == "GET":
        # "Record as response" from the inbox: the form filled from the message.
        inbox.prefill_from_request(appeal, form)

    def record():
        upload = form.document.data
        message = inbox.recorded_message(appeal, form)
        document = upload.read(MAX_DOCUMENT_BYTES + 1) if upload and upload.filename else None
        if document is None and message is not None:
            document = inbox.attachment_bytes(message, form.use_attachment.data)
        moves = {t.demand.id: StatusMove(status.data, note.data or "")
                 for t, status, note, _c in form.rows if status.data}  # fmt: skip
        concerned = [t.demand.id for t, status, _n, concerns in form.rows
                     if status.data or concerns.data]  # fmt: skip
        result = record_response_once(
            current_user, appeal, authority=authority, occurred_on=form.occurred_on.data,
            kind=form.kind.data, summary=form.summary.data, source_url=form.source_url.data,
            demands=concerned, moves=moves, document=document,
        )  # fmt: skip
        if message is not None and result[1]:
            inbox.mark_recorded(current_user, message, result[0])
        return result

    return run_action(
        form,
        record,
        flash=_recorded(authority, form),
        success=lambda _result: _to_page(slug),
        render=lambda: render_template(
            "admin/responses/record.html", appeal=appeal, authority=authority, form=form
        ),
        aliases={"demands": form.rows[0][1].name} if form.rows else None,
    )


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
