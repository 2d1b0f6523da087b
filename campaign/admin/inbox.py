"""Campaigners' inbox: replies, auto-replies and bounces across appeals and per appeal, the
unmatched box, one message (its HTML in a sandboxed frame), filing, dismissing, publishing;
admins keep the redaction rules. Editors and above."""

from __future__ import annotations

from flask import abort, redirect, render_template, request, send_from_directory, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from campaign.accounts.auth import require_role
from campaign.admin import add_nav, bp
from campaign.appeals.models import Appeal
from campaign.appeals.queries import get_tracked_appeal_or_404, list_tracked_appeals
from campaign.authorities.models import Authority
from campaign.core.actions import run_action
from campaign.core.extensions import db
from campaign.inbox import queries, services
from campaign.inbox.forms import (
    KIND_LABELS,
    MATCH_LABELS,
    STATE_LABELS,
    AssignForm,
    RedactionForm,
    assign_form,
)
from campaign.responses.documents import documents_folder

add_nav("admin.inbox_index", _l("Inbox"), "editor")

LABELS = {"kinds": KIND_LABELS, "states": STATE_LABELS, "matches": MATCH_LABELS}


@bp.route("/inbox")
@require_role("editor")
def inbox_index():
    box = request.args.get("box", "new")
    if box not in queries.BOXES:
        abort(404)
    items = queries.list_correspondence(None, box)
    return render_template(
        "admin/inbox/index.html", appeal=None, box=box, items=items,
        counts=queries.count_waiting(), bounced=queries.bounced_deliveries(), **LABELS,
    )  # fmt: skip


@bp.route("/appeals/<slug>/inbox")
@require_role("editor")
def appeal_inbox(slug: str):
    appeal = get_tracked_appeal_or_404(slug)
    items = queries.list_correspondence(appeal, "all")
    return render_template(
        "admin/inbox/index.html", appeal=appeal, box="all", items=items, counts=None,
        bounced=[], **LABELS,
    )  # fmt: skip


def _message_page(item, assign: AssignForm | None = None, redaction_error: str | None = None):
    preview = None
    try:
        preview = services.public_copy(item)
    except Exception as exc:  # noqa: BLE001 - a broken rule is shown, not a 500
        redaction_error = str(exc)
    return render_template(
        "admin/inbox/message.html", item=item, preview=preview, redaction_error=redaction_error,
        assign_form=assign or assign_form(list_tracked_appeals(), formdata=None), **LABELS,
    )  # fmt: skip


@bp.route("/inbox/<int:item_id>")
@require_role("editor")
def inbox_message(item_id: int):
    return _message_page(queries.get_correspondence_or_404(item_id))


@bp.route("/inbox/<int:item_id>/attachments/<int:attachment_id>")
@require_role("editor")
def inbox_attachment(item_id: int, attachment_id: int):
    item = queries.get_correspondence_or_404(item_id)
    attachment = queries.get_attachment_or_404(item, attachment_id)
    response = send_from_directory(
        documents_folder(), attachment.document, mimetype=attachment.document_type,
        as_attachment=True, download_name=attachment.filename or attachment.document,
    )  # fmt: skip
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@bp.route("/inbox/<int:item_id>/raw")
@require_role("editor")
def inbox_raw(item_id: int):
    item = queries.get_correspondence_or_404(item_id)
    if item.raw is None:
        abort(404)
    response = current_app_response(item.raw)
    response.headers["Content-Disposition"] = f'attachment; filename="message-{item.id}.eml"'
    return response


def current_app_response(data: bytes):
    from flask import current_app

    response = current_app.response_class(data, mimetype="application/octet-stream")
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def _back(item_id: int):
    return redirect(url_for("admin.inbox_message", item_id=item_id))


@bp.route("/inbox/<int:item_id>/assign", methods=["POST"])
@require_role("editor")
def inbox_assign(item_id: int):
    item = queries.get_correspondence_or_404(item_id)
    form = assign_form(list_tracked_appeals())

    def assign():
        appeal_id, _, authority_id = (form.target.data or "").partition(":")
        appeal = db.session.get(Appeal, int(appeal_id)) if appeal_id.isdigit() else None
        authority = db.session.get(Authority, int(authority_id)) if authority_id.isdigit() else None
        services.assign_correspondence(current_user, item, appeal, authority)

    return run_action(
        form, assign, flash=_l("The message is filed."), success=lambda _d: _back(item_id),
        render=lambda: _message_page(item, assign=form),
    )  # fmt: skip


def _button(item_id: int, action, done):
    item = queries.get_correspondence_or_404(item_id)
    return run_action(
        None, lambda: action(current_user, item), flash=done, success=lambda _d: _back(item_id)
    )


@bp.route("/inbox/<int:item_id>/dismiss", methods=["POST"])
@require_role("editor")
def inbox_dismiss(item_id: int):
    return _button(item_id, services.dismiss_correspondence, _l("The message is moved."))


@bp.route("/inbox/<int:item_id>/publish", methods=["POST"])
@require_role("editor")
def inbox_publish(item_id: int):
    return _button(item_id, services.publish_correspondence, _l("The redacted copy is published."))


@bp.route("/inbox/<int:item_id>/unpublish", methods=["POST"])
@require_role("editor")
def inbox_unpublish(item_id: int):
    return _button(
        item_id, services.unpublish_correspondence, _l("The message is no longer published.")
    )


# --- redaction rules (admins) ----------------------------------------------------------------


def _rules_page(form: RedactionForm):
    return render_template(
        "admin/inbox/redactions.html", rules=services.redaction_rules(), form=form
    )


@bp.route("/inbox/redactions")
@require_role("admin")
def redaction_rules():
    return _rules_page(RedactionForm(formdata=None))


@bp.route("/inbox/redactions", methods=["POST"])
@require_role("admin")
def redaction_add():
    form = RedactionForm()
    return run_action(
        form,
        lambda: services.add_redaction_rule(
            current_user,
            form.pattern.data,
            form.is_regex.data,
            form.replacement.data,
            form.note.data,
        ),
        flash=_l("The rule is saved; it applies to what is published from now on."),
        success=lambda _d: redirect(url_for("admin.redaction_rules")),
        render=lambda: _rules_page(form),
    )


@bp.route("/inbox/redactions/<int:rule_id>/delete", methods=["POST"])
@require_role("admin")
def redaction_remove(rule_id: int):
    rule = queries.get_rule_or_404(rule_id)
    return run_action(
        None,
        lambda: services.remove_redaction_rule(current_user, rule),
        flash=_l("The rule is removed."),
        success=lambda _d: redirect(url_for("admin.redaction_rules")),
    )
