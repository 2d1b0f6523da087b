"""Campaigners' pages for the register of authorities that demands are addressed to."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from campaign.accounts.auth import require_role
from campaign.admin import add_nav, bp
from campaign.admin.forms import AuthorityForm, show_errors
from campaign.authorities.queries import get_authority_or_404, list_authorities
from campaign.authorities.services import create_authority, update_authority
from campaign.core.extensions import db
from campaign.core.validation import InvalidInput

add_nav("admin.authorities", _l("Authorities"), "moderator")


@bp.route("/authorities")
@require_role("moderator")
def authorities():
    return render_template("admin/authorities/index.html", authorities=list_authorities())


@bp.route("/authorities/new", methods=["GET", "POST"])
@require_role("editor")
def authority_new():
    form = AuthorityForm()
    if form.validate_on_submit():
        try:
            authority = create_authority(current_user._get_current_object(), **form.values())
        except InvalidInput as error:
            db.session.rollback()
            show_errors(form, error)
        else:
            db.session.commit()
            flash(_("%(name)s is added to the register.", name=authority.name))
            return redirect(url_for("admin.authorities"))
    return _render_form(form, None)


@bp.route("/authorities/<slug>/edit", methods=["GET", "POST"])
@require_role("editor")
def authority_edit(slug: str):
    authority = get_authority_or_404(slug)
    form = AuthorityForm(obj=authority if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            update_authority(current_user._get_current_object(), authority, **form.values())
        except InvalidInput as error:
            db.session.rollback()
            show_errors(form, error)
        else:
            db.session.commit()
            flash(_("%(name)s is saved.", name=authority.name))
            return redirect(url_for("admin.authorities"))
    return _render_form(form, authority)


def _render_form(form: AuthorityForm, authority):
    status = 400 if request.method == "POST" else 200
    return render_template("admin/authorities/form.html", form=form, authority=authority), status
