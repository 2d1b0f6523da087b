"""Campaigners log in and out."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required, login_user, logout_user

from campaign.accounts.forms import LoginForm
from campaign.accounts.services import authenticate
from campaign.extensions import db, limiter

bp = Blueprint("accounts", __name__)


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


@bp.route("/admin/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data)
        db.session.commit()  # keep failed-login counts and lockouts
        if user is not None:
            login_user(user)
            return redirect(_safe_next(request.args.get("next")))
        form.password.errors.append(_("Wrong email or password, or the account is locked."))
    return render_template("accounts/login.html", form=form), 200 if not form.errors else 400


@bp.route("/admin/logout", methods=["POST"])
@login_required
def logout():
    logout_user()
    flash(_("You are logged out."))
    return redirect(url_for("public.home"))


def _safe_next(target: str | None) -> str:
    """Only redirect within this site after login."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/"):
            return target
    return url_for("admin.index")
