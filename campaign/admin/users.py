"""Campaigner accounts: admins list, create, change role and deactivate; every campaigner
changes their own password."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import EmailField, PasswordField, SelectField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from campaign.accounts.auth import require_role, start_session
from campaign.accounts.models import ROLES
from campaign.accounts.queries import get_user_or_404, list_users
from campaign.accounts.services import (
    MIN_PASSWORD_LENGTH,
    AccountError,
    change_password,
    change_role,
    create_user,
    deactivate_user,
)
from campaign.admin import add_nav, bp
from campaign.core import limits
from campaign.core.engine import reads_before_writes
from campaign.core.extensions import db, limiter
from campaign.core.forms import Form, max_length
from campaign.core.labels import label


def _role_choices():
    return [(role, label(role)) for role in ROLES]


def _new_password(text):
    return PasswordField(
        text,
        validators=[
            DataRequired(),
            Length(
                min=MIN_PASSWORD_LENGTH,
                max=limits.PASSWORD,
                message=_l("The password needs at least %(min)d characters (at most %(max)d)."),
            ),
        ],
    )


def _confirm_password():
    return PasswordField(
        _l("Password again"),
        validators=[
            DataRequired(),
            EqualTo("password", _l("The passwords differ.")),
            max_length(limits.PASSWORD),
        ],
    )


class NewUserForm(Form):
    email = EmailField(
        _l("Email"),
        validators=[DataRequired(), Email(check_deliverability=False), max_length(limits.EMAIL)],
    )
    role = SelectField(_l("Role"), choices=_role_choices, validators=[DataRequired()])
    password = _new_password(_l("Password"))
    confirm = _confirm_password()


class PasswordForm(Form):
    current = PasswordField(
        _l("Current password"), validators=[DataRequired(), max_length(limits.PASSWORD)]
    )
    password = _new_password(_l("New password"))
    confirm = _confirm_password()


class RoleForm(Form):
    role = SelectField(_l("Role"), choices=_role_choices, validators=[DataRequired()])


class DeactivateForm(Form):
    pass


add_nav("admin.users", _l("Campaigners"), "admin")
add_nav("admin.password", _l("Your password"), "moderator")


def _render_list(status: int = 200, errors: dict | None = None):
    users = list_users()
    forms = {u.id: RoleForm(prefix=f"u{u.id}", role=u.role) for u in users}
    return render_template(
        "admin/users/index.html",
        users=users,
        role_forms=forms,
        deactivate_form=DeactivateForm(),
        errors=errors or {},
    ), status


@bp.route("/users")
@require_role("admin")
def users():
    return _render_list()


@bp.route("/users/new", methods=["GET", "POST"])
@require_role("admin")
def new_user():
    form = NewUserForm()
    if form.validate_on_submit():
        try:
            user = create_user(form.email.data, form.password.data, form.role.data, current_user)
        except AccountError as exc:
            getattr(form, exc.field or "email").errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("Created %(email)s.", email=user.email))
            return redirect(url_for("admin.users"))
    status = 400 if form.errors else 200
    return render_template(
        "admin/users/new.html", form=form, min_length=MIN_PASSWORD_LENGTH
    ), status


@bp.route("/users/<int:user_id>/role", methods=["POST"])
@require_role("admin")
def user_role(user_id: int):
    user = get_user_or_404(user_id)
    form = RoleForm(prefix=f"u{user.id}")
    if not form.validate_on_submit():
        return _render_list(400, {user.id: _("Choose one of the roles.")})
    try:
        change_role(user, form.role.data, current_user)
    except AccountError as exc:
        db.session.rollback()
        return _render_list(400, {user_id: str(exc)})
    db.session.commit()
    flash(_("%(email)s is now %(role)s.", email=user.email, role=label(user.role)))
    return redirect(url_for("admin.users"))


@bp.route("/users/<int:user_id>/deactivate", methods=["POST"])
@require_role("admin")
def user_deactivate(user_id: int):
    user = get_user_or_404(user_id)
    if not DeactivateForm().validate_on_submit():
        abort(400)
    try:
        deactivate_user(user, current_user)
    except AccountError as exc:
        db.session.rollback()
        return _render_list(400, {user_id: str(exc)})
    db.session.commit()
    flash(
        _(
            "%(email)s is deactivated; their sessions and API tokens no longer work.",
            email=user.email,
        )
    )
    return redirect(url_for("admin.users"))


def _login_limit() -> str:
    # Checking the current password is a login of its own: the same limit per address.
    return current_app.config["LOGIN_RATE_LIMIT"]


@bp.route("/password", methods=["GET", "POST"])
@require_role("moderator")
@limiter.limit(_login_limit, methods=["POST"])
def password():
    form = PasswordForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        # Loading the user began this POST's write transaction (on SQLite, the one write
        # lock): end it, so the two password hashes that follow hold up no other writer.
        with reads_before_writes():
            db.session.refresh(user)
        try:
            change_password(user, form.current.data, form.password.data)
        except AccountError as exc:
            db.session.rollback()
            getattr(form, exc.field or "password").errors.append(str(exc))
        else:
            db.session.commit()
            start_session(user)  # this browser stays in; every other session has ended
            flash(_("Your password is changed; your other sessions are logged out."))
            return redirect(url_for("admin.index"))
    status = 400 if form.errors else 200
    return render_template(
        "accounts/password.html", form=form, min_length=MIN_PASSWORD_LENGTH
    ), status
