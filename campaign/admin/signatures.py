"""Moderators' pages for signatures: search, invalidate (one, selected, or all matching after
a confirmation step), CSV export (streamed), and the abuse blocklists."""

from __future__ import annotations

from flask import (
    Response,
    abort,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from campaign.accounts.auth import require_role
from campaign.admin import add_nav, bp
from campaign.appeals.queries import get_appeal_or_404, list_appeals_by_creation
from campaign.core.actions import run_action
from campaign.core.countries import country_choices
from campaign.core.extensions import db
from campaign.core.inputs import bounded_int, page_arg
from campaign.core.validation import InvalidInput
from campaign.privacy.exports import record_export
from campaign.privacy.sealing import seal_chunks
from campaign.signatures import blocklists
from campaign.signatures.export import signature_csv
from campaign.signatures.models import Signature
from campaign.signatures.search import (
    FILTER_STATES,
    SignatureFilter,
    count_of,
    filtered_signatures,
    parse_filter,
)
from campaign.signatures.services import invalidate_signatures

PER_PAGE = 50

add_nav("admin.signature_appeals", _l("Signatures"), "moderator")
add_nav("admin.blocklists", _l("Blocklists"), "moderator")


def _filter_or_errors(args) -> tuple[SignatureFilter, dict]:
    try:
        return parse_filter(args), {}
    except InvalidInput as exc:
        return SignatureFilter(), exc.fields


@bp.route("/signatures")
@require_role("moderator")
def signature_appeals():
    appeals = list_appeals_by_creation()
    return render_template("admin/signatures/appeals.html", appeals=appeals)


@bp.route("/appeals/<slug>/signatures")
@require_role("moderator")
def signatures(slug: str):
    appeal = get_appeal_or_404(slug)
    filters, errors = _filter_or_errors(request.args)
    query = filtered_signatures(appeal.id, filters)
    page = db.paginate(query, page=page_arg(), per_page=PER_PAGE)
    return render_template(
        "admin/signatures/list.html",
        appeal=appeal,
        page=page,
        filters=filters,
        errors=errors,
        args=request.args,
        states=FILTER_STATES,
        countries=country_choices("en"),
    )


@bp.route("/appeals/<slug>/signatures/invalidate", methods=["GET", "POST"])
@require_role("moderator")
def invalidate(slug: str):
    """Step 1 shows how many signatures would change; step 2 (confirm=1) changes them."""
    appeal = get_appeal_or_404(slug)
    source = request.form if request.method == "POST" else request.args
    ids = [i for i in map(bounded_int, source.getlist("ids")) if i is not None]
    filters, errors = _filter_or_errors(source)
    if errors:
        return redirect(url_for(".signatures", slug=slug, **source))
    query = filtered_signatures(appeal.id, filters)
    if ids:
        query = query.where(Signature.id.in_(ids))
    query = query.where(Signature.state.in_(("pending", "confirmed")))
    count = count_of(query)
    reason = (source.get("reason") or "").strip()
    errors: dict = {}

    def page():
        return render_template(
            "admin/signatures/invalidate.html",
            appeal=appeal,
            count=count,
            ids=ids,
            filters=filters,
            reason=reason,
            error=errors.get("reason"),
        )

    if request.method != "POST" or source.get("confirm") != "1":
        return page()
    return run_action(
        errors,
        lambda: invalidate_signatures(
            current_user, db.session.execute(query).scalars().all(), reason
        ),
        flash=lambda changed: _("%(n)s signature(s) invalidated.", n=changed),
        success=lambda _done: redirect(url_for(".signatures", slug=slug, **filters.as_args()), 303),
        render=page,
    )


@bp.route("/appeals/<slug>/signatures.csv")
@require_role("moderator")
def export_signatures(slug: str):
    """The matching signatures as CSV; sealed (.csv.age) when the appeal has a sealing key."""
    appeal = get_appeal_or_404(slug)
    filters, _errors = _filter_or_errors(request.args)
    appeal_id, key = appeal.id, appeal.sealing_public_key
    record_export(current_user, appeal, "signatures", key, filters=filters.as_args())
    db.session.commit()
    lines = signature_csv(
        filtered_signatures(appeal_id, filters).order_by(None).order_by(Signature.id)
    )
    body, mimetype, name = lines, "text/csv", f"signatures-{slug}.csv"
    if key:
        body, mimetype, name = seal_chunks(lines, key), "application/octet-stream", name + ".age"
    return Response(
        stream_with_context(body),
        mimetype=mimetype,
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
        },
    )


def _blocklists_page(errors: dict, values) -> str:
    networks, domains = blocklists.list_blocklists()
    return render_template(
        "admin/signatures/blocklists.html",
        networks=networks,
        domains=domains,
        errors=errors,
        values=values,
    )


@bp.route("/blocklists", endpoint="blocklists")
@require_role("moderator")
def blocklists_page():
    return _blocklists_page({}, {})


#: kind -> (the service that adds one, the form field that holds it)
BLOCKLIST_ADD = {
    "network": (blocklists.add_blocked_network, "cidr"),
    "domain": (blocklists.add_blocked_domain, "domain"),
}
BLOCKLIST_REMOVE = {
    "network": blocklists.remove_blocked_network,
    "domain": blocklists.remove_blocked_domain,
}


@bp.route("/blocklists/add", methods=["POST"])
@require_role("moderator")
def blocklist_add():
    if request.form.get("kind") not in BLOCKLIST_ADD:
        abort(400)
    add, field = BLOCKLIST_ADD[request.form["kind"]]
    value, reason = request.form.get(field, ""), request.form.get("reason", "")
    errors: dict = {}
    return run_action(
        errors,
        lambda: add(current_user, value, reason),
        flash=_l("Added to the blocklist."),
        success=lambda _done: redirect(url_for(".blocklists"), 303),
        render=lambda: _blocklists_page(errors, request.form),
    )


@bp.route("/blocklists/<kind>/<int:row_id>/remove", methods=["POST"])
@require_role("moderator")
def blocklist_remove(kind: str, row_id: int):
    if kind not in BLOCKLIST_REMOVE:
        abort(404)

    def remove():
        if not BLOCKLIST_REMOVE[kind](current_user, row_id):
            abort(404)

    return run_action(
        None,
        remove,
        flash=_l("Removed from the blocklist."),
        success=lambda _done: redirect(url_for(".blocklists"), 303),
    )
