"""Public appeal pages.

The appeal page is the page a viral appeal sends everyone to, so for anonymous visitors it is
rendered once per (appeal version, count, language) and kept in the cache for a few seconds
(APPEAL_PAGE_CACHE_SECONDS; 0 turns it off). The only per-visitor part, the CSRF token of the
forms, is cut out of the cached copy and put back on every request. The response is `private`
(it carries the visitor's token) with an ETag, so a browser revalidates with a cheap 304."""

from __future__ import annotations

import hashlib

from flask import (
    Blueprint,
    current_app,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from campaign.appeals import issuers
from campaign.appeals.forms import ApprovalForm
from campaign.appeals.queries import get_public_version_or_404, get_published_appeal_or_404
from campaign.appeals.status import appeal_progress, demand_overdue, demand_status, today_utc
from campaign.appeals.translations import available_languages, localized
from campaign.core.actions import run_action
from campaign.core.extensions import cache
from campaign.core.security import TokenError
from campaign.signatures.counting import signature_count

bp = Blueprint("appeals", __name__)

#: Functions (appeal) -> dict that other areas register to add their section's values to the
#: appeal page (signing form and recent signers, endorsers, timeline), so templates never query.
CONTEXT_PROVIDERS: list = []


def appeal_context_provider(func):
    CONTEXT_PROVIDERS.append(func)
    return func


def appeal_context(appeal) -> dict:
    """What every page about one appeal shows: counts, derived statuses, progress."""
    today = today_utc()
    context = {
        "appeal": appeal,
        #: The appeal's text in the reader's language when translated (see translations.py).
        "text": localized(appeal),
        "languages": available_languages(appeal),
        "signature_count": signature_count(appeal.id),
        "progress": appeal_progress(appeal, today),
        "demand_rows": [
            (demand, demand_status(demand), demand_overdue(demand, today))
            for demand in appeal.demands
        ],
        "today": today,
    }
    for provider in CONTEXT_PROVIDERS:
        context.update(provider(appeal))
    return context


def render_appeal_page(appeal, **sections) -> str:
    """The appeal page. `sections` replace what the providers put in: the signing view passes
    the form it could not take (`sign_form`), with its errors."""
    return render_template("appeals/show.html", **{**appeal_context(appeal), **sections})


#: Stands for the visitor's CSRF token in a cached page.
CSRF_SLOT = "\x00csrf-token\x00"


def _page_cache_seconds() -> int:
    """How long the shared copy may be kept; 0 when this request must be rendered for itself
    (a signed-in campaigner, flashed messages, or query arguments such as ?ref=)."""
    seconds = int(current_app.config.get("APPEAL_PAGE_CACHE_SECONDS", 0))
    if seconds <= 0 or request.args or "_flashes" in session:
        return 0
    return 0 if current_user.is_authenticated else seconds


def _page_key(slug: str) -> str:
    """The cache key of the shared page: the appeal's version, its count and the language, so
    a cached page is never stale. 404 for a draft."""
    appeal_id, version, count = get_public_version_or_404(slug)
    return f"appeal-page:{appeal_id}:{version}:{count}:{get_locale()}"


@bp.route("/appeals/<slug>")
def show(slug: str):
    seconds = _page_cache_seconds()
    if not seconds:
        return render_appeal_page(get_published_appeal_or_404(slug))
    token = generate_csrf()
    key = _page_key(slug)
    page = cache.get(key)
    if page is None:
        appeal = get_published_appeal_or_404(slug)  # loads demands, targets, authorities
        page = render_appeal_page(appeal)
        page = page.replace(token, CSRF_SLOT)
        cache.set(key, page, timeout=seconds)
    response = make_response(page.replace(CSRF_SLOT, token))
    # The token in the page is valid for the session's raw token, so the ETag covers that.
    raw = session.get("csrf_token", "")
    response.set_etag(hashlib.sha256(f"{page}\x00{raw}".encode()).hexdigest()[:32])
    response.cache_control.private = True
    response.cache_control.max_age = seconds
    response.vary.add("Cookie")
    return response.make_conditional(request)


@bp.route("/issuers/approve/<token>", methods=["GET", "POST"])
def issuer_approval(token: str):
    """An issuer's contact reads the exact text of a draft and approves it or asks for changes
    (the link in their mail; only the POST acts, so mail scanners change nothing)."""
    try:
        issuer = issuers.issuer_from_link(token)
    except TokenError as exc:
        return render_template("appeals/approval_bad_link.html", expired=exc.expired), 400
    form = ApprovalForm()
    approving = request.form.get("decision") != "changes"

    def answer():
        version = form.version.data or ""
        if approving:
            return issuers.approve_text(issuer, version)
        return issuers.request_changes(issuer, version, form.comment.data or "")

    def page():
        form.version.data = issuers.content_hash(issuer.appeal)  # the text shown now
        state = issuers.issuer_state(issuer, form.version.data)
        return render_template("appeals/approval.html", issuer=issuer, form=form, state=state)

    done = _l("Thank you: the approval is recorded.")
    return run_action(
        form,
        answer,
        flash=done if approving else _l("Thank you: your request for changes is sent."),
        success=lambda _issuer: redirect(url_for(".issuer_approval", token=token)),
        render=page,
    )
