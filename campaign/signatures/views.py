"""Public pages of the signatures area: the sign form (a section of the appeal page), the
thank-you page, confirmation and withdrawal by mailed link, and asking for a new link.

Every page reached through a mailed token sends `Referrer-Policy: no-referrer`, so the token
never leaks to another site; GET never changes anything (mail scanners open links)."""

from __future__ import annotations

from flask import Blueprint, current_app, g, redirect, render_template, request, url_for
from flask_babel import get_locale
from wtforms.fields.choices import SelectChoice

from campaign.appeals.services import (
    get_published_appeal_facts_or_404,
    get_published_appeal_or_404,
    list_public_appeals,
)
from campaign.appeals.views import appeal_context, appeal_context_provider
from campaign.core.engine import reads_before_writes
from campaign.core.extensions import db
from campaign.core.forms import show_errors
from campaign.core.net import client_address
from campaign.core.security import TokenError, read_token
from campaign.core.validation import InvalidInput
from campaign.signatures.counting import signature_count
from campaign.signatures.forms import ButtonForm, ResendForm, SignForm
from campaign.signatures.services import (
    SigningClosed,
    confirm_signature,
    country_choices,
    get_signature,
    prepare_signature,
    recent_public_signers,
    resend_confirmation,
    store_signature,
    withdraw_signature,
)

bp = Blueprint("signatures", __name__)

#: Service field names that differ from the form's.
FORM_FIELDS = {"public_name": "display", "honeypot": "website"}


@bp.app_template_filter("country_name")
def country_name(code: str) -> str:
    names = dict(country_choices(str(get_locale() or "en")))
    return names.get(code, code)


@appeal_context_provider
def _signing_section(appeal) -> dict:
    form = g.pop("sign_form", None) or SignForm(formdata=None, ref=request.args.get("ref", ""))
    return {
        "sign_form": form,
        "accepts_signatures": appeal.accepts_signatures,
        "recent_signers": recent_public_signers(appeal),
    }


@bp.route("/appeals/<slug>/sign", methods=["GET", "POST"])
def sign(slug: str):
    if request.method == "GET":
        get_published_appeal_or_404(slug, eager=False)
        return redirect(url_for("appeals.show", slug=slug, _anchor="sign"))
    # Parse and check the form before the first query, and do every read in its own short
    # transaction: on SQLite a write transaction holds the one write lock from its first
    # statement to its commit, so only the INSERTs go in it.
    form = SignForm()
    valid = form.validate()
    prepared = None
    try:
        with reads_before_writes():
            facts = get_published_appeal_facts_or_404(slug)  # signing needs a few columns
            if valid:
                prepared = prepare_signature(facts, form.to_input(), client_address())
            elif not facts.accepts_signatures:
                raise SigningClosed()
    except InvalidInput as exc:
        db.session.rollback()
        show_errors(form, exc, FORM_FIELDS)
    except SigningClosed:
        db.session.rollback()
        appeal = get_published_appeal_or_404(slug, eager=False)
        return render_template("signatures/closed.html", appeal=appeal), 409
    if prepared is not None:
        store_signature(prepared)
        db.session.commit()
        return redirect(url_for(".thanks", slug=slug), 303)
    form.website.data = ""  # never echo the honeypot
    g.sign_form = form
    appeal = get_published_appeal_or_404(slug)  # the page again: demands, targets, authorities
    return render_template("appeals/show.html", **appeal_context(appeal)), 400


@bp.route("/appeals/<slug>/thanks")
def thanks(slug: str):
    appeal = get_published_appeal_or_404(slug)
    return render_template("signatures/thanks.html", appeal=appeal)


def _private(body, status: int = 200):
    response = current_app.make_response((body, status))
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    return response


def _bad_token(error: TokenError, purpose: str):
    """A clear page for an expired or tampered link, with a way to get a new one."""
    appeals = [a for a in list_public_appeals() if a.accepts_signatures]
    form = ResendForm(formdata=None)
    form.appeal.choices = [SelectChoice(a.slug, a.title) for a in appeals]
    hint = get_signature(error.payload) if error.expired else None
    if hint is not None:
        form.appeal.data = hint.appeal.slug
    page = render_template(
        "signatures/bad_token.html", expired=error.expired, purpose=purpose, form=form
    )
    return _private(page, 400)


@bp.route("/confirm/<token>", methods=["GET", "POST"])
def confirm(token: str):
    max_age = current_app.config["CONFIRM_TOKEN_MAX_AGE"]
    try:
        signature = get_signature(read_token("signature-confirm", token, max_age=max_age))
    except TokenError as error:
        return _bad_token(error, "confirm")
    if signature is None or signature.state in ("withdrawn", "invalidated"):
        return _private(render_template("signatures/gone.html"), 410)
    if request.method == "POST" and ButtonForm().validate():
        try:
            confirm_signature(signature)
        except SigningClosed:
            db.session.rollback()
            return _private(render_template("signatures/closed.html", appeal=signature.appeal))
        db.session.commit()
        return redirect(url_for(".confirm", token=token), 303)
    return _private(
        render_template(
            "signatures/confirm.html",
            signature=signature,
            appeal=signature.appeal,
            form=ButtonForm(formdata=None),
            count=signature_count(signature.appeal_id),
        )
    )


@bp.route("/confirm/resend", methods=["POST"])
def resend():
    form = ResendForm()
    appeal = get_published_appeal_or_404(form.appeal.data or "-")
    if form.validate():
        resend_confirmation(appeal, form.email.data or "", client_address())
        db.session.commit()
    # The same answer whether or not the address signed.
    return _private(render_template("signatures/resent.html", appeal=appeal))


@bp.route("/withdraw/<token>", methods=["GET", "POST"])
def withdraw(token: str):
    max_age = current_app.config["WITHDRAW_TOKEN_MAX_AGE"]
    try:
        signature = get_signature(read_token("signature-withdraw", token, max_age=max_age))
    except TokenError:
        return _private(render_template("signatures/bad_withdraw_token.html"), 400)
    if signature is None:
        return _private(render_template("signatures/gone.html"), 410)
    if request.method == "POST" and ButtonForm().validate():
        withdraw_signature(signature)
        db.session.commit()
        return redirect(url_for(".withdraw", token=token), 303)
    return _private(
        render_template(
            "signatures/withdraw.html",
            signature=signature,
            appeal=signature.appeal,
            form=ButtonForm(formdata=None),
        )
    )
