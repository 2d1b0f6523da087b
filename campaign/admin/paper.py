"""Campaigners' page of an appeal's paper batches: the list with provenance and corrections,
the form to enter one, a correction form per batch, and the private scans. Editors and
above (moderators may read the list)."""

from __future__ import annotations

from flask import abort, redirect, render_template, send_from_directory, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from campaign.accounts.auth import require_role
from campaign.admin import bp
from campaign.appeals.queries import get_tracked_appeal_or_404
from campaign.core.actions import run_action
from campaign.paper.forms import PaperBatchForm, correction_form
from campaign.paper.queries import appeal_batches, get_batch_or_404
from campaign.paper.scans import scans_folder
from campaign.paper.services import PAPER_STATES, correct_paper_batch, record_paper_batch
from campaign.responses.documents import MAX_DOCUMENT_BYTES, content_type_for


def _page(appeal, form=None, corrected=None):
    """The page; `form` the entry form, `corrected` a batch's correction form with errors."""
    batches = appeal_batches(appeal)
    forms = {b.id: correction_form(b, formdata=None) for b in batches}
    if corrected is not None:
        forms[corrected[0]] = corrected[1]
    return render_template(
        "admin/appeals/paper.html",
        appeal=appeal,
        batches=batches,
        form=form or PaperBatchForm(formdata=None),
        correction_forms=forms,
        editable=appeal.state in PAPER_STATES,
    )


def _back(slug: str):
    return redirect(url_for("admin.appeal_paper", slug=slug))


@bp.route("/appeals/<slug>/paper")
@require_role("moderator")
def appeal_paper(slug: str):
    return _page(get_tracked_appeal_or_404(slug))


@bp.route("/appeals/<slug>/paper/record", methods=["POST"])
@require_role("editor")
def record_paper_view(slug: str):
    appeal = get_tracked_appeal_or_404(slug)
    form = PaperBatchForm()

    def record():
        upload = form.scan.data
        scan = upload.read(MAX_DOCUMENT_BYTES + 1) if upload and upload.filename else None
        return record_paper_batch(
            current_user, appeal, count=form.count.data, collected_by=form.collected_by.data,
            place=form.place.data, collected_from=form.collected_from.data,
            collected_to=form.collected_to.data, scan=scan,
        )  # fmt: skip

    return run_action(
        form,
        record,
        flash=_l("The paper batch is counted."),
        success=lambda _batch: _back(slug),
        render=lambda: _page(appeal, form=form),
    )


@bp.route("/appeals/<slug>/paper/<int:batch_id>/correct", methods=["POST"])
@require_role("editor")
def correct_paper_view(slug: str, batch_id: int):
    appeal = get_tracked_appeal_or_404(slug)
    batch = get_batch_or_404(appeal, batch_id)
    form = correction_form(batch)
    return run_action(
        form,
        lambda: correct_paper_batch(
            current_user, batch, count=form.count.data, reason=form.reason.data
        ),
        flash=_l("The count is corrected; the old one stays in the history."),
        success=lambda _correction: _back(slug),
        render=lambda: _page(appeal, corrected=(batch.id, form)),
    )


@bp.route("/appeals/<slug>/paper/<int:batch_id>/scan")
@require_role("moderator")
def paper_scan(slug: str, batch_id: int):
    """The scan may show signers' names: campaigners only, as a download, never cached."""
    batch = get_batch_or_404(get_tracked_appeal_or_404(slug), batch_id)
    if not batch.scan or content_type_for(batch.scan) is None:
        abort(404)
    response = send_from_directory(
        scans_folder(), batch.scan, mimetype=content_type_for(batch.scan), as_attachment=True
    )
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
