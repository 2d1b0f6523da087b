"""Campaigners' pages for mailshots to an appeal's subscribers: each asks first, with the
numbers. Notifying of status changes and posting an update show how many people will be
emailed (per language) and the mail as it will be sent in each language, then a Confirm
button starts the mailshot; its page shows how far it has come. Editors and above."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user

from campaign.accounts.auth import require_role
from campaign.admin import bp
from campaign.admin.responses import _page
from campaign.appeals.models import Update
from campaign.appeals.queries import get_tracked_appeal_or_404
from campaign.core.actions import run_action
from campaign.core.datakeys import shredded_at
from campaign.core.extensions import db
from campaign.core.i18n import supported_languages
from campaign.core.limits import UPDATE_BODY_MAX
from campaign.core.markdown_fields import render_before_writes
from campaign.responses import audience, mailshots
from campaign.responses.forms import UpdateForm
from campaign.responses.queries import MAX_ID
from campaign.responses.services import draft_update, publish_update


def _preview_language(counts) -> str:
    """?lang= when it is one of ours, else the language most subscribers read."""
    languages = supported_languages()
    asked = request.args.get("lang", "")
    if asked in languages:
        return asked
    return max(languages, key=lambda code: (counts.get(code, 0), code == "en"))


def _in_campaigners_language(template: str, **values) -> str:
    """A preview page in the campaigner's own language: its ?lang= picks the mail's language
    only (elsewhere ?lang= sets the page's), so reading the Russian mail keeps the page in
    the language the campaigner chose."""
    languages = supported_languages()
    chosen = request.cookies.get("lang")
    if chosen not in languages:
        chosen = request.accept_languages.best_match(languages) or languages[0]
    with force_locale(chosen):
        return render_template(template, **values)


def _preview_values(appeal, update=None) -> dict:
    """What a preview page shows: the counts, the chosen language and the mail in it."""
    counts = audience.recipient_counts(appeal.id)
    language = _preview_language(counts)
    when = shredded_at(appeal.id)
    return {
        "appeal": appeal,
        "counts": counts,
        "total": sum(counts.values()),
        "languages": supported_languages(),
        "language": language,
        "shredded": mailshots.shredded_message(when) if when else None,
        "mail": audience.preview_mail(appeal, language, update=update),
    }


# --- status changes --------------------------------------------------------------------------


@bp.route("/appeals/<slug>/responses/notify", methods=["GET", "POST"])
@require_role("editor")
def notify_view(slug: str):
    """GET: the preview (count, mail per language, the changes it covers); POST starts it."""
    appeal = get_tracked_appeal_or_404(slug)
    if request.method == "GET":
        changes = audience.pending_changes(appeal)
        values = _preview_values(appeal) if changes else {"appeal": appeal}
        return _in_campaigners_language("admin/mailshots/notify.html", changes=changes, **values)
    return run_action(
        None,
        lambda: mailshots.start_status_mailing(current_user, appeal),
        success=lambda mailing: _mailing_started(
            slug, mailing, _("Subscribers are being notified.")
        ),
        render=lambda: redirect(url_for("admin.notify_view", slug=slug)),
    )


# --- updates ---------------------------------------------------------------------------------


@bp.route("/appeals/<slug>/updates", methods=["POST"])
@require_role("editor")
def post_update_view(slug: str):
    """Save the update as a draft and show its preview; nothing is published or mailed yet."""
    appeal = get_tracked_appeal_or_404(slug)
    form = UpdateForm()

    def draft():
        mailshots.refuse_if_shredded(appeal.id)  # nobody left to mail: say so on the form
        body = render_before_writes({"body": form.body.data}, body=UPDATE_BODY_MAX)["body"]
        return draft_update(current_user, appeal, form.title.data, body)

    return run_action(
        form,
        draft,
        flash=_("Check the update and its email, then confirm to publish and send it."),
        success=lambda update: redirect(
            url_for("admin.update_preview", slug=slug, update_id=update.id)
        ),
        render=lambda: _page(appeal, update_form=form),
    )


def _update_or_404(appeal, update_id: int) -> Update:
    update = db.session.get(Update, update_id) if 0 < update_id <= MAX_ID else None
    if update is None or update.appeal_id != appeal.id:
        abort(404)
    return update


@bp.route("/appeals/<slug>/updates/<int:update_id>/preview")
@require_role("editor")
def update_preview(slug: str, update_id: int):
    appeal = get_tracked_appeal_or_404(slug)
    update = _update_or_404(appeal, update_id)
    return _in_campaigners_language(
        "admin/mailshots/update.html", update=update, **_preview_values(appeal, update)
    )


@bp.route("/appeals/<slug>/updates/<int:update_id>/publish", methods=["POST"])
@require_role("editor")
def update_publish(slug: str, update_id: int):
    """Publish the drafted update and start its mailshot; a second confirmation is refused."""
    appeal = get_tracked_appeal_or_404(slug)
    update = _update_or_404(appeal, update_id)

    def publish():
        return mailshots.start_update_mailing(current_user, publish_update(current_user, update))

    return run_action(
        None,
        publish,
        success=lambda mailing: _mailing_started(slug, mailing, _("The update is published.")),
        render=lambda: redirect(url_for("admin.update_preview", slug=slug, update_id=update_id)),
    )


# --- progress --------------------------------------------------------------------------------


def _mailing_started(slug: str, mailing, message: str):
    """After the commit: queue what fits in this request, say how far it got."""
    if mailshots.run_inline(mailing.id):
        flash(message + " " + _("Its emails are queued for every subscriber."))
    else:
        flash(message + " " + _("Part of its emails are queued; `flask mailshots send` "
                                "queues the rest."))  # fmt: skip
    return redirect(url_for("admin.mailing_page", slug=slug, mailing_id=mailing.id))


@bp.route("/appeals/<slug>/mailshots/<int:mailing_id>")
@require_role("editor")
def mailing_page(slug: str, mailing_id: int):
    appeal = get_tracked_appeal_or_404(slug)
    mailing = audience.get_mailing_or_404(appeal, mailing_id)
    update = db.session.get(Update, mailing.update_id) if mailing.update_id else None
    return render_template(
        "admin/mailshots/show.html",
        appeal=appeal,
        mailing=mailing,
        update=update,
        progress=audience.mailing_progress(mailing),
    )
