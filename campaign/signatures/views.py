"""Public pages of the signatures area: the sign form (a section of the appeal page), the
thank-you page, confirmation and withdrawal by mailed link, and asking for a new link.

Every page reached through a mailed token sends `Referrer-Policy: no-referrer`, so the token
never leaks to another site; GET never changes anything (mail scanners open links)."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import get_locale
from wtforms.fields.choices import SelectChoice

from campaign.appeals.protection import is_at_risk, retention_days
from campaign.appeals.queries import get_published_appeal_or_404, list_public_appeals
from campaign.appeals.translations import localized
from campaign.appeals.views import appeal_context_provider, render_appeal_page
from campaign.core.extensions import db
from campaign.core.forms import show_errors
from campaign.core.net import client_address
from campaign.core.security import TokenError
from campaign.core.validation import InvalidInput
from campaign.optin import NotAccepting
from campaign.optin.addresses import mask_address
from campaign.optin.pages import private_page
from campaign.sharing.links import share_links
from campaign.signatures import receipt
from campaign.signatures.counting import signature_count
from campaign.signatures.forms import ButtonForm, ResendForm, SignForm
from campaign.signatures.queries import get_signature, recent_public_signers, signature_from_link
from campaign.signatures.services import (
    confirm_signature,
    resend_confirmation,
    sign_appeal,
    withdraw_signature,
)

bp = Blueprint("signatures", __name__)

#: Service field names that differ from the form's.
FORM_FIELDS = {"public_name": "display", "honeypot": "website"}


@appeal_context_provider
def _signing_section(appeal) -> dict:
    return {
        "sign_form": SignForm(
            formdata=None, ref=request.args.get("ref", ""), default_country=appeal.default_country
        ),
        "accepts_signatures": appeal.accepts_signatures,
        "recent_signers": recent_public_signers(appeal),
        "at_risk": is_at_risk(appeal.protection),
        "retention_days": retention_days(appeal),
    }


@bp.route("/appeals/<slug>/sign", methods=["GET", "POST"])
def sign(slug: str):
    if request.method == "GET":
        get_published_appeal_or_404(slug, eager=False)
        return redirect(url_for("appeals.show", slug=slug, _anchor="sign"))
    # A form that fails its own checks (lengths) is not signed, and makes no query before the
    # page below, which says first whether the appeal is closed.
    form = SignForm()
    if form.validate():
        try:
            sign_appeal(slug, form.to_input(), client_address())
            db.session.commit()
            receipt.remember(slug, {n: getattr(form, n).data or "" for n in receipt.FIELDS})
            return redirect(url_for(".thanks", slug=slug), 303)
        except InvalidInput as exc:
            show_errors(form, exc, FORM_FIELDS)
        except NotAccepting:
            pass  # the closed page below
        db.session.rollback()
    appeal = get_published_appeal_or_404(slug)  # the page again: demands, targets, authorities
    if not appeal.accepts_signatures:
        return render_template("signatures/closed.html", appeal=appeal), 409
    form.website.data = ""  # never echo the honeypot
    form.country.choices = SignForm(
        formdata=None, default_country=appeal.default_country
    ).country.choices
    return render_appeal_page(appeal, sign_form=form), 400


@bp.route("/appeals/<slug>/thanks")
def thanks(slug: str):
    """Where the mail went (masked), a way to correct it, and a resend. The address comes
    from this visitor's own session (campaign.signatures.receipt), never from the URL."""
    appeal = get_published_appeal_or_404(slug)
    remembered = receipt.recall(slug)
    masked = mask_address(remembered["email"]) if remembered else None
    page = render_template(
        "signatures/thanks.html", appeal=appeal, masked=masked, form=ButtonForm(formdata=None)
    )
    return private_page(page)


@bp.route("/appeals/<slug>/thanks/resend", methods=["POST"])
def resend_from_thanks(slug: str):
    """Send the confirmation again to the remembered address. The answer is the same whether
    the address is pending, confirmed, unknown, over the rate limit or at its mail cap."""
    appeal = get_published_appeal_or_404(slug)
    remembered = receipt.recall(slug)
    if ButtonForm().validate() and remembered:
        resend_confirmation(appeal, remembered["email"], client_address())
        db.session.commit()
    return private_page(render_template("signatures/resent.html", appeal=appeal))


@bp.route("/appeals/<slug>/correct")
def correct(slug: str):
    """The appeal page with the signing form filled in as it was sent, to fix the address."""
    appeal = get_published_appeal_or_404(slug)
    remembered = receipt.recall(slug)
    if remembered is None:
        return redirect(url_for("appeals.show", slug=slug, _anchor="sign"))
    form = SignForm(formdata=None, **remembered)
    return private_page(render_appeal_page(appeal, sign_form=form))


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
    return private_page(page, 400)


@bp.route("/confirm/<token>", methods=["GET", "POST"])
def confirm(token: str):
    try:
        signature = signature_from_link("signature-confirm", token)
    except TokenError as error:
        return _bad_token(error, "confirm")
    if signature is None or signature.state in ("withdrawn", "invalidated"):
        return private_page(render_template("signatures/gone.html"), 410)
    if request.method == "POST" and ButtonForm().validate():
        try:
            confirm_signature(signature)
        except NotAccepting:
            db.session.rollback()
            return private_page(render_template("signatures/closed.html", appeal=signature.appeal))
        db.session.commit()
        return redirect(url_for(".confirm", token=token), 303)
    count = signature_count(signature.appeal_id)
    share = _share_links(signature.appeal) if signature.state == "confirmed" else []
    return _link_page("signatures/confirm.html", signature, count=count, share=share)


def _share_links(appeal):
    """Share links in the page's language, each carrying `lang` and its channel as `ref`."""
    text = localized(appeal)
    summary = " ".join(text.summary.split())
    return share_links(appeal, str(get_locale() or "en"), text.title, summary)


@bp.route("/confirm/resend", methods=["POST"])
def resend():
    form = ResendForm()
    appeal = get_published_appeal_or_404(form.appeal.data or "-")
    if form.validate():
        resend_confirmation(appeal, form.email.data or "", client_address())
        db.session.commit()
    # The same answer whether or not the address signed.
    return private_page(render_template("signatures/resent.html", appeal=appeal))


@bp.route("/withdraw/<token>", methods=["GET", "POST"])
def withdraw(token: str):
    try:
        signature = signature_from_link("signature-withdraw", token)
    except TokenError:
        return private_page(render_template("signatures/bad_withdraw_token.html"), 400)
    if signature is None:
        return private_page(render_template("signatures/gone.html"), 410)
    if request.method == "POST" and ButtonForm().validate():
        withdraw_signature(signature)
        db.session.commit()
        return redirect(url_for(".withdraw", token=token), 303)
    return _link_page("signatures/withdraw.html", signature)


def _link_page(template: str, signature, **values):
    """A mailed link's page: what it is about and a button (GET never acts)."""
    form = ButtonForm(formdata=None)
    appeal = signature.appeal
    page = render_template(template, signature=signature, appeal=appeal, form=form, **values)
    return private_page(page)
