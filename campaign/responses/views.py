"""Public pages of the responses area: the tracker, the timeline on the appeal page, the Atom
feed, updates, documents and unsubscribing."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    render_template,
    request,
    send_from_directory,
)

from campaign.appeals.queries import get_published_appeal_or_404
from campaign.appeals.views import appeal_context, appeal_context_provider
from campaign.core.extensions import csrf, db
from campaign.core.urls import external_url
from campaign.core.validation import InvalidInput
from campaign.inbox.queries import published_by_authority
from campaign.responses import mailshots
from campaign.responses.documents import content_type_for, documents_folder
from campaign.responses.feed import atom_feed
from campaign.responses.queries import get_public_document, get_update
from campaign.responses.timeline import build_timeline, build_tracker

bp = Blueprint("responses", __name__)


@appeal_context_provider
def _timeline_section(appeal) -> dict:
    return {"timeline": build_timeline(appeal)}


@bp.route("/appeals/<slug>/tracker")
def tracker(slug: str):
    appeal = get_published_appeal_or_404(slug)
    context = appeal_context(appeal)
    context["tracker"] = build_tracker(appeal, context["today"])
    context["correspondence"] = published_by_authority(appeal)
    return render_template("responses/tracker.html", **context)


@bp.route("/appeals/<slug>/updates/<int:update_id>")
def update(slug: str, update_id: int):
    appeal = get_published_appeal_or_404(slug)
    item = get_update(appeal, update_id) or abort(404)
    return render_template("responses/update.html", appeal=appeal, update=item)


@bp.route("/appeals/<slug>/feed.atom")
def feed(slug: str):
    appeal = get_published_appeal_or_404(slug)
    entries = build_timeline(appeal)
    base = current_app.config["BASE_URL"]
    body = atom_feed(
        appeal,
        entries,
        base_url=base,
        appeal_url=external_url("appeals.show", slug=slug),
        feed_url=external_url("responses.feed", slug=slug),
        tracker_url=external_url("responses.tracker", slug=slug),
        entry_urls={
            e.key: external_url("responses.update", slug=slug, update_id=e.update.id)
            for e in entries
            if e.update is not None
        },
        title=appeal.title,
    )
    return current_app.response_class(body, mimetype="application/atom+xml")


@bp.route("/documents/<name>")
def document(name: str):
    content_type = content_type_for(name)
    if content_type is None or get_public_document(name) is None:
        abort(404)
    response = send_from_directory(
        documents_folder(),
        name,
        mimetype=content_type,
        as_attachment=content_type == "application/pdf",
        max_age=3600,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # the signed token is the secret; mail clients POST here (RFC 8058 one-click)
def unsubscribe(token: str):
    try:
        if request.method == "POST":
            appeal = mailshots.unsubscribe(token)
            db.session.commit()
            return render_template("responses/unsubscribed.html", appeal=appeal)
        appeal, _row = mailshots.read_unsubscribe(token)
    except InvalidInput:
        return render_template("responses/unsubscribe.html", appeal=None, token=None), 400
    return render_template("responses/unsubscribe.html", appeal=appeal, token=token)
