"""Public pages of the endorsements area: the organizational sign-on form, the confirm and
withdraw pages (a GET shows a button; only the POST acts, so mail scanners that open links
change nothing), organizations' pages, their logos, and the appeal page's endorsers."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask_babel import get_locale

from campaign.appeals.queries import get_published_appeal_or_404
from campaign.appeals.views import appeal_context_provider
from campaign.core.countries import country_name
from campaign.core.extensions import db
from campaign.core.forms import show_errors
from campaign.core.net import client_address
from campaign.core.security import TokenError
from campaign.core.validation import InvalidInput
from campaign.endorsements import queries, services
from campaign.endorsements.forms import EndorsementForm
from campaign.endorsements.logos import logo_folder, logo_path, read_logo
from campaign.optin import NotAccepting

bp = Blueprint("endorsements", __name__)


@bp.route("/appeals/<slug>/endorse", methods=["GET", "POST"])
def endorse(slug: str):
    appeal = get_published_appeal_or_404(slug)
    if not appeal.accepts_signatures:
        status = 409 if request.method == "POST" else 200
        return render_template("endorsements/closed.html", appeal=appeal), status
    form = EndorsementForm()
    if form.validate_on_submit():
        try:
            data = form.to_input(language=str(get_locale() or "en"))
            data.logo = read_logo(form.logo.data)
            services.submit_endorsement(
                appeal, data, address=client_address(), honeypot=form.homepage.data
            )
        except InvalidInput as exc:
            db.session.rollback()
            show_errors(form, exc)
        except NotAccepting:
            db.session.rollback()
            return render_template("endorsements/closed.html", appeal=appeal), 409
        else:
            db.session.commit()
            return redirect(url_for(".sent", slug=appeal.slug))
    status = 400 if form.errors else 200
    return render_template("endorsements/endorse.html", appeal=appeal, form=form), status


@bp.route("/appeals/<slug>/endorse/sent")
def sent(slug: str):
    # One answer for every submission: it tells nothing about the organization's others.
    appeal = get_published_appeal_or_404(slug)
    return render_template("endorsements/sent.html", appeal=appeal)


@bp.route("/endorsements/confirm/<token>", methods=["GET", "POST"])
def confirm(token: str):
    page, done = "endorsements/confirm.html", request.method == "POST"
    return _link_page("endorsement-confirm", token, services.confirm_endorsement, page, done=done)


@bp.route("/endorsements/withdraw/<token>", methods=["GET", "POST"])
def withdraw(token: str):
    page = "endorsements/withdraw.html"
    return _link_page("endorsement-withdraw", token, services.withdraw_endorsement, page)


def _link_page(purpose: str, token: str, action, page: str, **values):
    """A mailed link's page; only the POST acts, so mail scanners that open links change
    nothing."""
    try:
        endorsement = queries.endorsement_from_link(purpose, token)
    except TokenError as exc:
        return render_template("endorsements/bad_link.html", expired=exc.expired), 400
    if request.method == "POST":
        action(endorsement)
        db.session.commit()
    return render_template(page, endorsement=endorsement, **values)


@bp.route("/organizations/<slug>")
def organization(slug: str):
    found = queries.get_organization_by_slug(slug)
    if found is None:
        abort(404)
    endorsements = queries.organization_endorsements(found)
    issued = queries.organization_appeals(found)
    if not endorsements and not issued:
        abort(404)  # organizations only known from unapproved submissions stay private
    return render_template(
        "endorsements/organization.html",
        organization=found,
        endorsements=endorsements,
        issued=issued,
    )


@bp.route("/organizations/logos/<name>")
def logo(name: str):
    if logo_path(name) is None:
        abort(404)
    response = send_from_directory(logo_folder(), name, mimetype="image/png", max_age=86400)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'"
    return response


@appeal_context_provider
def endorsements_section(appeal) -> dict:
    initiators, groups = queries.group_by_country(queries.public_endorsements(appeal))
    return {
        "endorsers": {
            "count": appeal.endorsement_count,
            "initiators": initiators,
            "groups": [(code, country_name(code), rows) for code, rows in groups],
            "accepting": appeal.accepts_signatures,
        }
    }
