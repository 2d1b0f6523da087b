"""Campaigners log in and out (campaign.accounts.lockout slows down guessing)."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from campaign.accounts.auth import end_session, start_session
from campaign.accounts.forms import LoginForm
from campaign.accounts.services import authenticate, end_sessions
from campaign.core.extensions import db, limiter
from campaign.core.net import client_address

bp = Blueprint("accounts", __name__)


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


@bp.route("/admin/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data, client_address())
        db.session.commit()  # keep failed-login counts and lockouts
        if user is not None:
            start_session(user)
            return redirect(_safe_next(request.args.get("next")))
        form.password.errors.append(_("Wrong email or password, or the account is locked."))
    return render_template("accounts/login.html", form=form), 200 if not form.errors else 400


@bp.route("/admin/logout", methods=["POST"])
@login_required
def logout():
    # Every session of the campaigner ends, so a copy of this cookie opens nothing either.
    end_sessions(current_user._get_current_object())
    db.session.commit()
    end_session()
    flash(_("You are logged out, here and on your other devices."))
    return redirect(url_for("public.home"))


def _safe_next(target: str | None) -> str:
    """Only redirect within this site after login."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/"):
            return target
    return url_for("admin.index")
