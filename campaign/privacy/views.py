"""/my-data/<token>: a signer sees exactly what is stored about their signature (link in
their emails) and can erase it. GET changes nothing (mail scanners open links); erasing is a
POST with CSRF. Pages reached by token are private: no-referrer, no-store."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, url_for

from campaign.core.extensions import db
from campaign.core.security import TokenError, read_token
from campaign.signatures.forms import ButtonForm
from campaign.signatures.services import get_signature, withdraw_signature

bp = Blueprint("privacy", __name__)


def _private(body, status: int = 200):
    response = current_app.make_response((body, status))
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/my-data/<token>", methods=["GET", "POST"])
def my_data(token: str):
    try:
        payload = read_token(
            "signature-data", token, max_age=current_app.config["DATA_TOKEN_MAX_AGE"]
        )
    except TokenError as error:
        page = render_template("privacy/bad_token.html", expired=error.expired)
        return _private(page, 400)
    signature = get_signature(payload)
    if signature is None:
        return _private(render_template("signatures/gone.html"), 410)
    if request.method == "POST" and ButtonForm().validate():
        withdraw_signature(signature)  # stops counting and erases the personal data
        db.session.commit()
        return redirect(url_for(".my_data", token=token), 303)
    return _private(
        render_template(
            "privacy/my_data.html",
            signature=signature,
            appeal=signature.appeal,
            form=ButtonForm(formdata=None),
        )
    )
