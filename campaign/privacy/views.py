"""/my-data/<token>: a signer sees exactly what is stored about their signature (link in
their emails) and can erase it. GET changes nothing (mail scanners open links); erasing is a
POST with CSRF. Pages reached by token are private: no-referrer, no-store."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, url_for

from campaign.appeals.protection import STANDARD_COUNTRY_MINIMUM, at_risk_country_minimum
from campaign.core.extensions import db
from campaign.core.security import TokenError
from campaign.optin.pages import private_page
from campaign.signatures.forms import ButtonForm
from campaign.signatures.queries import signature_from_link
from campaign.signatures.services import withdraw_signature

bp = Blueprint("privacy", __name__)


@bp.route("/privacy")
def notice():
    """What the instance keeps and for how long, and the operator's own section."""
    from campaign.privacy.notice import operator_notice  # renders Markdown: only this page

    config = current_app.config
    return render_template(
        "privacy/notice.html",
        operator=operator_notice(),
        standard_days=int(config["DATA_RETENTION_DAYS"]),
        at_risk_days=int(config["AT_RISK_RETENTION_DAYS"]),
        standard_countries=STANDARD_COUNTRY_MINIMUM,
        at_risk_countries=at_risk_country_minimum(),
    )


@bp.route("/my-data/<token>", methods=["GET", "POST"])
def my_data(token: str):
    try:
        signature = signature_from_link("signature-data", token)
    except TokenError as error:
        page = render_template("privacy/bad_token.html", expired=error.expired)
        return private_page(page, 400)
    if signature is None:
        return private_page(render_template("signatures/gone.html"), 410)
    if request.method == "POST" and ButtonForm().validate():
        withdraw_signature(signature)  # stops counting and erases the personal data
        db.session.commit()
        return redirect(url_for(".my_data", token=token), 303)
    return private_page(
        render_template(
            "privacy/my_data.html",
            signature=signature,
            appeal=signature.appeal,
            form=ButtonForm(formdata=None),
        )
    )
