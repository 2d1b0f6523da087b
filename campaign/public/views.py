"""The home page, language switching and the health check."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import sqlalchemy as sa
from flask import Blueprint, current_app, jsonify, redirect, render_template, request, url_for

from campaign.appeals.queries import list_public_appeals
from campaign.appeals.status import appeal_progress
from campaign.appeals.translations import localized
from campaign.core.extensions import db
from campaign.signatures.counting import signature_counts

bp = Blueprint("public", __name__)


@bp.route("/")
def home():
    appeals = list_public_appeals()
    counts = signature_counts(a.id for a in appeals)
    items = [(a, localized(a), counts[a.id], appeal_progress(a)) for a in appeals]
    return render_template("public/home.html", items=items)


@bp.route("/language", methods=["POST"])
def set_language():
    """Remember the chosen language in a cookie and go back (works without JavaScript)."""
    lang = request.form.get("lang", "")
    target = request.form.get("next") or url_for("public.home")
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        target = url_for("public.home")
    target = _without_lang(target)
    response = redirect(target)
    if lang in current_app.config["LANGUAGES"]:
        response.set_cookie("lang", lang, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
    return response


def _without_lang(path: str) -> str:
    """The page to go back to without its ?lang=, which would override the choice just made."""
    parts = urlsplit(path)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "lang"]
    return urlunsplit(("", "", parts.path, urlencode(query), parts.fragment))


@bp.route("/healthz")
def healthz():
    try:
        db.session.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError:
        db.session.rollback()
        return jsonify(status="unavailable", database="unreachable"), 503
    return jsonify(status="ok", database="ok")
